// Reads and decodes request bodies: JSON or YAML, at most 3 MiB as kube-apiserver allows.
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { Errors } from '../../api/status.js';
import { isPlainObject } from '../../api/object.js';
import { decodeKubeProtobuf, isProtobufContentType } from '../protobuf/index.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Bodies as bytes: protobuf requests (kubectl's typed clients) are binary. */
export function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      reject(Errors.tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(Errors.tooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => { if (!failed) resolve(Buffer.concat(chunks)); });
    req.on('error', reject);
  });
}

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req)).toString('utf8');
}

const mediaType = (ct: string | undefined): string => (ct ?? 'application/json').split(';')[0].trim().toLowerCase();

/** Decodes an object body (create/update): JSON, YAML or Kubernetes protobuf. */
export function decodeObject(contentType: string | undefined, raw: string | Buffer): Record<string, unknown> {
  const mt = mediaType(contentType);
  if (isProtobufContentType(mt)) {
    try {
      return decodeKubeProtobuf(typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw).object;
    } catch (e) {
      throw Errors.badRequest(`failed to decode protobuf body: ${(e as Error).message}`);
    }
  }
  const body = typeof raw === 'string' ? raw : raw.toString('utf8');
  let value: unknown;
  if (mt === 'application/json' || mt === '' || mt === '*/*') {
    try {
      value = JSON.parse(body);
    } catch (e) {
      throw Errors.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
    }
  } else if (mt === 'application/yaml' || mt === 'application/x-yaml' || mt === 'text/yaml') {
    try {
      value = parseYaml(body);
    } catch (e) {
      throw Errors.badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  } else {
    throw Errors.unsupportedMediaType(['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);
  }
  if (!isPlainObject(value)) throw Errors.badRequest(`couldn't get version/kind; json parse error: the body must be a JSON object`);
  return value;
}
