/**
 * Thrown when a text cannot be stored as one address object resource (RFC 6352 §5.1, §6.3.2.1).
 * Carries no DAV words: the contacts module maps it to `CARDDAV:valid-address-data`.
 *
 * @example
 * try { parseVcard(body); }
 * catch (e) { if (e instanceof InvalidAddressData) throw contactsConditions.validAddressData(e.message); throw e; }
 */
export class InvalidAddressData extends Error {
  override readonly name = 'InvalidAddressData';
}
