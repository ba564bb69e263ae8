import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { pipeline } from 'node:stream/promises';
import type { DavServer, Principal } from '@partage/dav-core';
import type { AccountRow } from '@partage/storage';
import type { Logger } from 'pino';
import { principalHref } from './principals.js';

/** The principal dav-core sees for an authenticated account. */
export const principalOf = (account: AccountRow): Principal => ({
  id: account.id,
  href: principalHref(account.email),
  name: account.email,
  isAdmin: account.isAdmin,
});

/**
 * Adapts a Node request to dav-core and writes its response, streaming bodies. It uses Node's
 * own request and response, not express's: DAV requests do not go through express's router.
 */
export function davHandler(dav: DavServer, logger: Logger) {
  return async (req: IncomingMessage, res: ServerResponse, account: AccountRow | undefined): Promise<void> => {
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const scheme = (req.socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http';
    const response = await dav.handle({
      method: req.method ?? 'GET',
      rawPath: req.url ?? '/',
      headers,
      body: req,
      origin: `${scheme}://${req.headers.host ?? 'localhost'}`,
      principal: account && principalOf(account),
    });
    res.statusCode = response.status;
    for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
    const body = response.body;
    if (body === undefined || req.method === 'HEAD') {
      res.end();
    } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
      if (!res.hasHeader('content-length')) res.setHeader('content-length', Buffer.byteLength(body));
      res.end(body);
    } else {
      try {
        await pipeline(body, res);
      } catch (error) {
        logger.warn({ err: error, path: req.url }, 'response stream ended early');
        res.destroy();
      }
    }
  };
}
