/**
 * Reads a text body (an iCalendar object, a vCard) within a size limit and as strict UTF-8:
 * `tooLarge` is thrown as soon as the limit is passed, `notUtf8` for bytes that are not
 * UTF-8 (RFC 5545 §3.1.4 and RFC 6350 §3.1 both require it).
 */
export async function readTextBody(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
  errors: { readonly tooLarge: () => Error; readonly notUtf8: () => Error },
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw errors.tooLarge();
    chunks.push(Buffer.from(chunk));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw errors.notUtf8();
  }
}
