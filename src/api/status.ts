// Kubernetes Status errors. Every failure the API returns is one of these; the
// HTTP shell serialises them in one place.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string };
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'StatusError';
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** One validation failure, as Kubernetes' field.Error. */
export interface FieldError {
  /** e.g. 'FieldValueInvalid', 'FieldValueRequired', 'FieldValueNotSupported', 'FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueTooLong' */
  type: FieldErrorType;
  field: string;
  /** The offending value, rendered into the message like Kubernetes does. */
  value?: unknown;
  detail?: string;
  /** For NotSupported: the allowed values. */
  supported?: string[];
}

export type FieldErrorType =
  | 'FieldValueInvalid'
  | 'FieldValueRequired'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound'
  | 'InternalError';

const typeWords: Record<FieldErrorType, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueNotFound: 'Not found',
  InternalError: 'Internal error',
};

function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** The message of one field error, worded as k8s.io/apimachinery's field.Error. */
export function fieldErrorMessage(e: FieldError): string {
  const words = typeWords[e.type];
  const hasValue = e.type === 'FieldValueInvalid' || e.type === 'FieldValueNotSupported' || e.type === 'FieldValueDuplicate' || e.type === 'FieldValueNotFound';
  let msg = hasValue && e.value !== undefined ? `${words}: ${renderValue(e.value)}` : words;
  if (e.type === 'FieldValueNotSupported' && e.supported) {
    msg += `: supported values: ${e.supported.map((s) => JSON.stringify(s)).join(', ')}`;
  } else if (e.detail) {
    msg += `: ${e.detail}`;
  }
  return msg;
}

export const Errors = {
  notFound: (resource: string, name: string, group = ''): StatusError =>
    new StatusError(404, 'NotFound', `${group ? `${resource}.${group}` : resource} "${name}" not found`, { name, group: group || undefined, kind: resource }),
  alreadyExists: (resource: string, name: string, group = ''): StatusError =>
    new StatusError(409, 'AlreadyExists', `${group ? `${resource}.${group}` : resource} "${name}" already exists`, { name, group: group || undefined, kind: resource }),
  conflict: (resource: string, name: string, why: string, group = ''): StatusError =>
    new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${group ? `${resource}.${group}` : resource} "${name}": ${why}`, { name, group: group || undefined, kind: resource }),
  badRequest: (message: string): StatusError => new StatusError(400, 'BadRequest', message),
  gone: (message: string): StatusError => new StatusError(410, 'Expired', message),
  methodNotAllowed: (message = 'the server does not allow this method on the requested resource'): StatusError =>
    new StatusError(405, 'MethodNotAllowed', message),
  unsupportedMediaType: (accepted: string[] = ['application/json', 'application/yaml']): StatusError =>
    new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`),
  tooLarge: (): StatusError => new StatusError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'),
  unauthorized: (): StatusError => new StatusError(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (message: string): StatusError => new StatusError(403, 'Forbidden', message),
  internal: (message: string): StatusError =>
    new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
  serviceUnavailable: (message: string): StatusError => new StatusError(503, 'ServiceUnavailable', message),
  timeout: (message: string): StatusError => new StatusError(504, 'Timeout', message),
  /** 422 Invalid, worded as apierrors.NewInvalid. kind is the object's Kind (e.g. "Service"). */
  invalid: (kind: string, name: string, errs: FieldError[], group = ''): StatusError => {
    const causes = errs.map((e) => ({ reason: e.type, message: fieldErrorMessage(e), field: e.field }));
    const parts = errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);
    const list = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
    const qualified = group ? `${kind}.${group}` : kind;
    return new StatusError(422, 'Invalid', `${qualified} "${name}" is invalid: ${list}`, { name, group: group || undefined, kind, causes });
  },
};
