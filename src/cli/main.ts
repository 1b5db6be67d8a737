// kubesvc: one binary, one subcommand per component.

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

// Each command loads only its own code: a node agent does not carry the API server, nor DNS the proxy.
const commands: Record<string, () => Promise<Command>> = {
  up: async () => { const m = await import('../cluster/cli.js'); return { run: (a) => m.runUp(a), help: m.upHelp }; },
  down: async () => { const m = await import('../cluster/cli.js'); return { run: m.runDown, help: m.downHelp }; },
  client: async () => { const m = await import('../cluster/cli.js'); return { run: m.runClient, help: m.clientHelp }; },
  server: async () => { const m = await import('./server.js'); return { run: m.runServer, help: m.serverHelp }; },
  agent: async () => { const m = await import('../agent/main.js'); return { run: m.runAgent, help: m.agentHelp }; },
  dns: async () => { const m = await import('../dns/main.js'); return { run: m.runDns, help: m.dnsHelp }; },
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  if (cmd === 'help') {
    const load = rest[0] && Object.hasOwn(commands, rest[0]) ? commands[rest[0]] : undefined;
    process.stdout.write(load ? (await load()).help : HELP);
    return load || !rest[0] ? 0 : 1;
  }
  const load = Object.hasOwn(commands, cmd) ? commands[cmd] : undefined;
  if (!load) {
    process.stderr.write(`kubesvc: unknown command "${cmd}"\n\n${HELP}`);
    return 1;
  }
  const c = await load();
  // `client -- cmd --help` passes --help on to the command.
  const dashdash = rest.indexOf('--');
  const own = dashdash >= 0 ? rest.slice(0, dashdash) : rest;
  if (own.includes('--help') || own.includes('-h')) {
    process.stdout.write(c.help);
    return 0;
  }
  return c.run(rest);
}
