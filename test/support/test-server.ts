import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openTestDatabase } from '@partage/storage';
import { createPartage, loadConfig, type Logger, type Partage } from '@partage/server';

/** A server on an ephemeral port over a fresh test store (PGlite, or PostgreSQL with TEST_DATABASE_URL). */
export interface TestServer {
  readonly url: string;
  readonly partage: Partage;
  readonly server: Server;
  /** `Authorization` header value for an account created with `createUser`. */
  basic(email: string, password?: string): string;
  createUser(email: string, password?: string, extra?: { quotaBytes?: number; isAdmin?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export const defaultPassword = 'correct horse battery';

/** Starts a server in-process; call `stop()` in afterAll. */
export async function startTestServer(env: Record<string, string> = {}, options: { logger?: Logger } = {}): Promise<TestServer> {
  const database = await openTestDatabase();
  const config = loadConfig({ PARTAGE_PORT: '0', PARTAGE_LOG_LEVEL: 'silent', PARTAGE_LOGIN_MAX_FAILURES: '10', ...env });
  const partage = await createPartage(config, { database, ...options });
  const server = createServer(partage.app);
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo; // a TCP listener always has an AddressInfo
  partage.listeningAt(`http://127.0.0.1:${port}`);
  return {
    url: `http://127.0.0.1:${port}`,
    partage,
    server,
    basic: (email, password = defaultPassword) => `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`,
    createUser: async (email, password = defaultPassword, extra = {}) => {
      await partage.accounts.create({ email, password, ...extra });
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      await partage.close();
    },
  };
}
