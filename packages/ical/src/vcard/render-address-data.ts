import { foldLine, parseLine, unfoldLines } from './content-lines.js';
import { convertVcard } from './convert-vcard.js';
import type { VcardVersion } from './vcard-values.js';

/** A CARDDAV:address-data request (RFC 6352 §10.4): a version, and optionally some properties only. */
export interface AddressDataRequest {
  /** The version to answer in; undefined keeps the stored one. */
  readonly version?: VcardVersion | undefined;
  /** Properties to return (`CARDDAV:prop`); undefined means all of them (`allprop`). */
  readonly props?: readonly { readonly name: string; readonly noValue: boolean }[] | undefined;
}

/** Whether a request asks for anything but the stored bytes. */
export const transformsAddressData = (request: AddressDataRequest): boolean =>
  request.version !== undefined || request.props !== undefined;

/**
 * Renders stored vCard text for `address-data` (RFC 6352 §10.4) or a GET with a version:
 * converted to the requested version, then reduced to the requested properties (BEGIN, END and
 * VERSION always stay; `novalue="yes"` keeps the property with an empty value).
 *
 * @example
 * renderAddressData(card, { version: '4.0', props: [{ name: 'FN', noValue: false }] });
 */
export function renderAddressData(text: string, request: AddressDataRequest): string {
  const converted = request.version === undefined ? text : convertVcard(text, request.version);
  const props = request.props;
  if (props === undefined) return converted;
  const wanted = new Map(props.map((p) => [p.name.toUpperCase(), p.noValue]));
  const out: string[] = [];
  for (const raw of unfoldLines(converted)) {
    const line = parseLine(raw);
    if (!line) continue;
    if (line.name === 'BEGIN' || line.name === 'END' || line.name === 'VERSION') {
      out.push(raw);
      continue;
    }
    const noValue = wanted.get(line.name);
    if (noValue === undefined) continue;
    out.push(noValue ? foldLine(raw.slice(0, raw.length - line.value.length)) : foldLine(raw));
  }
  return `${out.join('\r\n')}\r\n`;
}
