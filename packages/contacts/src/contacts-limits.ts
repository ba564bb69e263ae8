/** Limits of address object resources (SPEC §7), reported as CardDAV properties. */
export interface ContactsLimits {
  /** `CARDDAV:max-resource-size` (RFC 6352 §6.2.3): 5 MiB by default, room for photos of several hundred kB. */
  readonly maxResourceBytes: number;
}

/** The defaults: 5 MiB per card. */
export const defaultContactsLimits: ContactsLimits = { maxResourceBytes: 5 * 1024 * 1024 };
