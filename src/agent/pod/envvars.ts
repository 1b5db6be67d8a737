// Container environment: service links (pkg/kubelet/envvars), env with
// fieldRef/resourceFieldRef and $(VAR) expansion, as the kubelet builds it. Pure.

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

/**
 * The final environment of one container: service variables first, then the
 * container's env in order (which wins on a name clash), as the kubelet does.
 */
export function containerEnv(container: any, ctx: FieldContext, svcEnv: EnvVar[]): EnvVar[] {
  const result = new Map<string, string>();
  for (const e of svcEnv) result.set(e.name, e.value);
  const defined = new Map<string, string>();
  const lookup = (n: string): string | undefined => defined.get(n) ?? result.get(n);
  for (const e of container.env ?? []) {
    let value: string;
    if (e.valueFrom?.fieldRef) value = fieldPath(e.valueFrom.fieldRef.fieldPath, ctx);
    else if (e.valueFrom?.resourceFieldRef) {
      const target = e.valueFrom.resourceFieldRef.containerName
        ? (ctx.pod.spec?.containers ?? []).find((c: any) => c.name === e.valueFrom.resourceFieldRef.containerName)
        : container;
      value = resourceField(e.valueFrom.resourceFieldRef, target, ctx);
    } else if (e.valueFrom) throw new Error(`env ${e.name}: only fieldRef and resourceFieldRef are supported`);
    else value = expand(e.value ?? '', lookup);
    defined.set(e.name, value);
  }
  for (const [k, v] of defined) {
    result.delete(k);
    result.set(k, v);
  }
  return [...result].map(([name, value]) => ({ name, value }));
}
