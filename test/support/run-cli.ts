// Runs the kubesvc CLI from source (tsx) or from dist/, for tests that need the
// server as a separate process (kill -9).
import { main } from '../../src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(typeof code === 'number' ? code : 0),
  (err: unknown) => {
    console.error(`kubesvc: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
