// Container environment: service links (pkg/kubelet/envvars), envFrom and env with
// fieldRef/resourceFieldRef/configMapKeyRef/secretKeyRef and $(VAR) expansion, as
// the kubelet builds it. Pure: the ConfigMaps and Secrets come fetched (env-sources.ts).

export interface EnvVar {
  name: string;
  value: string;
}

export interface ServiceLike {
  metadata: { name?: string; namespace?: string };
  spec?: { clusterIP?: string; type?: string; ports?: { name?: string; port: number; protocol?: string }[] };
}

const MASTER_SERVICES = new Set(['kubernetes']);

const isIPSet = (s: ServiceLike): boolean => !!s.spec?.clusterIP && s.spec.clusterIP !== 'None' && s.spec.type !== 'ExternalName';
const envName = (s: string): string => s.toUpperCase().replace(/-/g, '_');

/** The services whose variables a pod sees: its namespace's (when links are on) plus default/kubernetes. */
export function servicesForPod(all: ServiceLike[], namespace: string, enableServiceLinks: boolean): ServiceLike[] {
  const byName = new Map<string, ServiceLike>();
  for (const s of all) {
    if (!isIPSet(s)) continue;
    const name = s.metadata.name!;
    if (s.metadata.namespace === 'default' && MASTER_SERVICES.has(name)) {
      if (!byName.has(name)) byName.set(name, s);
    } else if (s.metadata.namespace === namespace && enableServiceLinks) byName.set(name, s);
  }
  return [...byName.values()].sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
}

export function serviceEnv(services: ServiceLike[]): EnvVar[] {
  const out: EnvVar[] = [];
  for (const s of services) {
    if (!isIPSet(s)) continue;
    const n = envName(s.metadata.name!);
    const ip = s.spec!.clusterIP!;
    const ports = s.spec!.ports ?? [];
    if (!ports.length) continue;
    out.push({ name: `${n}_SERVICE_HOST`, value: ip }, { name: `${n}_SERVICE_PORT`, value: String(ports[0].port) });
    for (const p of ports) if (p.name) out.push({ name: `${n}_SERVICE_PORT_${envName(p.name)}`, value: String(p.port) });
    // Docker-links style variables.
    const host = ip.includes(':') ? `[${ip}]` : ip;
    const proto = (p: { protocol?: string }): string => (p.protocol ?? 'TCP').toLowerCase();
    out.push({ name: `${n}_PORT`, value: `${proto(ports[0])}://${host}:${ports[0].port}` });
    for (const p of ports) {
      const pre = `${n}_PORT_${p.port}_${(p.protocol ?? 'TCP').toUpperCase()}`;
      out.push(
        { name: pre, value: `${proto(p)}://${host}:${p.port}` },
        { name: `${pre}_PROTO`, value: proto(p) },
        { name: `${pre}_PORT`, value: String(p.port) },
        { name: `${pre}_ADDR`, value: ip },
      );
    }
  }
  return out;
}

/** $(VAR) references resolve against earlier variables; $$ escapes; unknown refs stay verbatim. */
export function expand(s: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '$') { out += '$'; i++; continue; }
    if (s[i] === '$' && s[i + 1] === '(') {
      const end = s.indexOf(')', i + 2);
      if (end > 0) {
        const name = s.slice(i + 2, end);
        const v = lookup(name);
        out += v ?? `$(${name})`;
        i = end;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

export interface FieldContext {
  pod: { metadata: any; spec?: any };
  podIPs: string[];
  hostIPs: string[];
  /** Node allocatable, for resourceFieldRef on containers without limits. */
  nodeAllocatable: { cpu: string; memory: string };
}

function fieldPath(path: string, ctx: FieldContext): string {
  const m = ctx.pod.metadata;
  const sel = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (sel) return m[sel[1]]?.[sel[2]] ?? '';
  switch (path) {
    case 'metadata.name': return m.name ?? '';
    case 'metadata.namespace': return m.namespace ?? '';
    case 'metadata.uid': return m.uid ?? '';
    case 'metadata.labels': return Object.entries(m.labels ?? {}).map(([k, v]) => `${k}="${v}"`).sort().join('\n');
    case 'metadata.annotations': return Object.entries(m.annotations ?? {}).map(([k, v]) => `${k}="${v}"`).sort().join('\n');
    case 'spec.nodeName': return ctx.pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return ctx.pod.spec?.serviceAccountName ?? 'default';
    case 'status.podIP': return ctx.podIPs[0] ?? '';
    case 'status.podIPs': return ctx.podIPs.join(',');
    case 'status.hostIP': return ctx.hostIPs[0] ?? '';
    case 'status.hostIPs': return ctx.hostIPs.join(',');
    default: throw new Error(`unsupported fieldRef ${path}`);
  }
}

const SUFFIX: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(q.trim());
  if (!m || !(m[2] in SUFFIX)) throw new Error(`bad quantity ${q}`);
  return Number(m[1]) * SUFFIX[m[2]];
}

function resourceField(ref: { resource: string; divisor?: string | number; containerName?: string }, container: any, ctx: FieldContext): string {
  const [kind, res] = ref.resource.split('.');
  const fromSpec = container?.resources?.[kind]?.[res] ?? (kind === 'requests' ? container?.resources?.limits?.[res] : undefined);
  const fallback = kind === 'limits' ? (ctx.nodeAllocatable as any)[res] : res === 'cpu' ? '0' : '0';
  const value = parseQuantity(fromSpec ?? fallback ?? '0');
  const divisor = parseQuantity(ref.divisor ?? 1) || 1;
  // The kubelet rounds up, so a 250m CPU request with divisor 1 reads "1".
  return String(Math.ceil(value / divisor));
}

/** A ConfigMap's data or a Secret's (decoded) by name, null when it does not exist; see env-sources.ts. */
export interface EnvSources {
  configMap(name: string): Record<string, string> | null;
  secret(name: string): Record<string, string> | null;
}

const NO_SOURCES: EnvSources = {
  configMap: () => { throw new Error('no ConfigMaps were fetched'); },
  secret: () => { throw new Error('no Secrets were fetched'); },
};

/** Why a container cannot be given its environment, in the kubelet's words (its status message and event). */
export class EnvSourceError extends Error {}

const missing = (kind: 'ConfigMap' | 'Secret', name: string): EnvSourceError =>
  new EnvSourceError(`${kind === 'ConfigMap' ? 'configmap' : 'secret'} "${name}" not found`);

function sourceData(sources: EnvSources, kind: 'ConfigMap' | 'Secret', name: string, optional: boolean): Record<string, string> | undefined {
  const data = kind === 'ConfigMap' ? sources.configMap(name) : sources.secret(name);
  if (data) return data;
  if (optional) return undefined;
  throw missing(kind, name);
}

/** The value of a configMapKeyRef / secretKeyRef; undefined when an optional source or key is absent (the variable is then left out). */
function keyRef(sources: EnvSources, kind: 'ConfigMap' | 'Secret', ref: { name?: string; key: string; optional?: boolean }, namespace: string): string | undefined {
  const optional = ref.optional === true;
  const data = sourceData(sources, kind, ref.name ?? '', optional);
  if (!data) return undefined;
  if (Object.hasOwn(data, ref.key)) return data[ref.key];
  if (optional) return undefined;
  throw new EnvSourceError(`couldn't find key ${ref.key} in ${kind} ${namespace}/${ref.name ?? ''}`);
}

/**
 * The final environment of one container, as the kubelet builds it: envFrom
 * sources in order (a later one wins; every key passes, since 1.30 the kubelet
 * filters no names), then env in order (wins over envFrom; $(VAR) sees both and
 * the service variables), then the service variables not already defined.
 * Throws EnvSourceError for a missing non-optional source or key.
 */
export function containerEnv(container: any, ctx: FieldContext, svcEnv: EnvVar[], sources: EnvSources = NO_SOURCES): EnvVar[] {
  const namespace = ctx.pod.metadata?.namespace ?? '';
  const svc = new Map<string, string>(svcEnv.map((e) => [e.name, e.value]));
  const defined = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const kind = from.configMapRef ? 'ConfigMap' : from.secretRef ? 'Secret' : undefined;
    if (!kind) continue;
    const ref = from.configMapRef ?? from.secretRef;
    const data = sourceData(sources, kind, ref.name ?? '', ref.optional === true);
    if (!data) continue;
    for (const [k, v] of Object.entries(data)) defined.set((from.prefix ?? '') + k, v);
  }
  const lookup = (n: string): string | undefined => defined.get(n) ?? svc.get(n);
  for (const e of container.env ?? []) {
    let value: string | undefined;
    const vf = e.valueFrom;
    if (e.value) value = expand(e.value, lookup);
    else if (vf?.fieldRef) value = fieldPath(vf.fieldRef.fieldPath, ctx);
    else if (vf?.resourceFieldRef) {
      const target = vf.resourceFieldRef.containerName
        ? (ctx.pod.spec?.containers ?? []).find((c: any) => c.name === vf.resourceFieldRef.containerName)
        : container;
      value = resourceField(vf.resourceFieldRef, target, ctx);
    } else if (vf?.configMapKeyRef) {
      value = keyRef(sources, 'ConfigMap', vf.configMapKeyRef, namespace);
      if (value === undefined) continue;
    } else if (vf?.secretKeyRef) {
      value = keyRef(sources, 'Secret', vf.secretKeyRef, namespace);
      if (value === undefined) continue;
    } else value = '';
    // A later definition of a name replaces the earlier one but keeps the variable where env declared it last.
    defined.delete(e.name);
    defined.set(e.name, value);
  }
  const env: EnvVar[] = [];
  for (const [name, value] of svc) if (!defined.has(name)) env.push({ name, value });
  for (const [name, value] of defined) env.push({ name, value });
  return env;
}
