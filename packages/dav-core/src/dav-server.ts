import { dav, defaultXmlLimits, el, writeXml } from '@partage/dav-xml';
import { DavError } from './dav-error.js';
import { parseRequestPath } from './dav-path.js';
import type { DavModule } from './handlers.js';
import { coreModule } from './core-module.js';
import { Registry } from './registry.js';
import type { Authorizer, LockStore, ResourceTree } from './ports.js';
import type { DavRequest, DavResponse, RequestContext } from './request-context.js';
import type { DavLimits, DavServerContext } from './server-context.js';

/** How the server reports failures it did not expect; 4xx are the client's, 5xx ours. */
export interface DavLogger {
  info(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

/** Wiring of a DAV server (composition root, STYLE §1). */
export interface DavServerOptions {
  readonly tree: ResourceTree;
  readonly authorizer: Authorizer;
  readonly locks: LockStore;
  /** Modules besides the core WebDAV one. */
  readonly modules: readonly DavModule[];
  readonly limits?: Partial<DavLimits>;
  readonly principalCollections: readonly string[];
  readonly logger?: DavLogger;
}

/** A framework-free DAV request handler. */
export interface DavServer {
  handle(request: DavRequest): Promise<DavResponse>;
  readonly context: DavServerContext;
}

/** Renders a DavError: the condition element in a `DAV:error` body, else plain text (STYLE §4). */
export function renderError(error: DavError): DavResponse {
  if (error.condition) {
    return {
      status: error.status,
      headers: { 'content-type': 'application/xml; charset=utf-8', ...error.headers },
      body: writeXml(el(dav('error'), [error.condition, el('{http://sabredav.org/ns}message', [error.message])])),
    };
  }
  return {
    status: error.status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...error.headers },
    body: `${error.message}\n`,
  };
}

/**
 * Builds the request pipeline: path parsing, method dispatch through the registry, and
 * error rendering. Authorization happens inside, through the one `Authorizer`.
 *
 * @example
 * const dav = createDavServer({ tree, authorizer, locks, modules: [filesModule], principalCollections: ['/webdav/principals/'] });
 * const response = await dav.handle(request);
 */
export function createDavServer(options: DavServerOptions): DavServer {
  const registry = new Registry([coreModule, ...options.modules]);
  const limits: DavLimits = {
    xml: options.limits?.xml ?? defaultXmlLimits,
    maxLockSeconds: options.limits?.maxLockSeconds ?? 3600,
  };
  const context: DavServerContext = {
    registry,
    tree: options.tree,
    authorizer: options.authorizer,
    locks: options.locks,
    limits,
    principalCollections: options.principalCollections,
  };
  const logger = options.logger;

  async function handle(request: DavRequest): Promise<DavResponse> {
    try {
      const { segments, trailingSlash } = parseRequestPath(request.rawPath);
      let bodyRead: Promise<string> | undefined;
      const ctx: RequestContext = {
        request,
        path: segments,
        trailingSlash,
        principal: request.principal,
        readBody: () => (bodyRead ??= readText(request.body, limits.xml.maxBytes)),
        memo: new Map(),
      };
      const method = registry.method(request.method.toUpperCase());
      if (!method) {
        throw new DavError(405, undefined, `method ${request.method} is not allowed`, {
          allow: registry.methodNames().join(', '),
        });
      }
      return await method.run(ctx, context);
    } catch (error) {
      if (error instanceof DavError) {
        if (error.status >= 500) logger?.error({ err: error, method: request.method }, error.message);
        else logger?.info({ status: error.status, method: request.method, reason: error.message }, 'request refused');
        return renderError(error);
      }
      logger?.error({ err: error, method: request.method, path: request.rawPath }, 'unexpected failure');
      return renderError(new DavError(500, undefined, 'internal server error'));
    }
  }

  return { handle, context };
}

async function readText(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw new DavError(413, undefined, `request body larger than ${maxBytes} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
