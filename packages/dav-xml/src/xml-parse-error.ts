/** A request body that is not acceptable XML; the DAV layer answers 400 (or 413 for size). */
export class XmlParseError extends Error {
  constructor(
    message: string,
    readonly reason: 'malformed' | 'doctype' | 'too-deep' | 'too-large' = 'malformed',
  ) {
    super(message);
    this.name = 'XmlParseError';
  }
}
