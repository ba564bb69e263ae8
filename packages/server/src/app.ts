import express, { type NextFunction, type Request, type Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DavServer } from '@partage/dav-core';
import type { AccountRow } from '@partage/storage';
import type { Logger } from 'pino';
import type { AccountService } from './accounts.js';
import type { ShareService } from '@partage/sharing';
import type { Authenticator } from './authenticator.js';
import type { GalService } from './gal-service.js';
import { clientAddress } from './client-address.js';
import type { Config } from './config.js';
import { davHandler } from './dav-handler.js';
import type { Metrics } from './metrics.js';
import { createApiRouter } from './api/api-router.js';
import { homePage } from './home-page.js';
import { subscribeFromLink } from './invitation-page.js';

/** What the HTTP layer needs from the composition root. */
export interface AppServices {
  readonly config: Config;
  readonly dav: DavServer;
  readonly accounts: AccountService;
  readonly sharing: ShareService;
  /** The GAL's REST calls (autocomplete, flags); absent, they answer 404. */
  readonly gal?: GalService;
  readonly authenticator: Authenticator;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly isReady: () => boolean;
}

const realm = 'Basic realm="Partage", charset="UTF-8"';

/** Node's request listener: what `http.createServer` takes. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** `/webdav` and what is under it, the paths DAV answers without express. */
const isDavPath = (url: string): boolean => url.startsWith('/webdav') && (url.length === 7 || url[7] === '/' || url[7] === '?');

/** A short plain-text answer, written with Node's response only. */
function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * The server's request listener: DAV under `/webdav` is dispatched straight to dav-core (with
 * Node's own request and response: express's router and its per-request state cost time and
 * memory on every card and event), everything else to express: the REST API, health, metrics,
 * the invitation links and the web page.
 */
export function createApp(services: AppServices): RequestListener {
  const { config, logger, metrics, authenticator } = services;

  /** Counts the request in the metrics and logs it when it ends. */
  const observe = (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    const path = req.url;
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      metrics.record(req.method ?? '', res.statusCode, ms);
      const level = res.statusCode >= 500 ? 'error' : 'debug';
      if (logger.isLevelEnabled(level)) {
        logger[level]({ method: req.method, path, status: res.statusCode, ms: Math.round(ms) }, 'request');
      }
    });
  };

  /** Answers an error no handler answered: 4xx for malformed input, otherwise 500 and a log line. */
  const answerError = (error: unknown, req: IncomingMessage, res: ServerResponse): void => {
    const status = clientErrorStatus(error);
    if (status !== undefined) {
      // Malformed input refused on the way (a bad percent-encoding, a JSON body that does not parse).
      if (!res.headersSent) sendText(res, status, `${status === 413 ? 'request too large' : 'bad request'}\n`);
      return;
    }
    logger.error({ err: error, method: req.method, path: req.url }, 'unhandled error');
    if (!res.headersSent) sendText(res, 500, 'internal server error\n');
    else res.destroy();
  };

  /** Authenticates a request; answers 401/429 itself and resolves undefined then. */
  const authenticate = async (req: IncomingMessage, res: ServerResponse): Promise<AccountRow | undefined> => {
    const result = await authenticator.authenticate(req.headers.authorization, clientAddress(req, config.trustedProxies));
    switch (result.kind) {
      case 'ok':
        return result.account;
      case 'blocked':
        sendText(res, 429, 'too many failed logins; try again later\n', { 'retry-after': String(result.retryAfterSeconds) });
        return undefined;
      case 'missing':
      case 'invalid':
        sendText(res, 401, 'authentication required\n', { 'www-authenticate': realm });
        return undefined;
    }
  };

  const dav = davHandler(services.dav, logger);
  const davRoute = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // The Windows mini-redirector probes with OPTIONS before it sends credentials.
    const account = req.method === 'OPTIONS' && !req.headers.authorization ? undefined : await authenticate(req, res);
    if (req.method !== 'OPTIONS' && !account) return;
    await dav(req, res, account);
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', false);
  app.set('query parser', 'simple');

  app.get('/healthz', (_req, res) => {
    if (services.isReady()) res.json({ status: 'ok' });
    else res.status(503).json({ status: 'starting' });
  });
  app.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4').send(metrics.render());
  });
  // RFC 6764 §5: 301 for reads; 307 for PROPFIND and the rest, so that the body follows the redirect
  // (python-requests drops it on a 301, and caldav 0.11 then finds no principal).
  app.all(['/.well-known/caldav', '/.well-known/carddav'], (req, res) => {
    res.redirect(req.method === 'GET' || req.method === 'HEAD' ? 301 : 307, '/webdav/');
  });

  app.use('/api/v1', createApiRouter({ ...services, authenticate }));

  // The links of invitation e-mails (SPEC §5): HTTP authentication as the invited account.
  app.get('/invitations/:id/subscribe', async (req, res, next) => {
    try {
      const account = await authenticate(req, res);
      if (account) await subscribeFromLink(req, res, account, services.sharing);
    } catch (error) {
      next(error);
    }
  });

  app.get('/', (req, res, next) => {
    if (req.headers.authorization) {
      next();
      return;
    }
    res.type('html').send(homePage(config));
  });
  app.all(/^\/$/, (req: Request, res: Response, next: NextFunction) => {
    davRoute(req, res).catch(next);
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    answerError(error, req, res);
  });

  return (req, res) => {
    observe(req, res);
    if (isDavPath(req.url ?? '')) {
      davRoute(req, res).catch((error: unknown) => {
        answerError(error, req, res);
      });
    } else {
      void app(req, res);
    }
  };
}

/** The 4xx status that express or body-parser attached to an error, if any. */
function clientErrorStatus(error: unknown): number | undefined {
  if (error instanceof URIError) return 400;
  if (typeof error === 'object' && error !== null && 'status' in error) {
    const status = error.status; // narrowed by the `in` check
    if (typeof status === 'number' && status >= 400 && status < 500) return status;
  }
  return undefined;
}
