import { Readable } from 'node:stream';
import type { DavServer, Principal } from '@partage/dav-core';

/** A DAV answer, read whole. */
export interface DavReply {
  readonly status: number;
  readonly text: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Sends DAV requests as an administrator: in-process over an open store, or over HTTP to the running server. */
export interface DavTransport {
  send(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<DavReply>;
}

async function readAll(body: string | Buffer | NodeJS.ReadableStream | undefined): Promise<string> {
  if (body === undefined) return '';
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array)); // DAV bodies are byte streams
  return Buffer.concat(chunks).toString('utf8');
}

/** Requests handled by dav-core in this process, as `principal` (the CLI with the store open). */
export function inProcessTransport(dav: DavServer, principal: Principal): DavTransport {
  return {
    send: async (method, path, body, headers = {}) => {
      const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
      const response = await dav.handle({
        method,
        rawPath: path,
        headers: { host: 'localhost', ...lower },
        body: Readable.from(body === undefined ? [] : [Buffer.from(body, 'utf8')]),
        origin: 'http://localhost',
        principal,
      });
      return { status: response.status, text: await readAll(response.body), headers: response.headers };
    },
  };
}

/** Requests to a running server over HTTP with Basic credentials. */
export function httpTransport(url: string, user: string, password: string): DavTransport {
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return {
    send: async (method, path, body, headers = {}) => {
      const response = await fetch(url + path, {
        method,
        headers: { Authorization: authorization, ...headers },
        ...(body === undefined ? {} : { body }),
      });
      return { status: response.status, text: await response.text(), headers: Object.fromEntries(response.headers) };
    },
  };
}
