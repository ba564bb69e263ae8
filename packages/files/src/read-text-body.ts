/**
 * Reads a text body (an iCalendar object, a vCard) within a size limit and as strict UTF-8:
 * `tooLarge` is thrown as soon as the limit is passed, `notText` for bytes that are not UTF-8
 * (RFC 5545 §3.1.4 and RFC 6350 §3.1 both require it) or that hold a NUL character (neither
 * format allows it in any value, and the store's text columns cannot keep it).
 */
export async function readTextBody(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
  errors: { readonly tooLarge: () => Error; readonly notText: () => Error },
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw errors.tooLarge();
    chunks.push(Buffer.from(chunk));
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.includes(0)) throw errors.notText();
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw errors.notText();
  }
}
