import type { DavPath } from './dav-path.js';
import type { ActiveLock, Principal } from './ports.js';

/** A request as dav-core receives it from the HTTP adapter. */
export interface DavRequest {
  readonly method: string;
  /** The request target's path, still percent-encoded. */
  readonly rawPath: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: AsyncIterable<Uint8Array>;
  /** `https://host:port`, for absolute hrefs and Destination checks. */
  readonly origin: string;
  readonly principal: Principal | undefined;
}

/** What dav-core answers; the HTTP adapter writes it out. */
export interface DavResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer | NodeJS.ReadableStream | undefined;
}

/** Per-request state handed to every handler. */
export interface RequestContext {
  readonly request: DavRequest;
  readonly path: DavPath;
  readonly trailingSlash: boolean;
  readonly principal: Principal | undefined;
  /** Reads the request body as text, within the XML size limit. */
  readonly readBody: () => Promise<string>;
  /**
   * Locks prefetched for a listing: every lock at or below `root` and on its ancestors,
   * so that `lockdiscovery` on each member needs no query of its own.
   */
  lockScope?: { readonly root: string; readonly locks: readonly ActiveLock[] } | undefined;
  /**
   * Per-request caches that modules fill in bulk before rendering many resources (a
   * report prefetching the calendar data of its matches), keyed by the module's symbol.
   */
  readonly memo: Map<symbol, unknown>;
}
