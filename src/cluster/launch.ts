// A standalone entry for the cluster commands (`launch.js up|down|client ...`),
// used by tests and benchmarks to run `up` as its own process before or without
// the main CLI wiring.
import { runClient, runDown, runUp } from './cli.js';

const [cmd, ...rest] = process.argv.slice(2);
const run = cmd === 'up' ? runUp : cmd === 'down' ? runDown : cmd === 'client' ? runClient : undefined;
if (!run) {
  console.error('usage: launch.js up|down|client [flags]');
  process.exit(2);
}
run(rest).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`kubesvc: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
