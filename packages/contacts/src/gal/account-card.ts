import { createHash } from 'node:crypto';

/** What a generated card shows of an account. */
export interface CardAccount {
  readonly email: string;
  readonly displayName: string | null;
  readonly kind: string;
}

/** vCard text escaping (RFC 6350 §3.4, the same in 3.0). */
const escapeText = (value: string): string => value.replace(/[\\,;]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');

/**
 * The stable UID of an account's generated card: a name-based UUID (RFC 4122 §4.3, SHA-1)
 * of its email, so that the directory, the members-in-GAL card and a client's copy agree.
 *
 * @example accountCardUid('jean@iw.fr') // 'urn:uuid:…'
 */
export function accountCardUid(email: string): string {
  const hex = createHash('sha1').update(`partage:account:${email}`).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The vCard 3.0 of an account as the directory and members-in-GAL groups show it: FN is the
 * display name or else the email, EMAIL the address, UID {@link accountCardUid}. 3.0 because
 * iOS and macOS read it natively; clients asking for 4.0 get it converted.
 */
export function accountCard(account: CardAccount): string {
  const name = account.displayName?.trim() || account.email;
  const lines = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    'PRODID:-//Partage//GAL//EN',
    `UID:${accountCardUid(account.email)}`,
    `FN:${escapeText(name)}`,
    `N:${escapeText(name)};;;;`,
    `EMAIL;TYPE=INTERNET:${account.email}`,
    ...(account.kind === 'group' ? ['X-ADDRESSBOOKSERVER-KIND:group'] : []),
    'END:VCARD',
    '',
  ];
  return lines.join('\r\n');
}

/** A strong ETag for generated text (RFC 7232 §2.3). */
export const etagOfText = (text: string): string => `"${createHash('sha256').update(text).digest('hex').slice(0, 40)}"`;
