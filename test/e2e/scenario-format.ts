/**
 * Recorded request sequences (`*.http`): blocks that start with `### title`, then the
 * request line, headers, a blank line, an optional body, and assertion lines starting
 * with `>`. `{{name}}` is replaced by a variable (`user`, `home`, or a captured value). A
 * scenario that mentions `{{sharee}}` gets a second account too: `sharee`, `shareeHome`,
 * and `shareeAuth` for the `Authorization` header of its requests.
 *
 *   > status 207
 *   > header etag ~ ^"[0-9a-f]+"$
 *   > body ~ <D:href>/webdav/
 *   > xml-count multistatus/response 3
 *   > xml-text multistatus/response/href ~ Documents/$
 *   > capture etag header etag
 *   > capture token header lock-token <(.*)>
 */
export interface Step {
  readonly title: string;
  readonly method: string;
  readonly path: string;
  readonly headers: readonly [string, string][];
  readonly body: string;
  readonly assertions: readonly string[];
}

export function parseScenario(text: string): Step[] {
  const steps: Step[] = [];
  for (const block of text.split(/^###/m).slice(1)) {
    const lines = block.split('\n');
    const title = (lines.shift() ?? '').trim();
    while (lines.length > 0 && (lines[0]?.trim() === '' || lines[0]?.startsWith('#'))) lines.shift();
    const requestLine = lines.shift() ?? '';
    const [method = '', path = ''] = requestLine.trim().split(/\s+/);
    const headers: [string, string][] = [];
    while (lines.length > 0 && lines[0]?.trim() !== '' && !lines[0]?.startsWith('>')) {
      const line = lines.shift() ?? '';
      const colon = line.indexOf(':');
      headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
    const bodyLines: string[] = [];
    const assertions: string[] = [];
    for (const line of lines) {
      if (line.startsWith('>')) assertions.push(line.slice(1).trim());
      else if (assertions.length === 0) bodyLines.push(line);
    }
    const body = bodyLines.join('\n').trim();
    steps.push({ title, method, path, headers, body: body === '' ? '' : `${body}\n`, assertions });
  }
  return steps;
}
