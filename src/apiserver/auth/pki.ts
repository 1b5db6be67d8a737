// The data directory's credentials: a CA, a serving certificate signed by it
// and an admin bearer token, created on first start and reused afterwards; and
// node agents' serving certificates, issued from that CA by `up`.
import { webcrypto, randomBytes, X509Certificate as NodeCert } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as X509 from '@peculiar/x509';

const crypto = webcrypto as unknown as Crypto;

let x509Module: Promise<typeof X509> | undefined;
/**
 * @peculiar/x509, loaded only to make certificates: with its ASN.1 stack it costs a
 * process about 100 ms of CPU to load, which a start that finds its files never needs.
 */
function loadX509(): Promise<typeof X509> {
  return (x509Module ??= (async () => {
    // It resolves its ASN.1 codecs through tsyringe, which needs the Reflect metadata API.
    await import('reflect-metadata');
    // A CommonJS module: its exports object is the default export (the only one, bundled).
    const mod = (await import('@peculiar/x509')) as typeof X509 & { default?: typeof X509 };
    const x509 = mod.default ?? mod;
    x509.cryptoProvider.set(crypto);
    return x509;
  })());
}
/** Where a data directory keeps its credentials (the cluster CA's, for `up`). */
export const pkiDir = (dataDir: string): string => join(dataDir, 'pki');

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface Credentials {
  caCert: string;
  cert: string;
  key: string;
  token: string;
}

async function pemKey(k: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', k));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').trim()}\n-----END PRIVATE KEY-----\n`;
}

const years = (n: number): Date => new Date(Date.now() + n * 365 * 24 * 3600 * 1000);

async function makeCA(): Promise<{ cert: X509.X509Certificate; keys: CryptoKeyPair }> {
  const x509 = await loadX509();
  const keys = (await crypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex'),
    name: 'CN=kubesvc-ca',
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: years(10),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

async function makeServing(ca: { certPem: string; key: CryptoKey }, ips: string[], dns: string[], cn = 'kube-apiserver'): Promise<{ cert: string; key: string }> {
  const x509 = await loadX509();
  const caCert = new x509.X509Certificate(ca.certPem);
  const keys = (await crypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8).toString('hex'),
    subject: `CN=${cn}`,
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: years(10),
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([...dns.map((d) => ({ type: 'dns' as const, value: d })), ...ips.map((i) => ({ type: 'ip' as const, value: i }))]),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await pemKey(keys.privateKey) };
}

/** True when the PEM certificate names every wanted IP and DNS name (and, given a CA, was issued by it). */
function fits(certPem: string, ips: string[], dns: string[], caPem?: string): boolean {
  const c = new NodeCert(certPem);
  const san = c.subjectAltName ?? '';
  if (!ips.every((i) => san.includes(`IP Address:${i}`)) || !dns.every((d) => san.includes(`DNS:${d}`))) return false;
  return caPem === undefined || c.verify(new NodeCert(caPem).publicKey);
}

const readIf = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

/** The CA in dir, made there first if it has none. */
async function loadOrMakeCA(dir: string): Promise<{ caCert: string; caKey: string }> {
  const p = (f: string): string => join(dir, f);
  const caCert = readIf(p('ca.crt')), caKey = readIf(p('ca.key'));
  if (caCert && caKey) return { caCert, caKey };
  const ca = await makeCA();
  const made = { caCert: ca.cert.toString('pem') + '\n', caKey: await pemKey(ca.keys.privateKey) };
  writeFileSync(p('ca.key'), made.caKey, { mode: 0o600 });
  writeFileSync(p('ca.crt'), made.caCert);
  return made;
}

/** The PEM certificate of the CA in dir, made there first if it has none. */
export async function ensureCA(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return (await loadOrMakeCA(dir)).caCert;
}

async function issue(ca: { caCert: string; caKey: string }, dir: string, ips: string[], dns: string[], cn?: string): Promise<{ cert: string; key: string }> {
  const caPriv = await crypto.subtle.importKey('pkcs8', pemToDer(ca.caKey), alg, false, ['sign']);
  const made = await makeServing({ certPem: ca.caCert, key: caPriv }, ips, dns, cn);
  writeFileSync(join(dir, 'apiserver.key'), made.key, { mode: 0o600 });
  writeFileSync(join(dir, 'apiserver.crt'), made.cert);
  return made;
}

/**
 * Loads or creates the credentials in dir. The serving certificate is reissued
 * (from the same CA) when it does not cover an address the server now listens on;
 * while it does, the CA's key is not needed (a node's directory has only the CA's certificate).
 */
export async function ensureCredentials(dir: string, ips: string[], extraDns: string[] = []): Promise<Credentials> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = (f: string): string => join(dir, f);
  const dns = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', ...extraDns];
  const wantIps = [...new Set(['127.0.0.1', ...ips])];
  let cert = readIf(p('apiserver.crt')), key = readIf(p('apiserver.key')), caCert = readIf(p('ca.crt'));
  if (!cert || !key || !caCert || !fits(cert, wantIps, dns)) {
    const ca = await loadOrMakeCA(dir);
    caCert = ca.caCert;
    ({ cert, key } = await issue(ca, dir, wantIps, dns));
  }
  let token: string;
  if (existsSync(p('admin.token'))) token = readFileSync(p('admin.token'), 'utf8').trim();
  else {
    token = randomBytes(24).toString('hex');
    writeFileSync(p('admin.token'), token + '\n', { mode: 0o600 });
  }
  return { caCert, cert, key, token };
}

/**
 * A node agent's serving certificate and key in dir. Given caDir, issued by the CA there,
 * whose key stays there (dir gets only the CA's certificate): `up` does this before it
 * starts an agent, so the API server can verify agents against its own CA. Without it (an
 * agent on its own) they are reused as they are, or made from a CA of dir's own.
 * Reissued when the names change, or when given caDir, another CA signed them.
 */
export async function ensureNodeServing(dir: string, ip: string, nodeName: string, caDir?: string): Promise<{ cert: string; key: string }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ips = [ip], dns = [nodeName];
  const ca = caDir ? await loadOrMakeCA(caDir) : undefined;
  const cert = readIf(join(dir, 'apiserver.crt')), key = readIf(join(dir, 'apiserver.key'));
  const sameCA = !ca || readIf(join(dir, 'ca.crt')) === ca.caCert;
  if (cert && key && sameCA && fits(cert, ips, dns, ca?.caCert)) return { cert, key };
  if (ca) writeFileSync(join(dir, 'ca.crt'), ca.caCert);
  return issue(ca ?? (await loadOrMakeCA(dir)), dir, ips, dns, `system:node:${nodeName}`);
}

function pemToDer(pem: string): ArrayBuffer {
  const b = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export function kubeconfigYaml(server: string, caCert: string, token: string, name = 'kubesvc'): string {
  const ca = Buffer.from(caCert).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${name}-admin`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}-admin`,
    '    namespace: default',
    `current-context: ${name}`,
    'preferences: {}',
    '',
  ].join('\n');
}
