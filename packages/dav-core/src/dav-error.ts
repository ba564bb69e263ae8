import { el, type ClarkName, type XmlElement } from '@partage/dav-xml';

/**
 * A failed DAV request: its status, the precondition or postcondition element that
 * explains it (RFC 4918 §16), and a human description. dav-core is the only code that
 * renders these (see `renderError`).
 *
 * @example throw new DavError(409, el(dav('propfind-finite-depth')))
 */
export class DavError extends Error {
  readonly condition: XmlElement | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly status: number,
    condition?: XmlElement | ClarkName,
    description?: string,
    headers: Record<string, string> = {},
  ) {
    super(description ?? `HTTP ${status}`);
    this.name = 'DavError';
    this.condition = typeof condition === 'string' ? el(condition) : condition;
    this.headers = headers;
  }
}
