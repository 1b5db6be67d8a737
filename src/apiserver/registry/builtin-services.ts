// The `kubernetes` Service in `default`, at the first service IP, with Endpoints
// and an EndpointSlice pointing at this API server, as kube-apiserver maintains them.
import { jsonEqual, type KubeObject } from '../../api/object.js';
import { resourceByKind, storageKey } from '../resources.js';
import type { Store } from './store.js';

const MANAGER = { dryRun: false, fieldManager: 'kube-apiserver' };
const LABELS = { component: 'apiserver', provider: 'kubernetes' };

export async function ensureKubernetesService(store: Store, api: { host: string; port: number }, serviceIP: string): Promise<void> {
  const svcDef = resourceByKind('Service')!;
  if (!store.tryGet(svcDef, 'default', 'kubernetes')) {
    await store.create(svcDef, 'default', {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'kubernetes', labels: LABELS },
      spec: { type: 'ClusterIP', clusterIP: serviceIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: api.port }], sessionAffinity: 'None' },
    }, MANAGER);
  }
  const port = { name: 'https', port: api.port, protocol: 'TCP' };
  await upsertRaw(store, 'Endpoints', {
    apiVersion: 'v1', kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: api.host }], ports: [port] }],
  });
  await upsertRaw(store, 'EndpointSlice', {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [api.host], conditions: { ready: true } }],
    ports: [port],
  });
}

/**
 * The API server's own address may be loopback (a lone `kubesvc server`), which
 * user-written Endpoints may not carry; these objects are the server's own, so
 * they are written without the user-facing validation.
 */
async function upsertRaw(store: Store, kind: string, obj: KubeObject): Promise<void> {
  const r = resourceByKind(kind)!;
  const ns = obj.metadata.namespace!, name = obj.metadata.name!;
  const cur = store.tryGet(r, ns, name);
  if (!cur) {
    await store.create(r, ns, obj, { ...MANAGER, skipValidation: true });
    return;
  }
  const want = { ...cur, subsets: obj.subsets, endpoints: obj.endpoints, ports: obj.ports };
  if (kind === 'Endpoints') { delete want.endpoints; delete want.ports; }
  else delete want.subsets;
  if (!jsonEqual(want, cur)) await store.writeRaw(r, storageKey(r, ns, name), cur, want, false);
}
