// How a node takes and gives up an external address on its node-network
// interface. Holding the address as a /32 makes the kernel answer ARP for it
// (arp_ignore 0 answers for any local address); a gratuitous ARP on takeover
// moves neighbours that cached the previous owner's MAC at once.
import { execFile, type ChildProcess } from 'node:child_process';

export interface AnnounceNet {
  /** Addresses held by an earlier run (found by our label), so a restart reclaims them. */
  list(): Promise<string[]>;
  /** Idempotent. */
  add(ip: string): Promise<void>;
  /** Idempotent. */
  remove(ip: string): Promise<void>;
  /** Unsolicited ARP for an address just taken; best effort. */
  announce(ip: string): Promise<void>;
  /** Ends announcements still in flight (their processes must not outlive the node). */
  close?(): void;
}

export interface RealAnnounceNetOptions {
  interface: string;
  /** Run inside this named netns (tests); the agent already runs inside its node's. */
  netns?: string;
  log?: (msg: string) => void;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  missing?: boolean;
}

const run = (cmd: string, args: string[]): Promise<Ran> =>
  new Promise((resolve) => {
    execFile(cmd, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0;
      resolve({ code, stdout, stderr, missing: (err as any)?.code === 'ENOENT' });
    });
  });

/** The address label marks what we own: "<iface>:ksvc" when it fits IFNAMSIZ. */
export const addressLabel = (iface: string): string | undefined => (iface.length + 5 <= 15 ? `${iface}:ksvc` : undefined);

export class RealAnnounceNet implements AnnounceNet {
  private readonly label: string | undefined;
  private warnedArping = false;
  private readonly inFlight = new Set<ChildProcess>();

  constructor(private readonly o: RealAnnounceNetOptions) {
    this.label = addressLabel(o.interface);
  }

  private ip(args: string[]): Promise<Ran> {
    return run('ip', this.o.netns ? ['-n', this.o.netns, ...args] : args);
  }

  private async must(args: string[], okStderr?: RegExp): Promise<void> {
    const r = await this.ip(args);
    if (r.code !== 0 && !(okStderr && okStderr.test(r.stderr))) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`);
  }

  async list(): Promise<string[]> {
    if (!this.label) return [];
    const r = await this.ip(['-j', '-4', 'addr', 'show', 'dev', this.o.interface]);
    if (r.code !== 0) throw new Error(`ip addr show dev ${this.o.interface}: ${r.stderr.trim()}`);
    const links = JSON.parse(r.stdout || '[]') as { addr_info?: { local: string; prefixlen: number; label?: string }[] }[];
    return links.flatMap((l) => l.addr_info ?? []).filter((a) => a.prefixlen === 32 && a.label === this.label).map((a) => a.local);
  }

  add(ip: string): Promise<void> {
    // `replace` is add-or-keep; valid_lft/noprefixroute are not needed for a /32.
    return this.must(['addr', 'replace', `${ip}/32`, 'dev', this.o.interface, ...(this.label ? ['label', this.label] : [])]);
  }

  remove(ip: string): Promise<void> {
    return this.must(['addr', 'del', `${ip}/32`, 'dev', this.o.interface], /Cannot assign requested address/);
  }

  /** Starts three unsolicited ARPs a second apart and returns at once: a slow burst must not hold up the next takeover. */
  async announce(ip: string): Promise<void> {
    const args = ['-U', '-c', '3', '-I', this.o.interface, '-s', ip, ip];
    const [cmd, argv] = this.o.netns ? ['ip', ['netns', 'exec', this.o.netns, 'arping', ...args]] : ['arping', args];
    const child = execFile(cmd, argv, { timeout: 10_000 }, (err, _stdout, stderr) => {
      this.inFlight.delete(child);
      const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0;
      const missing = (err as any)?.code === 'ENOENT' || /exec of "arping" failed/.test(stderr);
      if (missing && !this.warnedArping) {
        this.warnedArping = true;
        this.o.log?.('arping not found (install iputils-arping): neighbours will follow a moved address only when their ARP entry expires');
      } else if (!missing && code !== 0 && !child.killed) {
        this.o.log?.(`arping ${ip} on ${this.o.interface}: ${stderr.trim() || `exit ${code}`}`);
      }
    });
    this.inFlight.add(child);
  }

  close(): void {
    for (const c of this.inFlight) c.kill('SIGTERM');
    this.inFlight.clear();
  }
}
