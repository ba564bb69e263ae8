import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig, startServer, type RunningServer } from '@partage/server';

let running: RunningServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'partage-tls-'));
  running = await startServer(
    loadConfig({
      PARTAGE_PORT: '0',
      PARTAGE_DATA_DIR: dataDir,
      PARTAGE_TLS_SELF_SIGNED: '1',
      PARTAGE_ADMIN_PASSWORD: 'tls admin password',
      PARTAGE_LOG_LEVEL: 'silent',
    }),
  );
});
afterAll(async () => {
  await running.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function get(path: string, method: string, headers: Record<string, string> = {}) {
  const url = new URL(running.url);
  return new Promise<{ status: number; headers: Record<string, unknown>; certificate: string }>((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, method, headers, rejectUnauthorized: false },
      (res) => {
        res.resume();
        // An https response arrives on a TLS socket; the `in` check guards against anything else.
        const certificate = 'getPeerCertificate' in res.socket ? JSON.stringify((res.socket as TLSSocket).getPeerCertificate().subject) : '';
        resolve({ status: res.statusCode ?? 0, headers: res.headers, certificate });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS with a self-signed certificate made on request', () => {
  it('serves OPTIONS over TLS with the DAV headers Windows needs', async () => {
    expect(running.url).toMatch(/^https:/);
    const response = await get('/', 'OPTIONS');
    expect(response.status).toBe(200);
    expect(response.headers['ms-author-via']).toBe('DAV');
    expect(existsSync(join(dataDir, 'tls', 'self-signed.crt'))).toBe(true);
    expect(response.certificate).toContain('CN');
  });

  it('accepts Basic credentials over TLS', async () => {
    const auth = `Basic ${Buffer.from('admin:tls admin password').toString('base64')}`;
    const response = await get('/webdav/admin@localhost/Documents/', 'PROPFIND', { Authorization: auth, Depth: '0' });
    expect(response.status).toBe(207);
  });
});
