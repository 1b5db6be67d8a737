// On a clean shutdown the node reports Ready=False (reason KubeletNotReady), so
// controllers and LoadBalancer announcers act without waiting for a heartbeat timeout.
import { RestClient, loadKubeconfig } from '../../client/rest.js';
import { Nodes, resourcePath } from '../../client/resources.js';
import { rfc3339 } from '../../util/time.js';

export async function markNodeNotReady(kubeconfig: string, nodeName: string): Promise<void> {
  const client = new RestClient(loadKubeconfig(kubeconfig), 'kubesvc-agent');
  try {
    const node = await client.get(resourcePath(Nodes, undefined, nodeName));
    const now = rfc3339();
    const conditions = (node.status?.conditions ?? []).map((c: { type: string }) =>
      c.type === 'Ready' ? { ...c, status: 'False', reason: 'KubeletNotReady', message: 'kubesvc agent stopped', lastHeartbeatTime: now, lastTransitionTime: now } : c);
    await client.patch(resourcePath(Nodes, undefined, nodeName, 'status'), { status: { conditions } }, 'merge');
  } finally {
    client.close();
  }
}
