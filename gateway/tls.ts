// The gateway's TLS: the Failure Library's own CA and a server certificate it signs, made once per data
// dir and reused on restart, so kubeconfigs handed out before a restart keep working.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { webcrypto, type webcrypto as WebCrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { DAY_MS as DAY, KEY_ALGORITHM as ALGORITHM, pem, x509 } from '../lib/x509.ts';

type CryptoKey = WebCrypto.CryptoKey;
type CryptoKeyPair = WebCrypto.CryptoKeyPair;

export interface GatewayTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** DNS names and IPs the server certificate must cover: loopback plus the host of the public URL. */
export function certificateHosts(publicUrl: string | undefined): string[] {
  const hosts = new Set(['127.0.0.1', 'localhost']);
  if (publicUrl) hosts.add(new URL(publicUrl).hostname.replace(/^\[|\]$/g, ''));
  return [...hosts].sort();
}

interface Ca {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

async function createCa(): Promise<Ca & { keyPem: string }> {
  const subtle = webcrypto.subtle;
  const now = new Date(Date.now() - 60_000);
  const keys = (await subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Failure Library gateway CA',
    keys,
    signingAlgorithm: ALGORITHM,
    notBefore: now,
    notAfter: new Date(now.getTime() + 3650 * DAY),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, key: keys.privateKey, keyPem: pem('PRIVATE KEY', await subtle.exportKey('pkcs8', keys.privateKey)) };
}

async function loadCa(certPem: string, keyPem: string): Promise<Ca> {
  const der = Buffer.from(keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const key = await webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, false, ['sign']);
  return { cert: new x509.X509Certificate(certPem), key };
}

async function createServerCert(ca: Ca, hosts: string[]): Promise<{ certPem: string; keyPem: string }> {
  const subtle = webcrypto.subtle;
  const now = new Date(Date.now() - 60_000);
  const keys = (await subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=failurelib-gateway',
    issuer: ca.cert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: ALGORITHM,
    notBefore: now,
    notAfter: new Date(now.getTime() + 825 * DAY),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        hosts.map((host) => ({ type: isIP(host) ? ('ip' as const) : ('dns' as const), value: host })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: pem('PRIVATE KEY', await subtle.exportKey('pkcs8', keys.privateKey)) };
}

/**
 * Loads the CA (`ca.crt`, `ca.key`) from `dir` or creates it, and the server certificate (`server.crt`,
 * `server.key`), re-signed when the wanted hosts changed. Keys are written mode 0600.
 */
export async function loadOrCreateGatewayTls(dir: string, hosts: string[]): Promise<GatewayTls> {
  const paths = {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    cert: join(dir, 'server.crt'),
    key: join(dir, 'server.key'),
    hosts: join(dir, 'hosts.json'),
  };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const write = (path: string, text: string) => writeFileSync(path, text, { mode: 0o600 });
  let ca: Ca;
  let fresh = false;
  if (existsSync(paths.caCert) && existsSync(paths.caKey)) {
    ca = await loadCa(readFileSync(paths.caCert, 'utf8'), readFileSync(paths.caKey, 'utf8'));
  } else {
    const created = await createCa();
    write(paths.caKey, created.keyPem);
    write(paths.caCert, created.cert.toString('pem') + '\n');
    ca = created;
    fresh = true;
  }
  const wanted = JSON.stringify(hosts);
  const current = existsSync(paths.hosts) ? readFileSync(paths.hosts, 'utf8') : '';
  if (fresh || current !== wanted || !existsSync(paths.cert) || !existsSync(paths.key)) {
    const server = await createServerCert(ca, hosts);
    write(paths.key, server.keyPem);
    write(paths.cert, server.certPem);
    write(paths.hosts, wanted);
  }
  return { caPem: readFileSync(paths.caCert, 'utf8'), certPem: readFileSync(paths.cert, 'utf8'), keyPem: readFileSync(paths.key, 'utf8') };
}

/**
 * A certificate given to the gateway (a mounted kubernetes.io/tls Secret, by hand or from cert-manager): tls.crt
 * and tls.key, and ca.crt when its issuer is not publicly trusted. Without ca.crt kubeconfigs carry no CA.
 */
export function loadGivenGatewayTls(dir: string): GatewayTls {
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { caPem: existsSync(join(dir, 'ca.crt')) ? read('ca.crt') : '', certPem: read('tls.crt'), keyPem: read('tls.key') };
}
