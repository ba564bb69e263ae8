import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';

/**
 * The certificate and key to serve HTTPS with: the configured files, or a self-signed
 * pair made once with `openssl` under the data directory, for trials (Windows sends Basic
 * credentials only over HTTPS).
 */
export function loadTls(config: Config, hostname: string): { cert: Buffer; key: Buffer } | undefined {
  if (config.tls === undefined) return undefined;
  if (config.tls !== 'self-signed') {
    return { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };
  }
  const dir = join(config.dataDir, 'tls');
  const certFile = join(dir, 'self-signed.crt');
  const keyFile = join(dir, 'self-signed.key');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const name = hostname.replace(/[^a-zA-Z0-9.-]/g, '') || 'localhost';
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '825',
        '-keyout', keyFile, '-out', certFile, '-subj', `/CN=${name}`,
        '-addext', `subjectAltName=DNS:${name},DNS:localhost,IP:127.0.0.1`,
      ],
      { stdio: 'ignore' },
    );
  }
  return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
}
