// The external client: a netns on the node network outside every node
// (`ksvc-<name>-client`, the node CIDR's last address), created on demand, for
// reaching NodePorts and LoadBalancer IPs the way a machine next to the nodes would.
import { spawn } from 'node:child_process';
import { HostNet } from './host-net.js';
import type { IpCommand } from './ip.js';
import { clusterNames } from './names.js';
import { isAlive, readState } from './state.js';

export interface ClientOptions {
  name: string;
  dataDir?: string;
  ip: IpCommand;
  ipBin: string;
}

/** Ensures the client netns exists; returns its name. */
export async function ensureClientNetns(o: ClientOptions): Promise<string> {
  const names = clusterNames(o.name);
  const state = readState(o.name, o.dataDir);
  if (!state || !isAlive(state.up)) throw new Error(`cluster "${o.name}" is not running (start it with: kubesvc up --name ${o.name})`);
  const net = new HostNet(o.ip);
  if ((await net.listNetns()).includes(names.clientNs)) return names.clientNs;
  if (!(await net.listLinks()).some((l) => l.ifname === state.bridge)) throw new Error(`cluster "${o.name}" has no bridge ${state.bridge}`);
  try {
    await net.addBridgedNetns(names.clientNs, names.clientVeth, state.bridge, `${state.clientIP}/${state.prefixLen}`);
  } catch (e) {
    // Another `client` may have raced us to it.
    if ((await net.listNetns()).includes(names.clientNs) && (await net.listLinks()).some((l) => l.ifname === names.clientVeth)) return names.clientNs;
    await net.delNetns(names.clientNs);
    await net.delLink(names.clientVeth);
    throw e;
  }
  return names.clientNs;
}

/** Runs argv inside the client netns with the terminal attached; resolves with its exit code. */
export async function runInClient(o: ClientOptions, argv: string[]): Promise<number> {
  if (!argv.length) throw new Error('kubesvc client: give a command after --, e.g. kubesvc client -- curl http://172.30.0.200/');
  const ns = await ensureClientNetns(o);
  return new Promise((resolve, reject) => {
    const child = spawn(o.ipBin, ['netns', 'exec', ns, ...argv], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, sig) => resolve(code ?? (sig ? 128 + (({ SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[sig] ?? 1) : 1)));
  });
}
