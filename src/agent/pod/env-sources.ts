// The ConfigMaps and Secrets a container's environment names, fetched from the
// API server as it starts (the kubelet reads them through its cache at the same
// point). A container that names none fetches nothing and starts synchronously.
import type { RestClient } from '../../client/rest.js';
import { isNotFoundError } from '../../client/rest.js';
import { ConfigMaps, Secrets, resourcePath } from '../../client/resources.js';
import type { EnvSources } from './envvars.js';

export interface EnvSourceRefs { configMaps: string[]; secrets: string[] }

/** The names a container's env and envFrom refer to (pure). */
export function envSourceRefs(container: any): EnvSourceRefs {
  const cm = new Set<string>(), sec = new Set<string>();
  for (const f of container.envFrom ?? []) {
    if (f?.configMapRef) cm.add(f.configMapRef.name ?? '');
    if (f?.secretRef) sec.add(f.secretRef.name ?? '');
  }
  for (const e of container.env ?? []) {
    if (e?.valueFrom?.configMapKeyRef) cm.add(e.valueFrom.configMapKeyRef.name ?? '');
    if (e?.valueFrom?.secretKeyRef) sec.add(e.valueFrom.secretKeyRef.name ?? '');
  }
  return { configMaps: [...cm], secrets: [...sec] };
}

export const hasEnvSources = (r: EnvSourceRefs): boolean => r.configMaps.length + r.secrets.length > 0;

/** A Secret's data as strings (its values are base64 in JSON), as a runtime sets them in the environment. */
export const decodeSecretData = (data: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));

/** Fetches what refs name from the pod's namespace; a missing object reads as null. */
export async function fetchEnvSources(client: RestClient, namespace: string, refs: EnvSourceRefs): Promise<EnvSources> {
  const get = async (path: string): Promise<any | null> => {
    try {
      return await client.get(path);
    } catch (e) {
      if (isNotFoundError(e)) return null;
      throw e;
    }
  };
  const [cms, secs] = await Promise.all([
    Promise.all(refs.configMaps.map((n) => get(resourcePath(ConfigMaps, namespace, n)))),
    Promise.all(refs.secrets.map((n) => get(resourcePath(Secrets, namespace, n)))),
  ]);
  const cmData = new Map(refs.configMaps.map((n, i) => [n, cms[i] ? ((cms[i].data ?? {}) as Record<string, string>) : null]));
  const secData = new Map(refs.secrets.map((n, i) => [n, secs[i] ? decodeSecretData(secs[i].data) : null]));
  return {
    configMap: (n) => cmData.get(n) ?? null,
    secret: (n) => secData.get(n) ?? null,
  };
}
