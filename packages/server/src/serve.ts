import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { createPartage, type Partage } from './compose.js';
import { loadTls } from './tls.js';

/** A running server. */
export interface RunningServer {
  readonly partage: Partage;
  readonly server: Server;
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts the server: opens the store, creates the administrator on first start (printing
 * a generated password once), and listens over HTTP or HTTPS.
 */
export async function startServer(config: Config): Promise<RunningServer> {
  const partage = await createPartage(config);
  const admin = await partage.accounts.bootstrapAdmin(config.adminEmail, config.adminPassword);
  if (admin.generatedPassword) {
    // Printed once, on standard output only, never to the logs.
    process.stdout.write(
      `\nPartage created the administrator "admin" (${config.adminEmail}).\nIts password, shown only this once: ${admin.generatedPassword}\n\n`,
    );
  } else if (admin.created) {
    partage.logger.info({ admin: config.adminEmail }, 'administrator created with PARTAGE_ADMIN_PASSWORD');
  }
  const tls = loadTls(config, config.host);
  const server = tls ? createHttpsServer(tls, partage.app) : createHttpServer(partage.app);
  // Large uploads (a drive mapped in Windows) may take long; only idle headers are timed.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      resolve();
    });
  });
  const address = server.address() as AddressInfo; // listen() on a TCP port always yields an AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${tls ? 'https' : 'http'}://${host}:${address.port}`;
  partage.listeningAt(url);
  partage.logger.info({ url, store: config.databaseUrl ? 'postgresql' : 'embedded' }, 'Partage is listening');
  return {
    partage,
    server,
    url,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      server.closeAllConnections();
      await partage.close();
    },
  };
}
