// FakeAnnounceNet: the interface's addresses as an in-memory set, with a log
// of what was done, for tests of the announcer without a network namespace.
import type { AnnounceNet } from './net.js';

export class FakeAnnounceNet implements AnnounceNet {
  readonly held = new Set<string>();
  readonly ops: string[] = [];
  /** Makes the next add of this IP fail once, to exercise retries. */
  failNextAdd: string | undefined;

  constructor(initial: string[] = []) {
    for (const ip of initial) this.held.add(ip);
  }

  async list(): Promise<string[]> {
    return [...this.held].sort();
  }

  async add(ip: string): Promise<void> {
    if (this.failNextAdd === ip) {
      this.failNextAdd = undefined;
      throw new Error(`fake: add ${ip} failed`);
    }
    this.ops.push(`add ${ip}`);
    this.held.add(ip);
  }

  async remove(ip: string): Promise<void> {
    this.ops.push(`remove ${ip}`);
    this.held.delete(ip);
  }

  async announce(ip: string): Promise<void> {
    if (!this.held.has(ip)) throw new Error(`fake: announce ${ip} that is not held`);
    this.ops.push(`announce ${ip}`);
  }
}
