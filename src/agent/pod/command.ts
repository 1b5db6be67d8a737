// What a container runs: there are no images, so command/args name a program
// on the host; a container without a command runs the stand-in server, except
// for base images with no ENTRYPOINT, whose args are the command. Pure.

/**
 * A stand-in container's own process: it holds the container's place (its
 * namespaces for exec, its life for restarts and kills) while the node's
 * stand-in host serves its ports (standin/host.ts).
 */
export const STANDIN_HOLDER = ['sleep', 'infinity'];

export type ContainerProgram =
  | { kind: 'exec'; argv: string[] }
  | { kind: 'standin'; ports: { port: number; protocol: string }[] };

// Images whose entrypoint is empty, so `args` alone is the full command line.
const NO_ENTRYPOINT = new Set(['busybox', 'alpine', 'ubuntu', 'debian', 'centos', 'fedora', 'bash']);

export function imageBase(image: string | undefined): string {
  const noDigest = (image ?? '').split('@')[0];
  const last = noDigest.split('/').pop() ?? '';
  return last.split(':')[0];
}

export function containerProgram(c: any, expandArg: (s: string) => string = (s) => s): ContainerProgram {
  const command: string[] = (c.command ?? []).map(expandArg);
  const args: string[] = (c.args ?? []).map(expandArg);
  if (command.length) return { kind: 'exec', argv: [...command, ...args] };
  if (args.length && NO_ENTRYPOINT.has(imageBase(c.image))) return { kind: 'exec', argv: args };
  const declared = (c.ports ?? []).filter((p: any) => p.containerPort).map((p: any) => ({ port: p.containerPort, protocol: p.protocol ?? 'TCP' }));
  return { kind: 'standin', ports: declared.length ? declared : [{ port: 80, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }] };
}
