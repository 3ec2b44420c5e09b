// The credentials the apiserver shows a real kubelet (logs, exec, port-forward): a CA of its own and a client
// certificate it signs. The real node's kubelet trusts only that CA and allows no anonymous requests, so pods
// on the node's bridge cannot use the kubelet's API. Made once per data dir, like the other credentials.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { webcrypto, type webcrypto as WebCrypto } from 'node:crypto';
import { join } from 'node:path';
import { DAY_MS as DAY, KEY_ALGORITHM as ALGORITHM, pem, x509 } from '../../lib/x509.ts';

export interface KubeletClientCredentials {
  /** The CA the kubelet checks client certificates against (its `authentication.x509.clientCAFile`). */
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** Where the CA of a sim cluster started on `simDataDir` is (its kubeconfig's folder). */
export function kubeletClientCaFile(simDataDir: string): string {
  return join(simDataDir, 'credentials', 'kubelet-client-ca.crt');
}

/** `dir` is the sim cluster's credentials folder. */
export async function ensureKubeletClientCredentials(dir: string): Promise<KubeletClientCredentials> {
  const paths = {
    caFile: join(dir, 'kubelet-client-ca.crt'),
    certFile: join(dir, 'kubelet-client.crt'),
    keyFile: join(dir, 'kubelet-client.key'),
  };
  if (existsSync(paths.caFile) && existsSync(paths.certFile) && existsSync(paths.keyFile)) return paths;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const subtle = webcrypto.subtle;
  const now = new Date(Date.now() - 60_000);
  const caKeys = (await subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as WebCrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Failure Library kubelet client CA',
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    notBefore: now,
    notAfter: new Date(now.getTime() + 3650 * DAY),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keys = (await subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as WebCrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=kube-apiserver-kubelet-client',
    issuer: ca.subject,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALGORITHM,
    notBefore: now,
    notAfter: new Date(now.getTime() + 3650 * DAY),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(ca, false),
    ],
  });
  // The CA's key is not kept: nothing else is ever signed with it.
  writeFileSync(paths.keyFile, pem('PRIVATE KEY', await subtle.exportKey('pkcs8', keys.privateKey)), { mode: 0o600 });
  writeFileSync(paths.certFile, cert.toString('pem') + '\n');
  writeFileSync(paths.caFile, ca.toString('pem') + '\n');
  return paths;
}
