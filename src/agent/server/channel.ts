// The channel.k8s.io WebSocket framing used by `kubectl exec` (v4/v5): every
// binary message starts with a channel byte; v5 adds a close signal on 255.
// Pure: no sockets here, just frames and Status bodies.

export const STDIN = 0, STDOUT = 1, STDERR = 2, ERROR = 3, RESIZE = 4, CLOSE = 255;

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

/** The first protocol the client offers that we speak (the client lists its preference order). */
export function selectProtocol(offered: Iterable<string>): string | undefined {
  for (const p of offered) if ((EXEC_PROTOCOLS as readonly string[]).includes(p)) return p;
  return undefined;
}

export const encodeFrame = (channel: number, data: Uint8Array): Uint8Array => {
  const out = new Uint8Array(data.length + 1);
  out[0] = channel;
  out.set(data, 1);
  return out;
};

export type Frame =
  | { kind: 'data'; channel: number; data: Uint8Array }
  | { kind: 'close'; channel: number }
  | { kind: 'empty' };

export function decodeFrame(msg: Uint8Array, protocol: string): Frame {
  if (msg.length === 0) return { kind: 'empty' };
  if (msg[0] === CLOSE && protocol === 'v5.channel.k8s.io') return msg.length > 1 ? { kind: 'close', channel: msg[1] } : { kind: 'empty' };
  return { kind: 'data', channel: msg[0], data: msg.subarray(1) };
}

export interface TerminalSize {
  width: number;
  height: number;
}

export function parseResize(data: Uint8Array): TerminalSize | undefined {
  try {
    const o = JSON.parse(new TextDecoder().decode(data));
    if (typeof o?.Width === 'number' && typeof o?.Height === 'number') return { width: o.Width, height: o.Height };
  } catch { /* ignore a malformed resize */ }
  return undefined;
}

/** The Status written on the error channel when the command ends. */
export function exitStatus(exitCode: number, argv: string[]): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** A Status for an exec that could not run at all (bad container, missing binary). */
export const failureStatus = (message: string): Record<string, unknown> => ({ metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 });

/** Exec query → options (command may repeat; booleans are "true"/"1"). */
export function parseExecQuery(q: URLSearchParams): { container?: string; command: string[]; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean } {
  const b = (k: string, d: boolean): boolean => (q.has(k) ? ['true', '1', ''].includes(q.get(k)!) : d);
  return { container: q.get('container') ?? undefined, command: q.getAll('command'), stdin: b('stdin', false), stdout: b('stdout', true), stderr: b('stderr', true), tty: b('tty', false) };
}
