// Keys and tokens the simulated cluster needs: an admin token and a service-account signing key pair,
// so TokenRequest (scoped, expiring participant credentials) works as on a real cluster.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SimCredentials {
  adminToken: string;
  tokenFile: string;
  serviceAccountPublicKey: string;
  serviceAccountPrivateKey: string;
}

/** Creates the credentials once per data dir and reuses them, so a restarted cluster keeps its tokens valid. */
export function ensureCredentials(dir: string): SimCredentials {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tokenFile = join(dir, 'tokens.csv');
  const serviceAccountPublicKey = join(dir, 'sa.pub');
  const serviceAccountPrivateKey = join(dir, 'sa.key');
  if (!existsSync(serviceAccountPrivateKey)) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(serviceAccountPublicKey, publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(serviceAccountPrivateKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  if (!existsSync(tokenFile)) {
    const token = randomBytes(24).toString('hex');
    writeFileSync(tokenFile, `${token},failurelib-admin,failurelib-admin,"system:masters"\n`, { mode: 0o600 });
  }
  const adminToken = readFileSync(tokenFile, 'utf8').split(',')[0] ?? '';
  return { adminToken, tokenFile, serviceAccountPublicKey, serviceAccountPrivateKey };
}
