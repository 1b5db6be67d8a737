// Patch failures, worded and coded as the kube-apiserver's patch handler
// (endpoints/handlers/patch.go) and apimachinery's mergepatch errors word them.

import { StatusError, Errors } from '../status.js';

/** The patch media types a PATCH endpoint accepts, in the order Kubernetes lists them. */
export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

const withCause = (e: StatusError, cause: unknown): StatusError => {
  // Kubernetes hides the cause of a 422 patch failure; keep it for logs.
  if (cause !== undefined) (e as Error).cause = cause;
  return e;
};

export const PatchErrors = {
  /** 400, as errors.NewBadRequest. */
  bad: (message: string): StatusError => Errors.badRequest(message),

  /**
   * 422 as errors.NewGenericServerResponse(422, ...): kube drops the detail,
   * so clients only see the generic sentence (kubectl: "The request is invalid: ...").
   */
  unprocessable: (cause?: string): StatusError =>
    withCause(new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {}), cause),

  /** 415, as negotiation.NewUnsupportedMediaTypeError. */
  unsupportedMediaType: (accepted: readonly string[] = PATCH_CONTENT_TYPES): StatusError =>
    new StatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    ),

  /** 413, as errors.NewRequestEntityTooLargeError. */
  tooManyOperations: (max: number, got: number): StatusError =>
    new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: The allowed maximum operations in a JSON patch is ${max}, got ${got}`),

  /** 422 for a patch whose result is not an object, as the decode step after patching reports it. */
  notAnObject: (result: unknown): StatusError =>
    Errors.invalid('', '', [
      {
        type: 'FieldValueInvalid',
        field: 'patch',
        value: JSON.stringify(result),
        detail: `json: cannot unmarshal ${goJsonKind(result)} into Go value of type map[string]interface {}`,
      },
    ]),
};

// Strategic merge patch sentinels (mergepatch/errors.go). Format errors are 400;
// lists of lists are 422 like interpretStrategicMergePatchError maps them.
export const SmpErrors = {
  badJSONDoc: () => PatchErrors.bad('invalid JSON document'),
  noListOfLists: () => PatchErrors.unprocessable('lists of lists are not supported'),
  badPrimitiveList: () => PatchErrors.bad('invalid patch format of primitive list'),
  badRetainKeys: () => PatchErrors.bad('invalid patch format of retainKeys'),
  badSetElementOrder: () => PatchErrors.bad('invalid patch format of setElementOrder list'),
  noMergeKey: (m: unknown, key: string) => PatchErrors.bad(`map: ${goFmt(m)} does not contain declared merge key: ${key}`),
  badPatchType: (t: unknown, m: unknown) => PatchErrors.bad(`unknown patch type: ${goFmt(t)} in map: ${goFmt(m)}`),
  expectedMap: (got: unknown) => PatchErrors.bad(`expected a map[string]interface {}, but received a ${goTypeName(got)}`),
  expectedList: (got: unknown) => PatchErrors.bad(`expected a []interface {}, but received a ${goTypeName(got)}`),
  mixedElements: (lists: unknown[]) => PatchErrors.bad(`list element types are not identical: ${lists.map(goFmt).join(' ')}`),
  noMergeKeyDeclared: () => PatchErrors.bad('cannot merge lists without merge key for type struct'),
  mergeDirectiveInList: () => PatchErrors.bad('merging lists cannot yet be specified in the patch'),
  orderMismatch: (list: unknown, order: unknown) =>
    PatchErrors.bad(`The order in patch list:\n${goFmt(list)}\n doesn't match $setElementOrder list:\n${goFmt(order)}\n`),
  unknownDirective: (key: string) => PatchErrors.bad(`unknown directive ${JSON.stringify(key)} in strategic merge patch`),
};

/** Go's %v rendering of decoded JSON, so messages read like the apiserver's. */
export function goFmt(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFmt).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goFmt(o[k])}`).join(' ')}]`;
  }
  return String(v);
}

function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'object': return 'map[string]interface {}';
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'number': return Number.isInteger(v) ? 'int64' : 'float64';
    default: return typeof v;
  }
}

/** The JSON kind encoding/json names in "cannot unmarshal X into ...". */
export function goJsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}
