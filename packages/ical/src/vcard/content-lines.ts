/** One parameter of a content line; repeated names and comma lists both end up in `values`. */
export interface VcardParam {
  /** Upper-case parameter name (`TYPE`, `ENCODING`). */
  readonly name: string;
  /** Values as written, unquoted. */
  readonly values: readonly string[];
}

/**
 * One unfolded vCard content line (RFC 6350 §3.3, RFC 2426 §4): `group.NAME;params:value`.
 * The value stays as written (escaped), so lines the server does not touch keep the client's bytes.
 */
export interface VcardLine {
  /** The group prefix (`item1` of `item1.EMAIL`), or undefined. */
  readonly group: string | undefined;
  /** Upper-case property name. */
  readonly name: string;
  readonly params: readonly VcardParam[];
  /** The raw (escaped) value. */
  readonly value: string;
}

/** Unfolds content lines (RFC 6350 §3.2): CRLF or LF followed by a space or tab continues the line. */
export function unfoldLines(text: string): string[] {
  return text
    .replace(/\r?\n[ \t]/g, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
}

function splitParams(text: string): VcardParam[] {
  const params: VcardParam[] = [];
  let i = 0;
  while (i < text.length) {
    // text[i] is ';' here
    const eq = text.indexOf('=', i + 1);
    const next = text.indexOf(';', i + 1);
    if (eq === -1 || (next !== -1 && next < eq)) {
      // vCard 2.1-style bare parameter (`;HOME`): a TYPE value
      const end = next === -1 ? text.length : next;
      params.push({ name: 'TYPE', values: [text.slice(i + 1, end)] });
      i = end;
      continue;
    }
    const name = text.slice(i + 1, eq).toUpperCase();
    const values: string[] = [];
    let j = eq + 1;
    for (;;) {
      if (text[j] === '"') {
        const close = text.indexOf('"', j + 1);
        const end = close === -1 ? text.length : close;
        values.push(text.slice(j + 1, end));
        j = end + 1;
      } else {
        let end = j;
        while (end < text.length && text[end] !== ',' && text[end] !== ';') end++;
        values.push(text.slice(j, end));
        j = end;
      }
      if (text[j] === ',') {
        j++;
        continue;
      }
      break;
    }
    params.push({ name, values });
    i = j;
  }
  return params;
}

/** Splits one unfolded content line; returns undefined for a line without a colon. */
export function parseLine(line: string): VcardLine | undefined {
  let inQuotes = false;
  let colon = -1;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') inQuotes = !inQuotes;
    else if (ch === ':' && !inQuotes) {
      colon = i;
      break;
    }
  }
  if (colon === -1) return undefined;
  const head = line.slice(0, colon);
  const semicolon = head.indexOf(';');
  const fullName = semicolon === -1 ? head : head.slice(0, semicolon);
  const dot = fullName.indexOf('.');
  return {
    group: dot === -1 ? undefined : fullName.slice(0, dot),
    name: (dot === -1 ? fullName : fullName.slice(dot + 1)).toUpperCase(),
    params: semicolon === -1 ? [] : splitParams(head.slice(semicolon)),
    value: line.slice(colon + 1),
  };
}

/** The content lines of a vCard text, unfolded and split. */
export function parseLines(text: string): VcardLine[] {
  return unfoldLines(text).flatMap((l) => parseLine(l) ?? []);
}

const needsQuotes = (value: string): boolean => /[;:,]/.test(value);

/** Folds a line at 75 octets without splitting a UTF-8 sequence (RFC 6350 §3.2). */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of line) {
    const bytes = Buffer.byteLength(ch, 'utf8');
    if (size + bytes > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += bytes;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** Writes a content line back, folded. */
export function formatLine(line: VcardLine): string {
  const params = line.params
    .map((p) => `;${p.name}=${p.values.map((v) => (needsQuotes(v) ? `"${v}"` : v)).join(',')}`)
    .join('');
  return foldLine(`${line.group ? `${line.group}.` : ''}${line.name}${params}:${line.value}`);
}

/** Values of one parameter, across repetitions and comma lists. */
export function paramValues(line: VcardLine, name: string): string[] {
  return line.params.filter((p) => p.name === name).flatMap((p) => p.values);
}

/** Decodes a text value's escapes (RFC 6350 §3.4): `\n`, `\,`, `\;`, `\\`. */
export function unescapeText(value: string): string {
  return value.replace(/\\([nN,;\\])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}
