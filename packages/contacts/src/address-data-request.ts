import { childElements, type XmlElement } from '@partage/dav-xml';
import { isVcardVersion, type AddressDataRequest } from '@partage/ical';
import { contactsConditions } from './conditions.js';
import { carddav } from './names.js';

/** Reads a `CARDDAV:address-data` request element (RFC 6352 §10.4): content type, version, properties. */
export function parseAddressDataRequest(element: XmlElement | undefined): AddressDataRequest {
  if (!element) return {};
  const type = element.attributes['{}content-type']?.trim().toLowerCase();
  if (type !== undefined && type !== 'text/vcard') {
    throw contactsConditions.supportedAddressData(`address-data is only available as text/vcard, not ${type}`);
  }
  const version = element.attributes['{}version']?.trim();
  if (version !== undefined && !isVcardVersion(version)) {
    throw contactsConditions.supportedAddressData(`vCard ${version} is not available (3.0 and 4.0 are)`);
  }
  const children = childElements(element);
  const props = children.filter((c) => c.name === carddav('prop'));
  const isAll = children.some((c) => c.name === carddav('allprop')) || props.length === 0;
  return {
    version,
    props: isAll
      ? undefined
      : props.map((p) => ({ name: (p.attributes['{}name'] ?? '').toUpperCase(), noValue: p.attributes['{}novalue'] === 'yes' })),
  };
}

/**
 * The vCard version an `Accept` header asks for (`text/vcard; version=4.0`, RFC 6352 §6.2.2
 * through its media type parameter), or undefined to keep the stored one.
 */
export function acceptedVersion(accept: string | undefined): AddressDataRequest['version'] {
  if (!accept) return undefined;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    if (type !== 'text/vcard') continue;
    const version = params.find((p) => p.startsWith('version='))?.slice('version='.length).replace(/"/g, '');
    if (isVcardVersion(version)) return version;
  }
  return undefined;
}
