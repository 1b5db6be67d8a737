// kubesvc: one binary, one subcommand per component.
import { runServer, serverHelp } from './server.js';

const HELP = `kubesvc — Kubernetes Services for real, outside a full cluster

Usage: kubesvc <command> [flags]

Commands:
  server    Run the Kubernetes-compatible API server (storage, watch, kubectl support)
  help      Show help for a command

Run 'kubesvc <command> --help' for the flags of a command.
`;

type Command = { run: (args: string[]) => Promise<number>; help: string };

const commands: Record<string, Command> = {
  server: { run: runServer, help: serverHelp },
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
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(c.help);
    return 0;
  }
  return c.run(rest);
}
