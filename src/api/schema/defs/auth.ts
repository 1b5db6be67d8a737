// authorization.k8s.io/v1 and authentication.k8s.io/v1: the self reviews kubectl auth
// can-i and whoami create (answered, never stored; see apiserver/reviews.ts).

import { AUTHN, AUTHZ, META, arrayOf, bool, mapOf, obj, ref, resource, str, strs } from '../build.js';
import type { SchemaMap } from '../types.js';

const z = (n: string) => AUTHZ + n, n = (x: string) => AUTHN + x;
const gvk = (group: string, kind: string) => ({ group, version: 'v1', kind });

export const authDefs: SchemaMap = {
  [z('SelfSubjectAccessReview')]: resource(gvk('authorization.k8s.io', 'SelfSubjectAccessReview'), 'Whether the current user can perform an action.', {
    spec: ref(z('SelfSubjectAccessReviewSpec'), 'The action asked about.'),
    status: ref(z('SubjectAccessReviewStatus'), 'The answer, filled in by the server.'),
  }, { required: ['spec'] }),
  [z('SelfSubjectAccessReviewSpec')]: obj('Exactly one of resourceAttributes and nonResourceAttributes.', {
    resourceAttributes: ref(z('ResourceAttributes'), 'A request on a resource.'),
    nonResourceAttributes: ref(z('NonResourceAttributes'), 'A request on a non-resource path.'),
  }),
  [z('ResourceAttributes')]: obj('The attributes of a resource request.', {
    namespace: str('Namespace; empty means all for namespaced resources.'),
    verb: str('get, list, watch, create, update, delete, proxy, or "*".'),
    group: str('API group, "*" for all.'),
    version: str('API version, "*" for all.'),
    resource: str('Resource, "*" for all.'),
    subresource: str('Subresource, empty for none.'),
    name: str('Object name, empty for all.'),
    fieldSelector: ref(z('FieldSelectorAttributes'), 'A field-limited access (alpha).'),
    labelSelector: ref(z('LabelSelectorAttributes'), 'A label-limited access (alpha).'),
  }),
  [z('FieldSelectorAttributes')]: obj('A field-limited access.', {
    rawSelector: str('The selector as a query parameter would carry it.'),
    requirements: arrayOf(ref(z('FieldSelectorRequirement')), 'The parsed requirements.', { listType: 'atomic' }),
  }),
  [z('FieldSelectorRequirement')]: obj('One field requirement.', {
    key: str('Field.'), operator: str('In, NotIn, Exists or DoesNotExist.'), values: strs('Values.', { listType: 'atomic' }),
  }, { required: ['key', 'operator'] }),
  [z('LabelSelectorAttributes')]: obj('A label-limited access.', {
    rawSelector: str('The selector as a query parameter would carry it.'),
    requirements: arrayOf(ref(META + 'LabelSelectorRequirement'), 'The parsed requirements.', { listType: 'atomic' }),
  }),
  [z('NonResourceAttributes')]: obj('The attributes of a non-resource request.', { path: str('URL path.'), verb: str('HTTP verb.') }),
  [z('SubjectAccessReviewStatus')]: obj('Whether the action is allowed.', {
    allowed: bool('True if the action would be allowed.'),
    denied: bool('True if the action would be denied.'),
    reason: str('Why.'),
    evaluationError: str('An error met while deciding.'),
  }, { required: ['allowed'] }),
  [z('SelfSubjectRulesReview')]: resource(gvk('authorization.k8s.io', 'SelfSubjectRulesReview'), 'What the current user may do in a namespace.', {
    spec: ref(z('SelfSubjectRulesReviewSpec'), 'The namespace asked about.'),
    status: ref(z('SubjectRulesReviewStatus'), 'The rules, filled in by the server.'),
  }, { required: ['spec'] }),
  [z('SelfSubjectRulesReviewSpec')]: obj('The namespace to evaluate rules for.', { namespace: str('Namespace.') }),
  [z('SubjectRulesReviewStatus')]: obj('The rules that apply.', {
    resourceRules: arrayOf(ref(z('ResourceRule')), 'Allowed actions on resources.', { listType: 'atomic' }),
    nonResourceRules: arrayOf(ref(z('NonResourceRule')), 'Allowed actions on non-resource paths.', { listType: 'atomic' }),
    incomplete: bool('True when the rules may be incomplete.'),
    evaluationError: str('An error met while evaluating.'),
  }, { required: ['resourceRules', 'nonResourceRules', 'incomplete'] }),
  [z('ResourceRule')]: obj('Actions allowed on resources.', {
    verbs: strs('Verbs, "*" for all.', { listType: 'atomic' }),
    apiGroups: strs('API groups, "*" for all.', { listType: 'atomic' }),
    resources: strs('Resources, "*" for all.', { listType: 'atomic' }),
    resourceNames: strs('Object names; empty for all.', { listType: 'atomic' }),
  }, { required: ['verbs'] }),
  [z('NonResourceRule')]: obj('Actions allowed on non-resource paths.', {
    verbs: strs('Verbs, "*" for all.', { listType: 'atomic' }),
    nonResourceURLs: strs('Paths; a final "*" matches the rest.', { listType: 'atomic' }),
  }, { required: ['verbs'] }),
  [n('SelfSubjectReview')]: resource(gvk('authentication.k8s.io', 'SelfSubjectReview'), 'Who the current user is.', {
    status: ref(n('SelfSubjectReviewStatus'), 'The user, filled in by the server.'),
  }),
  [n('SelfSubjectReviewStatus')]: obj('The user behind the request.', { userInfo: ref(n('UserInfo'), 'The user.') }),
  [n('UserInfo')]: obj('An authenticated user.', {
    username: str('Name.'), uid: str('UID.'), groups: strs('Groups.', { listType: 'atomic' }),
    extra: mapOf(strs('Values.'), 'Authenticator extras.'),
  }),
};
