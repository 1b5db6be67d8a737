// Endpoints subsets, after Kubernetes' endpoints controller (addEndpointSubset)
// and pkg/api/v1/endpoints RepackSubsets: one subset per distinct set of
// addresses (with their readiness) that share the same ports; not-ready wins
// when one address is both.
export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace?: string; name: string; uid?: string };
}

export interface EndpointsPort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointsPort[];
}

const addrKey = (a: EndpointAddress): string => `${a.ip}/${a.targetRef?.uid ?? ''}`;
const portKey = (p: EndpointsPort): string => JSON.stringify([p.name ?? '', p.port, p.protocol ?? '', p.appProtocol ?? '']);
const NoPorts = '';

const compareAddr = (a: EndpointAddress, b: EndpointAddress): number =>
  a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : (a.targetRef?.uid ?? '') < (b.targetRef?.uid ?? '') ? -1 : (a.targetRef?.uid ?? '') > (b.targetRef?.uid ?? '') ? 1 : 0;
const comparePort = (a: EndpointsPort, b: EndpointsPort): number => {
  const ka = portKey(a), kb = portKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const addrs = new Map<string, EndpointAddress>();
  const ports = new Map<string, EndpointsPort | undefined>();
  // port → address → ready
  const byPort = new Map<string, Map<string, boolean>>();
  const note = (pk: string, a: EndpointAddress, ready: boolean): void => {
    const ak = addrKey(a);
    if (!addrs.has(ak)) addrs.set(ak, a);
    let m = byPort.get(pk);
    if (!m) byPort.set(pk, (m = new Map()));
    if (m.get(ak) !== false) m.set(ak, ready);
  };
  for (const ss of subsets) {
    const pks = ss.ports?.length ? ss.ports.map((p) => { const k = portKey(p); ports.set(k, p); return k; }) : [NoPorts];
    for (const pk of pks) {
      for (const a of ss.addresses ?? []) note(pk, a, true);
      for (const a of ss.notReadyAddresses ?? []) note(pk, a, false);
    }
  }
  // Group ports by the exact set of (address, readiness) they serve.
  const groups = new Map<string, { members: Map<string, boolean>; ports: EndpointsPort[] }>();
  for (const [pk, members] of byPort) {
    const gk = JSON.stringify([...members].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = { members, ports: [] }));
    if (pk !== NoPorts) g.ports.push(ports.get(pk)!);
  }
  const out: EndpointSubset[] = [];
  for (const { members, ports: ps } of groups.values()) {
    const ready: EndpointAddress[] = [], notReady: EndpointAddress[] = [];
    for (const [ak, r] of members) (r ? ready : notReady).push(addrs.get(ak)!);
    const ss: EndpointSubset = {};
    if (ready.length) ss.addresses = ready.sort(compareAddr);
    if (notReady.length) ss.notReadyAddresses = notReady.sort(compareAddr);
    if (ps.length) ss.ports = ps.sort(comparePort);
    out.push(ss);
  }
  // Upstream orders subsets by a hash; a stable order by first address is as good for clients.
  const first = (s: EndpointSubset): EndpointAddress | undefined => s.addresses?.[0] ?? s.notReadyAddresses?.[0];
  return out.sort((a, b) => {
    const fa = first(a), fb = first(b);
    const c = fa && fb ? compareAddr(fa, fb) : 0;
    return c || (JSON.stringify(a.ports ?? []) < JSON.stringify(b.ports ?? []) ? -1 : 1);
  });
}
