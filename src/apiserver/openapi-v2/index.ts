// GET /openapi/v2: the Swagger 2.0 document, as gnostic protobuf (what kubectl
// asks for) or JSON. Built and encoded once; answered with an ETag and 304 on
// a matching If-None-Match.

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildOpenApiV2, type V2Document } from './document.js';
import { encodeOpenApiV2 } from './proto.js';

export { buildOpenApiV2, toV2Schema, type V2Document, type V2Schema } from './document.js';
export { encodeOpenApiV2 } from './proto.js';

/** What client-go sends in Accept. `@` is not a token character, so it is not a valid Content-Type. */
export const OPENAPI_V2_PROTOBUF_ACCEPT = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/**
 * What kube-apiserver answers with (kube-openapi's handler): Go's mime.ParseMediaType rejects the
 * `@` form, and client-go fails with `mime: unexpected content after media subtype` if it is returned.
 */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

interface Encoded { body: Buffer; etag: string; contentType: string }

let cached: { doc: V2Document; protobuf: Encoded; json: Encoded } | undefined;

const etagOf = (b: Buffer) => `"${createHash('sha512').update(b).digest('hex').toUpperCase()}"`;

function entry() {
  if (!cached) {
    const doc = buildOpenApiV2();
    const pb = Buffer.from(encodeOpenApiV2(doc));
    const json = Buffer.from(JSON.stringify(doc));
    cached = {
      doc,
      protobuf: { body: pb, etag: etagOf(pb), contentType: OPENAPI_V2_PROTOBUF },
      json: { body: json, etag: etagOf(json), contentType: 'application/json' },
    };
  }
  return cached;
}

/** The Swagger 2.0 document; shared, do not mutate. */
export function openApiV2Document(): V2Document {
  return entry().doc;
}

/** The encoded gnostic protobuf document (computed once). */
export function openApiV2Protobuf(): Buffer {
  return entry().protobuf.body;
}

/**
 * Which representation an Accept header asks for, in the client's order: 'protobuf',
 * 'json' (only when application/json is named), or undefined.
 */
export function openApiV2Representation(accept: string | undefined): 'protobuf' | 'json' | undefined {
  for (const part of (accept ?? '').split(',')) {
    const type = part.split(';')[0].trim().toLowerCase();
    if (type === OPENAPI_V2_PROTOBUF_ACCEPT || type === OPENAPI_V2_PROTOBUF) return 'protobuf';
    if (type === 'application/json') return 'json';
  }
  return undefined;
}

/**
 * Answers GET/HEAD /openapi/v2 when the client accepts the protobuf or JSON form.
 * Returns false (nothing written) otherwise, or for other methods, for the caller to answer 404 as before.
 */
export function serveOpenApiV2(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const rep = openApiV2Representation(req.headers.accept);
  if (!rep) return false;
  const e = entry()[rep];
  const headers = { 'Content-Type': e.contentType, ETag: e.etag, Vary: 'Accept', 'Cache-Control': 'no-cache, private' };
  const inm = req.headers['if-none-match'];
  if (inm && inm.split(',').some((t) => t.trim() === e.etag || t.trim() === '*')) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(e.body.length) });
  res.end(req.method === 'HEAD' ? undefined : e.body);
  return true;
}
