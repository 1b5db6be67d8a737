// Runs the kubesvc CLI from its sources under tsx: what bin/kubesvc.js (the bundle) is
// to a built checkout, for tests, benchmarks and self-spawned children run from TypeScript.
import { main } from '../../src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(typeof code === 'number' ? code : 0),
  (err: unknown) => {
    console.error(`kubesvc: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
