import { foldLine, formatLine, paramValues, parseLine, unfoldLines, type VcardLine, type VcardParam } from './content-lines.js';
import type { VcardVersion } from './vcard-values.js';

/** Binary properties: inline data in 3.0 (`ENCODING=b;TYPE=JPEG`), a `data:` URI in 4.0. */
const binaryProperties: Readonly<Record<string, string>> = { PHOTO: 'image', LOGO: 'image', SOUND: 'audio', KEY: 'application' };

/** Properties that vCard 4.0 names and vCard 3.0 only has as extensions (Apple's for groups). */
const renamedIn3: Readonly<Record<string, string>> = {
  KIND: 'X-ADDRESSBOOKSERVER-KIND',
  MEMBER: 'X-ADDRESSBOOKSERVER-MEMBER',
  ANNIVERSARY: 'X-ANNIVERSARY',
  GENDER: 'X-GENDER',
};
const renamedIn4: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(renamedIn3).map(([a, b]) => [b, a]));

/** Apple's year for a birthday without one (`BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12`). */
const omittedYear = '1604';

const without = (params: readonly VcardParam[], ...names: string[]): VcardParam[] => params.filter((p) => !names.includes(p.name));

function sniffImageType(base64: string): string | undefined {
  if (base64.startsWith('/9j/')) return 'jpeg';
  if (base64.startsWith('iVBOR')) return 'png';
  if (base64.startsWith('R0lGOD')) return 'gif';
  return undefined;
}

function binaryTo4(line: VcardLine, family: string): VcardLine {
  const encoding = paramValues(line, 'ENCODING')[0]?.toUpperCase();
  const rest = without(line.params, 'ENCODING', 'TYPE', 'VALUE');
  if (encoding !== 'B' && encoding !== 'BASE64') return { ...line, params: rest };
  const format = paramValues(line, 'TYPE')[0]?.toLowerCase() ?? (family === 'image' ? sniffImageType(line.value) : undefined) ?? 'octet-stream';
  const subtype = format === 'jpg' ? 'jpeg' : format;
  const mime = subtype.includes('/') ? subtype : `${subtype === 'octet-stream' ? 'application' : family}/${subtype}`;
  return { ...line, params: rest, value: `data:${mime};base64,${line.value.replace(/\s+/g, '')}` };
}

function binaryTo3(line: VcardLine): VcardLine {
  const data = /^data:([^;,]*)(;[^,]*)?,(.*)$/s.exec(line.value);
  const rest = without(line.params, 'VALUE', 'MEDIATYPE');
  if (!data || !(data[2] ?? '').toLowerCase().includes(';base64')) {
    return { ...line, params: [...rest, { name: 'VALUE', values: ['uri'] }] };
  }
  const subtype = (data[1] ?? '').split('/')[1]?.toUpperCase();
  return {
    ...line,
    params: [{ name: 'ENCODING', values: ['b'] }, ...(subtype ? [{ name: 'TYPE', values: [subtype] }] : []), ...rest],
    value: data[3] ?? '',
  };
}

/** TYPE values in 4.0 form: lower case, `pref` as PREF=1, no INTERNET on EMAIL (RFC 6350 §5.6, §6.4.2). */
function typesTo4(line: VcardLine): VcardLine {
  const types = paramValues(line, 'TYPE');
  if (types.length === 0 && !line.params.some((p) => p.name === 'CHARSET')) return line;
  const isPreferred = types.some((t) => t.toLowerCase() === 'pref');
  const kept = types.map((t) => t.toLowerCase()).filter((t) => t !== 'pref' && !(line.name === 'EMAIL' && t === 'internet'));
  const params = without(line.params, 'TYPE', 'CHARSET');
  if (kept.length > 0) params.push({ name: 'TYPE', values: kept });
  if (isPreferred) params.push({ name: 'PREF', values: ['1'] });
  return { ...line, params };
}

/** TYPE values in 3.0 form: upper case, PREF as `pref`, INTERNET on EMAIL (RFC 2426 §3.3.2). */
function typesTo3(line: VcardLine): VcardLine {
  const types = paramValues(line, 'TYPE');
  const isPreferred = line.params.some((p) => p.name === 'PREF');
  if (types.length === 0 && !isPreferred && line.name !== 'EMAIL') return line;
  const kept = types.map((t) => t.toUpperCase());
  if (line.name === 'EMAIL' && !kept.includes('INTERNET')) kept.unshift('INTERNET');
  if (isPreferred && !kept.includes('PREF')) kept.push('pref');
  return { ...line, params: [...without(line.params, 'TYPE', 'PREF'), { name: 'TYPE', values: kept }] };
}

function dateTo4(line: VcardLine): VcardLine {
  const params = without(line.params, 'X-APPLE-OMIT-YEAR', 'VALUE');
  const omitted = paramValues(line, 'X-APPLE-OMIT-YEAR')[0];
  const match = /^(\d{4})-?(\d{2})-?(\d{2})(T.*)?$/.exec(line.value);
  if (!match) return { ...line, params };
  const [, year = '', month = '', day = '', time = ''] = match;
  const date = omitted !== undefined && omitted === year ? `--${month}${day}` : `${year}${month}${day}`;
  return { ...line, params, value: date + time.replace(/:/g, '') };
}

function dateTo3(line: VcardLine): VcardLine {
  const params = without(line.params, 'VALUE', 'CALSCALE');
  const noYear = /^--(\d{2})(\d{2})$/.exec(line.value);
  if (noYear) {
    return { ...line, params: [...params, { name: 'X-APPLE-OMIT-YEAR', values: [omittedYear] }], value: `${omittedYear}-${noYear[1]}-${noYear[2]}` };
  }
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})?(\d{2})?(.*))?$/.exec(line.value);
  if (!match) return { ...line, params };
  const [, year, month, day, hour, minute = '00', second = '00', zone = ''] = match;
  const time = hour === undefined ? '' : `T${hour}:${minute}:${second}${zone}`;
  return { ...line, params, value: `${year}-${month}-${day}${time}` };
}

function lineTo4(line: VcardLine): VcardLine {
  const renamed = renamedIn4[line.name];
  if (renamed) return { ...line, name: renamed, value: renamed === 'KIND' ? line.value.toLowerCase() : line.value };
  const family = binaryProperties[line.name];
  if (family) return binaryTo4(line, family);
  if (line.name === 'BDAY' || line.name === 'ANNIVERSARY') return dateTo4(line);
  return typesTo4(line);
}

function lineTo3(line: VcardLine): VcardLine {
  const renamed = renamedIn3[line.name];
  if (renamed) return { ...line, name: renamed };
  if (binaryProperties[line.name]) {
    return /^(data:|https?:|ftp:|file:|cid:)/i.test(line.value) || line.params.some((p) => p.name === 'VALUE') ? binaryTo3(line) : line;
  }
  if (line.name === 'BDAY') return dateTo3(line);
  if (line.name === 'TEL') {
    const asUri = line.value.toLowerCase().startsWith('tel:');
    return typesTo3({ ...line, params: without(line.params, 'VALUE'), value: asUri ? line.value.slice(4) : line.value });
  }
  return typesTo3(line);
}

/**
 * Converts a vCard between 3.0 (RFC 2426, what iOS and macOS write) and 4.0 (RFC 6350):
 * inline photos (`PHOTO;ENCODING=b;TYPE=JPEG:` ↔ `PHOTO:data:image/jpeg;base64,`), Apple groups
 * (`X-ADDRESSBOOKSERVER-KIND`/`-MEMBER` ↔ `KIND`/`MEMBER`), TYPE=pref ↔ PREF=1, birthdays without
 * a year, and the 3.0 requirement of N. Lines that need no change keep their bytes (groups such
 * as `item1.EMAIL`, `X-ABLabel`, escaped and non-ASCII text). A card already in `target` is
 * returned unchanged.
 *
 * @example
 * convertVcard('BEGIN:VCARD\r\nVERSION:3.0\r\n...END:VCARD\r\n', '4.0');
 */
export function convertVcard(text: string, target: VcardVersion): string {
  const raws = unfoldLines(text);
  const parsed = raws.map((raw) => ({ raw, line: parseLine(raw) }));
  const current = parsed.find((p) => p.line?.name === 'VERSION')?.line?.value.trim();
  if (current === target) return text;
  const out: string[] = [];
  let hasN = false;
  let fn: string | undefined;
  let kind: string | undefined;
  for (const { raw, line } of parsed) {
    if (!line) {
      out.push(foldLine(raw));
      continue;
    }
    if (line.name === 'BEGIN') {
      out.push(foldLine(raw), `VERSION:${target}`);
      continue;
    }
    if (line.name === 'VERSION') continue;
    if (line.name === 'END' && target === '3.0' && !hasN) {
      // N is mandatory in 3.0 (RFC 2426 §3.1.2); Apple names a group in its family-name field.
      out.push(`N:${kind !== undefined && kind !== 'individual' ? (fn ?? '') : ''};;;;`);
    }
    if (line.name === 'N') hasN = true;
    if (line.name === 'FN') fn = line.value;
    if (line.name === 'KIND') kind = line.value.toLowerCase();
    const converted = target === '4.0' ? lineTo4(line) : lineTo3(line);
    out.push(converted === line ? foldLine(raw) : formatLine(converted));
  }
  return `${out.join('\r\n')}\r\n`;
}
