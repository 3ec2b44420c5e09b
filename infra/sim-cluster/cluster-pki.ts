// The sim cluster's own certificates for what talks to a real kubelet or to an aggregated API: one CA, made once
// per data dir, signs the apiserver's kubelet client certificate (logs, exec, port-forward) and its front-proxy
// client certificate (the aggregation layer, e.g. metrics.k8s.io), the real node's kubelet serving certificate (its
// IP), and metrics-server's serving and kubelet client certificates. The kubelet trusts only this CA for clients
// and allows no anonymous requests, so pods on the node's bridge cannot use its API; metrics-server checks the
// kubelet's certificate against it (no --kubelet-insecure-tls). The CA's key is not kept: nothing else is signed.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { webcrypto, type webcrypto as WebCrypto } from 'node:crypto';
import { join } from 'node:path';
import { DAY_MS as DAY, KEY_ALGORITHM as ALGORITHM, pem, x509 } from '../../lib/x509.ts';
import { REAL_NODE_NAME, REAL_NODE_NETWORK, SECOND_NODE } from '../real-node/config.ts';

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

export interface ClusterCertificates {
  caFile: string;
  /** The apiserver's client certificate for kubelets. */
  kubeletClient: CertificateFiles;
  /** The apiserver's client certificate for aggregated APIs; its CN is the one allowed name. */
  frontProxyClient: CertificateFiles;
  /** The real node's kubelet, for its IP and name. */
  kubeletServing: CertificateFiles;
  /** metrics-server's HTTPS endpoint, for its Service name. */
  metricsServerServing: CertificateFiles;
  /** metrics-server's client certificate for the kubelet. */
  metricsServerClient: CertificateFiles;
}

export const FRONT_PROXY_CLIENT_NAME = 'front-proxy-client';
export const METRICS_SERVER_DNS_NAMES = ['metrics-server', 'metrics-server.kube-system', 'metrics-server.kube-system.svc'];

/** Where the certificates of the sim cluster whose credentials folder is `dir` are (made or not). */
export function clusterCertificatePaths(dir: string): ClusterCertificates {
  const pair = (name: string): CertificateFiles => ({ certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) });
  return {
    caFile: join(dir, 'cluster-ca.crt'),
    kubeletClient: pair('kubelet-client'),
    frontProxyClient: pair('front-proxy-client'),
    kubeletServing: pair('kubelet-serving'),
    metricsServerServing: pair('metrics-server-serving'),
    metricsServerClient: pair('metrics-server-client'),
  };
}

type Usage = 'client' | 'server';

/** `dir` is the sim cluster's credentials folder. Makes every certificate anew when any is missing. */
export async function ensureClusterCertificates(dir: string): Promise<ClusterCertificates> {
  const paths = clusterCertificatePaths(dir);
  const { caFile, ...pairs } = paths;
  const files = [caFile, ...Object.values(pairs).flatMap((pair) => [pair.certFile, pair.keyFile])];
  if (files.every((file) => existsSync(file))) return paths;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const subtle = webcrypto.subtle;
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + 3650 * DAY);
  const caKeys = (await subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as WebCrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Failure Library cluster CA',
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    notBefore,
    notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const issue = async (files: CertificateFiles, commonName: string, usage: Usage, names: { dns?: string[]; ip?: string[] } = {}) => {
    const keys = (await subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as WebCrypto.CryptoKeyPair;
    const altNames = [
      ...(names.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(names.ip ?? []).map((value) => ({ type: 'ip' as const, value })),
    ];
    const cert = await x509.X509CertificateGenerator.create({
      subject: `CN=${commonName}`,
      issuer: ca.subject,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: ALGORITHM,
      notBefore,
      notAfter,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([usage === 'client' ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth]),
        await x509.AuthorityKeyIdentifierExtension.create(ca, false),
        ...(altNames.length > 0 ? [new x509.SubjectAlternativeNameExtension(altNames)] : []),
      ],
    });
    writeFileSync(files.keyFile, pem('PRIVATE KEY', await subtle.exportKey('pkcs8', keys.privateKey)), { mode: 0o600 });
    writeFileSync(files.certFile, cert.toString('pem') + '\n');
  };
  await issue(pairs.kubeletClient, 'kube-apiserver-kubelet-client', 'client');
  await issue(pairs.frontProxyClient, FRONT_PROXY_CLIENT_NAME, 'client');
  // One serving certificate for the real nodes' kubelets: the first node's and the second pool's (SECOND_NODE).
  await issue(pairs.kubeletServing, REAL_NODE_NAME, 'server', {
    dns: [REAL_NODE_NAME, SECOND_NODE.name],
    ip: [REAL_NODE_NETWORK.nodeIp, SECOND_NODE.network.nodeIp],
  });
  await issue(pairs.metricsServerServing, 'metrics-server', 'server', { dns: METRICS_SERVER_DNS_NAMES });
  await issue(pairs.metricsServerClient, 'metrics-server', 'client');
  writeFileSync(caFile, ca.toString('pem') + '\n');
  return paths;
}
