// Constructors for FieldError, named after k8s.io/apimachinery's field package so
// validators read like their Go counterparts. Paths are plain strings
// ('spec.containers[0].name'); child/index/key build them.

import type { FieldError } from '../status.js';

export const child = (path: string, ...names: string[]): string =>
  names.reduce((p, n) => (p ? `${p}.${n}` : n), path);
export const index = (path: string, i: number): string => `${path}[${i}]`;
export const key = (path: string, k: string): string => `${path}[${k}]`;

export const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });
export const required = (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, ...(detail ? { detail } : {}) });
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
export const duplicate = (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value });
export const notFound = (field: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field, value });
export const notSupported = (field: string, value: unknown, supported: string[]): FieldError => ({ type: 'FieldValueNotSupported', field, value, supported });
/** field.TooLong: the value is never rendered. */
export const tooLong = (field: string, max: number): FieldError => ({ type: 'FieldValueTooLong', field, detail: `may not be more than ${max} bytes` }); // the 1.32 wording (1.29 said "must have at most")
export const tooMany = (field: string, actual: number, max: number): FieldError => ({ type: 'FieldValueTooMany', field, value: actual, detail: `must have at most ${max} items` });

export const isNegativeErrorMsg = 'must be greater than or equal to 0';
export const fieldImmutableErrorMsg = 'field is immutable';

/** Each message of a syntax check becomes one Invalid error at `field`. */
export const each = (field: string, value: unknown, msgs: string[]): FieldError[] => msgs.map((m) => invalid(field, value, m));

export function nonNegative(value: number | undefined, field: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(field, value, isNegativeErrorMsg)] : [];
}

export const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);  
export const arr = <T = any>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);  
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
