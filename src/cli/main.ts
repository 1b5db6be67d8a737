// kubesvc: one binary, one subcommand per component.
import { runServer, serverHelp } from './server.js';
import { runAgent, agentHelp } from '../agent/main.js';
import { runDns, dnsHelp } from '../dns/main.js';
import { runUp, runDown, runClient, upHelp, downHelp, clientHelp } from '../cluster/cli.js';

const HELP = `kubesvc — Kubernetes Services for real, outside a full cluster

Usage: kubesvc <command> [flags]

Commands:
  up        Run a whole multi-node cluster on this machine, sandboxed in network namespaces
  down      Remove whatever a crashed 'up' left behind
  client    Run a command from outside the cluster, on the node network of a running 'up'
  server    Run the API server and the controllers (storage, watch, kubectl support)
  agent     Run a node agent: pods as processes in network namespaces, the nftables proxy
  dns       Run the cluster DNS server
  help      Show help for a command

Run 'kubesvc <command> --help' for the flags of a command.
`;

type Command = { run: (args: string[]) => Promise<number>; help: string };

const commands: Record<string, Command> = {
  up: { run: (a) => runUp(a), help: upHelp },
  down: { run: runDown, help: downHelp },
  client: { run: runClient, help: clientHelp },
  server: { run: runServer, help: serverHelp },
  agent: { run: runAgent, help: agentHelp },
  dns: { run: runDns, help: dnsHelp },
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  if (cmd === 'help') {
    const c = rest[0] ? commands[rest[0]] : undefined;
    process.stdout.write(c ? c.help : HELP);
    return c || !rest[0] ? 0 : 1;
  }
  const c = commands[cmd];
  if (!c) {
    process.stderr.write(`kubesvc: unknown command "${cmd}"\n\n${HELP}`);
    return 1;
  }
  // `client -- cmd --help` passes --help on to the command.
  const dashdash = rest.indexOf('--');
  const own = dashdash >= 0 ? rest.slice(0, dashdash) : rest;
  if (own.includes('--help') || own.includes('-h')) {
    process.stdout.write(c.help);
    return 0;
  }
  return c.run(rest);
}
