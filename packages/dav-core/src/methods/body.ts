import { parseXml, XmlParseError, type XmlElement } from '@partage/dav-xml';
import { DavError } from '../dav-error.js';
import type { RequestContext } from '../request-context.js';
import type { DavServerContext } from '../server-context.js';

/** Reads an optional XML request body; empty means absent. Malformed or hostile XML is a 400 (413 when too large). */
export async function readXmlBody(ctx: RequestContext, server: DavServerContext): Promise<XmlElement | undefined> {
  const text = await ctx.readBody();
  if (text.trim() === '') return undefined;
  try {
    return parseXml(text, server.limits.xml);
  } catch (error) {
    if (error instanceof XmlParseError) {
      throw new DavError(error.reason === 'too-large' ? 413 : 400, undefined, error.message);
    }
    throw error;
  }
}

/** The Depth header (RFC 4918 §10.2), with the default the method gives. */
export function depthOf(ctx: RequestContext, fallback: '0' | '1' | 'infinity'): '0' | '1' | 'infinity' {
  const value = ctx.request.headers['depth']?.trim().toLowerCase();
  if (value === undefined) return fallback;
  if (value === '0' || value === '1' || value === 'infinity') return value;
  throw new DavError(400, undefined, `invalid Depth header: ${value}`);
}
