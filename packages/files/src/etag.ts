/** A strong entity tag from the content's SHA-256: it changes exactly when the bytes change. */
export const etagFromSha256 = (sha256Hex: string): string => `"${sha256Hex.slice(0, 40)}"`;
