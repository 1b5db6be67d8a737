// The data directory's credentials: a CA, a serving certificate signed by it
// and an admin bearer token, created on first start and reused afterwards.
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

async function makeServing(ca: { certPem: string; key: CryptoKey }, ips: string[], dns: string[]): Promise<{ cert: string; key: string }> {
  const x509 = await loadX509();
  const caCert = new x509.X509Certificate(ca.certPem);
  const keys = (await crypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8).toString('hex'),
    subject: 'CN=kube-apiserver',
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

/** True when the PEM certificate names every wanted IP and DNS name. */
function coversNames(certPem: string, ips: string[], dns: string[]): boolean {
  const san = new NodeCert(certPem).subjectAltName ?? '';
  return ips.every((i) => san.includes(`IP Address:${i}`)) && dns.every((d) => san.includes(`DNS:${d}`));
}

/**
 * Loads or creates the credentials in dir. The serving certificate is reissued
 * (from the same CA) when it does not cover an address the server now listens on.
 */
export async function ensureCredentials(dir: string, ips: string[], extraDns: string[] = []): Promise<Credentials> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = (f: string): string => join(dir, f);
  const dns = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', ...extraDns];
  const wantIps = [...new Set(['127.0.0.1', ...ips])];
  let caCert: string, caKey: string;
  if (existsSync(p('ca.crt')) && existsSync(p('ca.key'))) {
    caCert = readFileSync(p('ca.crt'), 'utf8');
    caKey = readFileSync(p('ca.key'), 'utf8');
  } else {
    const ca = await makeCA();
    caCert = ca.cert.toString('pem') + '\n';
    caKey = await pemKey(ca.keys.privateKey);
    writeFileSync(p('ca.key'), caKey, { mode: 0o600 });
    writeFileSync(p('ca.crt'), caCert);
  }
  let cert: string, key: string;
  if (existsSync(p('apiserver.crt')) && existsSync(p('apiserver.key')) && coversNames(readFileSync(p('apiserver.crt'), 'utf8'), wantIps, dns)) {
    cert = readFileSync(p('apiserver.crt'), 'utf8');
    key = readFileSync(p('apiserver.key'), 'utf8');
  } else {
    const caPriv = await crypto.subtle.importKey('pkcs8', pemToDer(caKey), alg, false, ['sign']);
    ({ cert, key } = await makeServing({ certPem: caCert, key: caPriv }, wantIps, dns));
    writeFileSync(p('apiserver.key'), key, { mode: 0o600 });
    writeFileSync(p('apiserver.crt'), cert);
  }
  let token: string;
  if (existsSync(p('admin.token'))) token = readFileSync(p('admin.token'), 'utf8').trim();
  else {
    token = randomBytes(24).toString('hex');
    writeFileSync(p('admin.token'), token + '\n', { mode: 0o600 });
  }
  return { caCert, cert, key, token };
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
