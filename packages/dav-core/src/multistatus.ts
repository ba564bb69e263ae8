import { dav, el, writeXml, XmlDocumentWriter, type XmlElement, type XmlNode } from '@partage/dav-xml';
import type { DavResponse } from './request-context.js';

const reasons: Readonly<Record<number, string>> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 207: 'Multi-Status', 400: 'Bad Request', 401: 'Unauthorized',
  403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 412: 'Precondition Failed',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 423: 'Locked', 424: 'Failed Dependency',
  500: 'Internal Server Error', 502: 'Bad Gateway', 507: 'Insufficient Storage',
};

const statusLines = new Map<number, string>();

/** `HTTP/1.1 404 Not Found` for a `DAV:status` element. */
export function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${reasons[status] ?? ''}`.trimEnd();
    if (statusLines.size < 1_000) statusLines.set(status, line);
  }
  return line;
}

const response = dav('response');
const href_ = dav('href');
const propstat = dav('propstat');
const prop = dav('prop');
const status_ = dav('status');

/** A `DAV:response` carrying propstats grouped by status. */
export function propstatResponse(href: string, byStatus: ReadonlyMap<number, readonly XmlNode[]>): XmlElement {
  const children: XmlElement[] = [el(href_, [href])];
  for (const [status, props] of byStatus) children.push(el(propstat, [el(prop, props), el(status_, [statusLine(status)])]));
  return el(response, children);
}

/** A `DAV:response` with a single status (RFC 4918 §14.24), optionally with an error element. */
export function statusResponse(href: string, status: number, error?: XmlElement): XmlElement {
  return el(dav('response'), [
    el(dav('href'), [href]),
    el(dav('status'), [statusLine(status)]),
    error && el(dav('error'), [error]),
  ]);
}

/** A 207 Multi-Status response. */
export function multistatus(responses: readonly XmlElement[], extra: readonly XmlElement[] = []): DavResponse {
  const body = new MultistatusBody();
  for (const r of responses) body.add(r);
  return body.finish(extra);
}

/**
 * A 207 Multi-Status built one `DAV:response` at a time, each written out when added: a report
 * over thousands of members keeps their text, not all their element trees at once.
 */
export class MultistatusBody {
  readonly #writer = new XmlDocumentWriter(dav('multistatus'));

  add(response: XmlElement): void {
    this.#writer.add(response);
  }

  /** The response, with `extra` elements after the responses (a sync-token, say). */
  finish(extra: readonly XmlElement[] = []): DavResponse {
    for (const e of extra) this.#writer.add(e);
    return { status: 207, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: this.#writer.finish() };
  }
}

/** Any XML response body, in UTF-8. */
export function xmlResponse(status: number, root: XmlElement, headers: Record<string, string> = {}): DavResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml; charset=utf-8', ...headers },
    body: writeXml(root),
  };
}
