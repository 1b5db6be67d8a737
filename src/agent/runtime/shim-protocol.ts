// Messages between the agent and its container shim (over the fork IPC channel).
import type { ContainerSpec } from './launcher.js';

export type ToShim =
  | { t: 'start'; id: number; spec: ContainerSpec }
  | { t: 'kill'; id: number; signal: NodeJS.Signals };

export type FromShim =
  | { t: 'started'; id: number; pid: number }
  | { t: 'exited'; id: number; code: number | null; signal: NodeJS.Signals | null };
