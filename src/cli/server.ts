import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startApiServer } from '../apiserver/server.js';
import { durationFlag } from '../util/time.js';

export const serverHelp = `Usage: kubesvc server [flags]

Runs the Kubernetes-compatible API server in the foreground.

Flags:
  --data-dir DIR                   State, certificates and kubeconfig (default: ./kubesvc-data)
  --listen HOST:PORT               Address to serve HTTPS on; repeatable (default: 127.0.0.1:6443)
  --datastore URL                  sqlite://PATH (default: DIR/state.db) or etcd://HOST:PORT[,HOST:PORT...]
  --service-cidr CIDR              ClusterIP range (default: 10.96.0.0/12)
  --service-node-port-range A-B    NodePort range (default: 30000-32767)
  --lb-pool RANGE                  LoadBalancer addresses, ranges/CIDRs, comma-separated (default: 172.30.0.200-172.30.0.250)
  --node-monitor-grace-period DUR  Silence after which a node's status turns Unknown and its pods stop being Ready (default: 50s)
  --kubelet-certificate-authority FILE
                                   PEM CA that node agents' serving certificates must chain to, for
                                   logs, exec, attach and port-forward (default: agents are not verified)
  --no-controllers                 Serve the API only; run no controllers
  -h, --help                       Show this help
`;

export async function runServer(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string', default: './kubesvc-data' },
      listen: { type: 'string', multiple: true },
      datastore: { type: 'string' },
      'service-cidr': { type: 'string' },
      'service-node-port-range': { type: 'string' },
      'lb-pool': { type: 'string' },
      'node-monitor-grace-period': { type: 'string' },
      'kubelet-certificate-authority': { type: 'string' },
      'no-controllers': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const caFile = values['kubelet-certificate-authority'];
  let kubeletCA: string | undefined;
  try {
    kubeletCA = caFile === undefined ? undefined : readFileSync(caFile, 'utf8');
  } catch (e) {
    throw new Error(`--kubelet-certificate-authority: cannot read ${caFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (kubeletCA !== undefined && !kubeletCA.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`--kubelet-certificate-authority: ${caFile} holds no PEM certificate`);
  const srv = await startApiServer({
    dataDir: values['data-dir']!,
    listen: values.listen,
    datastore: values.datastore,
    serviceCIDR: values['service-cidr'],
    nodePortRange: values['service-node-port-range'],
    lbPool: values['lb-pool'],
    nodeMonitorGracePeriodMs: durationFlag(values['node-monitor-grace-period'], 'node-monitor-grace-period'),
    controllers: !values['no-controllers'],
    kubeletCA,
  });
  console.log(`kubesvc server ready at ${srv.urls.join(', ')}\n  export KUBECONFIG=${srv.kubeconfigPath}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await srv.close();
  return 0;
}
