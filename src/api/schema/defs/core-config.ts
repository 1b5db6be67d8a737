// core/v1 ConfigMap and Secret: configuration a pod reads through its environment.

import { CORE, bool, bytes, mapOf, resource, str, stringMap } from '../build.js';
import type { SchemaMap } from '../types.js';

const v1 = (kind: string) => ({ group: '', version: 'v1', kind });
const byteMap = (d: string) => mapOf(bytes(''), d);

export const coreConfigDefs: SchemaMap = {
  [CORE + 'ConfigMap']: resource(v1('ConfigMap'), 'Non-confidential configuration as key/value pairs, for pods to read as environment variables.', {
    data: stringMap('UTF-8 values by key. Keys are alphanumerics, "-", "_" or "."; none may also be a key of binaryData.'),
    binaryData: byteMap('Binary values by key, base64-encoded in JSON. Keys follow the rules of data and differ from its keys.'),
    immutable: bool('When true, data and binaryData can no longer change (the object can still be deleted).'),
  }),
  [CORE + 'Secret']: resource(v1('Secret'), 'Confidential data (passwords, tokens, keys) as key/value pairs, up to 1 MiB in all.', {
    data: byteMap('Values by key, base64-encoded in JSON. Keys are alphanumerics, "-", "_" or ".".'),
    stringData: stringMap('Write-only plain-text values, merged into data on write (overriding the same keys there); never returned.'),
    type: str('What the secret holds, which decides the keys it must have (Opaque by default, kubernetes.io/tls, kubernetes.io/basic-auth, ...).'),
    immutable: bool('When true, data can no longer change (the object can still be deleted).'),
  }),
};
