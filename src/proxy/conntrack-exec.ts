// Runs `conntrack -D` for stale filters (conntrack.ts). Exit status 1 with "0 flow
// entries" only means nothing matched.
import { execFile } from 'node:child_process';
import { conntrackArgs, type ConntrackFilter } from './conntrack.js';

export interface Conntrack {
  clear(f: ConntrackFilter): Promise<void>;
}

export class ExecConntrack implements Conntrack {
  constructor(private readonly netns?: string) {}

  clear(f: ConntrackFilter): Promise<void> {
    const args = conntrackArgs(f);
    const [cmd, argv] = this.netns ? ['ip', ['netns', 'exec', this.netns, 'conntrack', ...args]] : ['conntrack', args];
    return new Promise((resolve, reject) => {
      execFile(cmd, argv, (err, _out, stderr) => {
        if (!err || /0 flow entries/.test(stderr)) resolve();
        else reject(new Error(`conntrack ${args.join(' ')}: ${stderr.trim() || err.message}`));
      });
    });
  }
}

export class FakeConntrack implements Conntrack {
  readonly cleared: ConntrackFilter[] = [];
  async clear(f: ConntrackFilter): Promise<void> { this.cleared.push(f); }
}
