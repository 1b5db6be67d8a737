// The "who am I, what may I do" reviews kubectl auth asks for: created, answered,
// never stored (as kube-apiserver's). kubesvc has one credential, the cluster's
// token, and no RBAC: whoever presents it is the cluster admin, so every access
// review is allowed and the rules review lists everything. Pure over the body.
import { isPlainObject } from '../api/object.js';
import { Errors, StatusError } from '../api/status.js';
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

const review = (group: string, kind: string, plural: string, answer: Review) => ({
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

export const isReview = (group: string, version: string, plural: string): boolean =>
  REVIEWS.some((r) => r.def.group === group && r.def.version === version && r.def.plural === plural);

/** The answer to a POSTed review: the request echoed with its status filled in. */
export function answerReview(group: string, plural: string, body: unknown): Record<string, unknown> {
  const r = REVIEWS.find((x) => x.def.group === group && x.def.plural === plural);
  if (!r) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  const obj = isPlainObject(body) ? body : {};
  const apiVersion = `${group}/v1`;
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw Errors.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  if (obj.kind !== undefined && obj.kind !== r.def.kind) {
    throw Errors.badRequest(`${String(obj.kind)} in version "v1" cannot be handled as a ${r.def.kind}: the kind of the object does not match the resource of the request`);
  }
  return { kind: r.def.kind, apiVersion, metadata: { creationTimestamp: null }, ...r.answer(obj) };
}
