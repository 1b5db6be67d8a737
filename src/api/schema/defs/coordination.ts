// coordination.k8s.io/v1 Lease: node heartbeats (kube-node-lease) and leader election.

import { COORDINATION, int32, microTime, obj, ref, resource, str } from '../build.js';
import type { SchemaMap } from '../types.js';

export const coordinationDefs: SchemaMap = {
  [COORDINATION + 'Lease']: resource({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' }, 'A lease: who holds it, since when, and for how long.', {
    spec: ref(COORDINATION + 'LeaseSpec', 'The lease itself.'),
  }),
  [COORDINATION + 'LeaseSpec']: obj('A specification of a Lease.', {
    holderIdentity: str('Identity of the current holder.'),
    leaseDurationSeconds: int32('How long candidates wait, counted from renewTime, before they may take the lease over.'),
    acquireTime: microTime('When the current holder acquired the lease.'),
    renewTime: microTime('When the current holder last renewed the lease.'),
    leaseTransitions: int32('How many times the lease changed holders.'),
    strategy: str('Coordinated leader election strategy (alpha).'),
    preferredHolder: str('A holder the lease should be handed to (alpha; needs strategy).'),
  }),
};
