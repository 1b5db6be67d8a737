// Request bodies in Kubernetes protobuf (application/vnd.kubernetes.protobuf), as
// kubectl's typed clients send them: the magic "k8s\0", then a runtime.Unknown
// { typeMeta{apiVersion=1, kind=2}=1, raw=2, contentEncoding=3, contentType=4 }
// whose raw bytes are the object's message. The result is the object kubectl
// would have sent as JSON.

import { META } from '../../api/schema/build.js';
import { schemaNameFor } from '../../api/schema/index.js';
import { decodeMessage } from './decode.js';
import { messageTable } from './table.js';
import { ProtobufError, WIRE_LEN, readFields, readString } from './wire.js';

export { ProtobufError, isProtobufError } from './wire.js';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** True for `application/vnd.kubernetes.protobuf`, with or without parameters. */
export const isProtobufContentType = (contentType: string | undefined): boolean =>
  (contentType ?? '').split(';')[0].trim().toLowerCase() === PROTOBUF_CONTENT_TYPE;

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

export interface DecodedObject {
  apiVersion: string;
  kind: string;
  object: Record<string, unknown>;
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
}

function readEnvelope(body: Uint8Array): Envelope {
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) {
    throw new ProtobufError('body does not start with the Kubernetes protobuf prefix "k8s\\x00"');
  }
  const env: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(0), contentEncoding: '' };
  for (const f of readFields(body.subarray(MAGIC.length))) {
    if (f.wire !== WIRE_LEN) continue;
    if (f.num === 1) {
      for (const t of readFields(f.bytes)) {
        if (t.wire !== WIRE_LEN) continue;
        if (t.num === 1) env.apiVersion = readString(t.bytes);
        else if (t.num === 2) env.kind = readString(t.bytes);
      }
    } else if (f.num === 2) env.raw = f.bytes;
    else if (f.num === 3) env.contentEncoding = readString(f.bytes);
  }
  return env;
}

/** Definition name for a kind; DeleteOptions is registered in every group version. */
function definitionFor(apiVersion: string, kind: string): string | undefined {
  if (kind === 'DeleteOptions') return META + 'DeleteOptions';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return schemaNameFor(group, version, kind);
}

/**
 * Decodes a Kubernetes protobuf body into the JSON object Go would print for it.
 * Throws ProtobufError on malformed input or a kind without field tables.
 */
export function decodeKubeProtobuf(body: Uint8Array): DecodedObject {
  const env = readEnvelope(body);
  if (!env.kind || !env.apiVersion) throw new ProtobufError('runtime.Unknown carries no apiVersion/kind');
  if (env.contentEncoding) throw new ProtobufError(`unsupported contentEncoding "${env.contentEncoding}"`);
  const def = definitionFor(env.apiVersion, env.kind);
  if (!def || !messageTable(def)) throw new ProtobufError(`no protobuf support for ${env.apiVersion} ${env.kind}`);
  const object = { kind: env.kind, apiVersion: env.apiVersion, ...decodeMessage(def, env.raw) };
  return { apiVersion: env.apiVersion, kind: env.kind, object };
}
