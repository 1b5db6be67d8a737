// Bundles the compiled CLI (dist/src, from tsc) into dist/bundle: the `kubesvc` command
// and the stand-in host, each one module graph in a few files. Every kubesvc process
// (control plane, agents, DNS pods, stand-in hosts) otherwise spends most of its start
// resolving, reading and lexing hundreds of ESM and CommonJS files (importing the agent:
// about 600 ms of CPU against 190 ms bundled, on a 2-core machine).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const out = 'dist/bundle';
rmSync(out, { recursive: true, force: true });
await build({
  // host.js next to the chunks: the agent starts it by its path relative to its own module.
  entryPoints: { main: 'dist/src/cli/main.js', host: 'dist/src/agent/standin/host.js' },
  outdir: out,
  bundle: true,
  splitting: true, // the commands stay lazily loaded (`kubesvc dns` loads no API server)
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native addons, and etcd3, whose gRPC layer loads .proto files from its own directory.
  external: ['better-sqlite3', 'koffi', 'etcd3'],
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as kubesvcCreateRequire } from 'node:module'; const require = kubesvcCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
