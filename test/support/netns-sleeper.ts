// A `sleep` inside a named network namespace, returned once it is really in it
// (nsenter has switched before exec'ing sleep): its PID names that namespace.
import { spawn, type ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';

export async function sleeperIn(netns: string, seconds = 30): Promise<ChildProcess> {
  const child = spawn('nsenter', [`--net=/run/netns/${netns}`, 'sleep', String(seconds)], { stdio: 'ignore' });
  const own = readlinkSync('/proc/self/ns/net');
  for (let i = 0; i < 100; i++) {
    try { if (readlinkSync(`/proc/${child.pid}/ns/net`) !== own) return child; } catch { /* not started yet */ }
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  throw new Error(`sleep did not enter netns ${netns}`);
}
