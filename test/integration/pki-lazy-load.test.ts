// Credentials found on disk are loaded without the certificate library: an agent that
// `up` gave its credentials starts without paying for @peculiar/x509 (about 100 ms of CPU).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureCredentials } from '../../src/apiserver/auth/pki.js';

const pki = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'apiserver', 'auth', `pki${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`)).href;

/** Runs ensureCredentials(dir) in a fresh process; true when it loaded @peculiar/x509. */
function loadsX509(dir: string): boolean {
  const script = `
    import { createRequire } from 'node:module';
    const { ensureCredentials } = await import(${JSON.stringify(pki)});
    await ensureCredentials(${JSON.stringify(dir)}, ['10.0.0.1'], ['node-1']);
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('@peculiar/x509'));
    console.log(JSON.stringify(loaded));`;
  const tsx = import.meta.url.endsWith('.ts') ? ['--import', 'tsx'] : [];
  return JSON.parse(execFileSync(process.execPath, [...tsx, '--input-type=module', '-e', script], { encoding: 'utf8' }).trim()) as boolean;
}

test('ensureCredentials loads the certificate library only to make certificates', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubesvc-pki-'));
  try {
    assert.equal(loadsX509(join(dir, 'fresh')), true, 'an empty directory needs new certificates');
    await ensureCredentials(join(dir, 'made'), ['10.0.0.1'], ['node-1']);
    assert.equal(loadsX509(join(dir, 'made')), false, 'credentials on disk that cover the names need no library');
    assert.equal(loadsX509(join(dir, 'fresh')), false, 'and the first run left such credentials');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
