#!/usr/bin/env node
// The kubesvc command; `npm install` builds the TypeScript sources into dist/src and
// bundles them into dist/bundle (scripts/bundle.mjs).
import { main } from '../dist/bundle/main.js';

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(`kubesvc: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 1; },
);
