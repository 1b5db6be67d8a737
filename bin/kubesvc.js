#!/usr/bin/env node
// The kubesvc command; the TypeScript sources are built into dist/ by `npm install`.
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(`kubesvc: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 1; },
);
