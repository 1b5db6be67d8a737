// Protobuf field numbers of the authorization.k8s.io/v1 and authentication.k8s.io/v1
// self reviews (k8s.io/api generated.proto); grammar in ../table.ts.

import { AUTHN, AUTHZ } from '../../../api/schema/build.js';

export const authFields: Record<string, string> = {
  [AUTHZ + 'SelfSubjectAccessReview']: 'metadata=1 spec=2 status=3',
  [AUTHZ + 'SelfSubjectAccessReviewSpec']: 'resourceAttributes=1 nonResourceAttributes=2',
  [AUTHZ + 'ResourceAttributes']: 'namespace=1 verb=2 group=3 version=4 resource=5 subresource=6 name=7 fieldSelector=8 labelSelector=9',
  [AUTHZ + 'FieldSelectorAttributes']: 'rawSelector=1 requirements=2',
  [AUTHZ + 'FieldSelectorRequirement']: 'key=1 operator=2 values=3',
  [AUTHZ + 'LabelSelectorAttributes']: 'rawSelector=1 requirements=2',
  [AUTHZ + 'NonResourceAttributes']: 'path=1 verb=2',
  [AUTHZ + 'SubjectAccessReviewStatus']: 'allowed=1 denied=4 reason=2 evaluationError=3',
  [AUTHZ + 'SelfSubjectRulesReview']: 'metadata=1 spec=2 status=3',
  [AUTHZ + 'SelfSubjectRulesReviewSpec']: 'namespace=1',
  [AUTHZ + 'SubjectRulesReviewStatus']: 'resourceRules=1 nonResourceRules=2 incomplete=3 evaluationError=4',
  [AUTHZ + 'ResourceRule']: 'verbs=1 apiGroups=2 resources=3 resourceNames=4',
  [AUTHZ + 'NonResourceRule']: 'verbs=1 nonResourceURLs=2',
  [AUTHN + 'SelfSubjectReview']: 'metadata=1 status=2',
  [AUTHN + 'SelfSubjectReviewStatus']: 'userInfo=1',
  // extra (map of ExtraValue) is left out: a request never carries it, and its JSON form is not the message's.
  [AUTHN + 'UserInfo']: 'username=1 uid=2 groups=3',
};
