// The node's Lease in kube-node-lease, renewed with every heartbeat as the
// kubelet renews its own: holder the node, 40 s duration, owned by the Node so
// garbage collection removes it with the node. `kubectl describe node` shows it.
import type { RestClient } from '../../client/rest.js';
import { isAlreadyExistsError, isNotFoundError } from '../../client/rest.js';
import { Leases, resourcePath } from '../../client/resources.js';
import { rfc3339Micro } from '../../util/time.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const NODE_LEASE_DURATION_S = 40;

/** The Lease an agent creates for its node (pure). */
export function nodeLease(node: { name: string; uid: string }, now: string): Record<string, unknown> {
  return {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: {
      name: node.name, namespace: NODE_LEASE_NAMESPACE,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid }],
    },
    spec: { holderIdentity: node.name, leaseDurationSeconds: NODE_LEASE_DURATION_S, renewTime: now },
  };
}

/** Renews (or first creates) the node's lease. */
export async function renewNodeLease(client: RestClient, node: { name: string; uid: string }, now: Date = new Date()): Promise<void> {
  const path = resourcePath(Leases, NODE_LEASE_NAMESPACE, node.name);
  try {
    await client.patch(path, { spec: { holderIdentity: node.name, renewTime: rfc3339Micro(now) } }, 'merge');
  } catch (e) {
    if (!isNotFoundError(e)) throw e;
    try {
      await client.create(resourcePath(Leases, NODE_LEASE_NAMESPACE), nodeLease(node, rfc3339Micro(now)));
    } catch (err) {
      if (!isAlreadyExistsError(err)) throw err;
    }
  }
}
