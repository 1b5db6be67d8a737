// A long-lived `nft -i` for small transactions. Each `nft` process pays, when
// it exits, for the previous commit's cleanup: closing its netlink socket waits
// for an RCU grace period (nf_tables flushes its destroy work on release), about
// 10–20 ms here, which is most of what a one-service sync costs. A process that
// stays up skips that wait. Interactive nft runs each input line as one batch,
// so one transaction is one line (commands joined by `;`), still all-or-nothing.
// After each transaction a `describe` (no kernel access, fixed one-line output)
// marks where its output ends; stderr is merged into stdout so errors come first.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { NftError, codeFromStderr } from './errors.js';

const SENTINEL = 'describe ip ttl';
/** nft keeps every input line as history in memory: start afresh after this many bytes. */
const RECYCLE_BYTES = 4 << 20;

interface Pending { resolve: () => void; reject: (e: Error) => void; line: string }

export class NftSession {
  private p: ChildProcess | undefined;
  private buf = '';
  /** The sentinel's output line, learned when the process starts. */
  private marker: string | undefined;
  private pending: Pending | undefined;
  private queue: Promise<void> = Promise.resolve();
  private written = 0;

  constructor(private readonly cmd: string, private readonly argv: string[]) {}

  /** Runs one transaction (script lines, each ending in a newline) as one batch. */
  run(lines: Iterable<string>): Promise<void> {
    let line = '';
    for (const l of lines) line += (line ? '; ' : '') + l.slice(0, -1);
    if (line.includes('\n')) return Promise.reject(new NftError('Invalid', 'nft session: a command spans lines'));
    const r = this.queue.then(() => this.exec(line));
    this.queue = r.catch(() => undefined);
    return r;
  }

  /** Ends the process (nft exits at end of input); the next run starts a new one. */
  async close(): Promise<void> {
    await this.queue;
    await this.stop();
  }

  private async stop(): Promise<void> {
    const p = this.p;
    this.p = undefined;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => p.kill(), 5000);
      p.once('close', () => { clearTimeout(timer); resolve(); });
      p.stdin!.end();
    });
  }

  private async exec(line: string): Promise<void> {
    if (this.written > RECYCLE_BYTES) await this.stop();
    if (!this.p) await this.start();
    this.written += line.length;
    await this.send(line);
  }

  private send(line: string): Promise<void> {
    const p = this.p!;
    return new Promise<void>((resolve, reject) => {
      this.pending = { resolve, reject, line };
      this.hold(true);
      p.stdin!.write(`${line}\n${SENTINEL}\n`);
    });
  }

  private start(): Promise<void> {
    // HOME=/dev/null: interactive nft reads and writes ~/.nft.history; no file can exist under /dev/null.
    const p = spawn(this.cmd, this.argv, { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, HOME: '/dev/null' } });
    this.p = p;
    this.buf = '';
    this.marker = undefined;
    this.written = 0;
    p.stdout!.setEncoding('utf8');
    p.stdout!.on('data', (c: string) => this.onData(c));
    p.stdin!.on('error', () => { /* exit reports it */ });
    const gone = (why: string): void => {
      if (this.p === p) this.p = undefined;
      const w = this.pending;
      this.pending = undefined;
      this.hold(false, p);
      w?.reject(new NftError('Failed', `nft session: ${why}${this.buf ? `: ${this.buf.slice(0, 2000).trim()}` : ''}`));
    };
    p.on('error', (e) => gone(e.message));
    p.on('exit', (code, signal) => gone(`exited (${signal ?? code})`));
    // Two sentinels teach the marker (their output is the same text twice, whatever nft's
    // version prints); that doubles as the check that nft started.
    return new Promise<void>((resolve, reject) => {
      this.pending = { resolve, reject, line: SENTINEL };
      this.hold(true, p);
      p.stdin!.write(`${SENTINEL}\n${SENTINEL}\n`);
    });
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    const w = this.pending;
    if (!w) return;
    if (this.marker === undefined) {
      const half = this.buf.length / 2, first = this.buf.slice(0, half);
      if (!Number.isInteger(half) || !first.endsWith('\n') || first !== this.buf.slice(half)) return;
      this.marker = first;
      this.buf = '';
      this.settle(w, /Error:/.test(first) ? first : '');
      return;
    }
    if (!this.buf.endsWith(this.marker)) return;
    const out = this.buf.slice(0, -this.marker.length);
    this.buf = '';
    this.settle(w, out);
  }

  private settle(w: Pending, out: string): void {
    this.pending = undefined;
    this.hold(false);
    if (/Error:/.test(out)) w.reject(new NftError(codeFromStderr(out), `nft: ${out.slice(0, 2000).trim()}`));
    else w.resolve();
  }

  /** The idle process must not keep Node running; one with a transaction in flight must. */
  private hold(on: boolean, p = this.p): void {
    if (!p) return;
    const out = p.stdout as Socket | null, inp = p.stdin as Socket | null;
    if (on) { p.ref(); out?.ref(); inp?.ref(); } else { p.unref(); out?.unref(); inp?.unref(); }
  }
}
