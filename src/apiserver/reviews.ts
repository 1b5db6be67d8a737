// The "who am I, what may I do" reviews kubectl auth asks for: created, answered,
// never stored (as kube-apiserver's). kubesvc has one credential, the cluster's
// token, and no RBAC: whoever presents it is the cluster admin, so every access
// review is allowed and the rules review lists everything. Pure over the body.
import { isPlainObject } from '../api/object.js';
import { Errors } from '../api/status.js';
import { def, type ResourceDef } from './resources.js';

/** The identity behind the cluster token (the name k3s gives its admin). */
export const ADMIN_USER = { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] };

type Review = (body: Record<string, any>) => Record<string, unknown>;

const AUTHZ = 'authorization.k8s.io', AUTHN = 'authentication.k8s.io';

function accessReview(body: Record<string, any>): Record<string, unknown> {
  const spec = isPlainObject(body.spec) ? body.spec : {};
  const both = isPlainObject(spec.resourceAttributes) === isPlainObject(spec.nonResourceAttributes);
  if (both) {
    throw Errors.invalid('SelfSubjectAccessReview', '', [{ type: 'FieldValueInvalid', field: 'spec.resourceAttributes', value: spec.resourceAttributes ?? null,
      detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified' }], AUTHZ);
  }
  return { spec, status: { allowed: true, reason: `kubesvc: ${ADMIN_USER.username} is the cluster admin` } };
}

function rulesReview(body: Record<string, any>): Record<string, unknown> {
  const spec = isPlainObject(body.spec) ? body.spec : {};
  return {
    spec,
    status: {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    },
  };
}

const whoAmI = (): Record<string, unknown> => ({ status: { userInfo: { ...ADMIN_USER } } });

export interface ReviewDef { def: ResourceDef; answer: Review }

const review = (group: string, kind: string, plural: string, answer: Review): ReviewDef => ({
  def: def({ group, version: 'v1', kind, plural, namespaced: false }),
  answer,
});

const REVIEWS = [
  review(AUTHZ, 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', accessReview),
  review(AUTHZ, 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', rulesReview),
  review(AUTHN, 'SelfSubjectReview', 'selfsubjectreviews', whoAmI),
];

/** For discovery: create is their only verb. */
export const reviewResources: ResourceDef[] = REVIEWS.map((r) => r.def);
export const REVIEW_VERBS = ['create'];

/** The review served at group/version/plural, if any. */
export const reviewFor = (group: string, version: string, plural: string): ReviewDef | undefined =>
  REVIEWS.find((r) => r.def.group === group && r.def.version === version && r.def.plural === plural);

/** The answer to a POSTed review (its apiVersion and kind already checked): the request echoed with its status filled in. */
export const answerReview = (r: ReviewDef, body: Record<string, any>): Record<string, unknown> =>
  ({ kind: r.def.kind, apiVersion: `${r.def.group}/${r.def.version}`, metadata: { creationTimestamp: null }, ...r.answer(body) });
