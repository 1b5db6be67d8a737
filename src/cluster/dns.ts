// The cluster DNS objects `up` creates, as Kubernetes ships them: Service
// kube-system/kube-dns at the 10th service IP and a Deployment of DNS pods
// labelled k8s-app=kube-dns (running `kubesvc dns`). Pure manifests.

export interface DnsManifestInput {
  clusterIP: string;
  /** argv prefix that runs kubesvc: [node, .../bin/kubesvc.js] */
  self: string[];
  kubeconfig: string;
  replicas?: number;
  /** `kubesvc dns --workers` in each pod (see dnsWorkers). */
  workers?: number;
}

/**
 * Answering processes per DNS pod: 2 where there are 2 CPUs or more. On 2 CPUs
 * shared with dnsperf, bench/dns measured 2 workers at 1.12x dnsmasq's QPS with
 * p99 0.14 ms at 10,000 qps, where 1 worker stays near 0.9x (BENCHMARKS.md).
 */
export const dnsWorkers = (cpus: number): number => Math.max(1, Math.min(2, cpus));

const LABELS = { 'k8s-app': 'kube-dns' };

export function kubeDnsService(i: DnsManifestInput): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { ...LABELS, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'KubeDNS' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: i.clusterIP,
      selector: { ...LABELS },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  };
}

export function kubeDnsDeployment(i: DnsManifestInput): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { ...LABELS } },
    spec: {
      replicas: i.replicas ?? 2,
      selector: { matchLabels: { ...LABELS } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '10%' } },
      template: {
        metadata: { labels: { ...LABELS } },
        spec: {
          // DNS pods resolve through the node, not through themselves (as CoreDNS's manifest does).
          dnsPolicy: 'Default',
          containers: [
            {
              name: 'dns',
              image: 'kubesvc/dns',
              // 0.0.0.0 here is inside the pod's own network namespace. Pod records as kubeadm's
              // Corefile serves them (`pods insecure`): no pod watch per DNS process.
              command: [...i.self, 'dns', '--kubeconfig', i.kubeconfig, '--listen', '0.0.0.0:53', '--metrics', '0.0.0.0:9153', '--workers', String(i.workers ?? 1), '--pods', 'insecure'],
              ports: [
                { name: 'dns', containerPort: 53, protocol: 'UDP' },
                { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
              ],
              // CoreDNS's requests: Burstable, so a burst of BestEffort pods does not starve cluster DNS.
              resources: { requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '170Mi' } },
              readinessProbe: { tcpSocket: { port: 53 }, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
            },
          ],
        },
      },
    },
  };
}
