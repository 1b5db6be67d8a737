// The `ip -batch` lines of a pod's network: the node side names a new netns and,
// when the pod goes, removes the name. The veth is rtnetlink's (rtnetlink.ts),
// made from inside the pod: `ip -batch` keeps open every netns it resolves by
// name (iproute2 does not close the fd), so a long-lived session that named pod
// namespaces held every one of them alive. Pure.
import type { PodNetwork } from './netns.js';

/**
 * A veth of this pod's name can only be left from an earlier sandbox of the same
 * pod whose namespace is still dying (a retry, an agent restart): it goes first,
 * so the pod side can make it again. Run with ALREADY_GONE tolerated.
 */
export const createNetnsBatch = (p: PodNetwork): string[] => [`link del ${p.veth}`, `netns add ${p.netns}`];

/**
 * Removing a pod's network is removing its netns name: once no process holds
 * the namespace the kernel destroys it with its eth0, and so the veth's node
 * end, in one batched clean-up. Deleting the veth first costs a synchronous
 * RCU wait per pod (about 20 ms each on this 2-vCPU machine, in series).
 */
export const deletePodBatch = (netns: string): string[] => [`netns del ${netns}`];

/**
 * What removing a pod network may say when it is already (partly) gone: iproute2's
 * "Cannot find device" (link del), "Cannot remove namespace file ...: No such file or
 * directory" (netns del). Anything else (a busy or invalid argument) is an error.
 */
export const ALREADY_GONE = /Cannot find device|No such device|No such file|not found/i;
