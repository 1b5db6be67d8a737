// Messages between the agent and its node's stand-in host, over Node's IPC channel.
import type { StandinIdentity } from './reply.js';

export interface StandinPort {
  port: number;
  protocol: string;
}

export type ToHost =
  | { op: 'serve'; key: string; nsPath: string; id: StandinIdentity; ports: StandinPort[] }
  | { op: 'close'; key: string };

export type FromHost = { op: 'serving'; key: string; error?: string };

/** The sockets a stand-in opens: each declared port on TCP (SCTP too, served as TCP) and on UDP, once. */
export function socketsFor(ports: StandinPort[]): { port: number; protocol: 'TCP' | 'UDP' }[] {
  const out = new Map<string, { port: number; protocol: 'TCP' | 'UDP' }>();
  for (const p of ports) {
    if (p.protocol !== 'UDP') out.set(`${p.port}/TCP`, { port: p.port, protocol: 'TCP' });
    out.set(`${p.port}/UDP`, { port: p.port, protocol: 'UDP' });
  }
  return [...out.values()];
}
