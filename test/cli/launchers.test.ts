import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
// The list the benchmarks start the server with (a plain module shared with bench/).
// @ts-expect-error: an .mjs module without type declarations
import { partageNodeArgs } from '../../bench/partage-node-args.mjs';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const run = promisify(execFile);

/** The node options of a command line: the words between `node` and the script. */
function optionsBefore(words: readonly string[], script: RegExp): string[] {
  const node = words.findIndex((w) => /(^|\/)node$/.test(w));
  const end = words.findIndex((w) => script.test(w));
  return node >= 0 && end > node ? words.slice(node + 1, end) : ['(no node command found)'];
}

// ADR 0021: every launcher of the server gives Node.js the same options, and the benchmarks
// measure the server started with them.
describe('launchers of the server', () => {
  const expected = partageNodeArgs as string[];

  it('the benchmarks name the young generation size', () => {
    expect(expected).toEqual(['--max-semi-space-size=32']);
  });

  it('`npm start` gives the same options', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['start'] ?? '';
    expect(optionsBefore(start.split(/\s+/), /cli\.js$/)).toEqual(expected);
  });

  it('the `partage` command (its shebang) gives the same options', () => {
    const shebang = read('packages/server/src/cli.ts').split('\n')[0] ?? '';
    expect(shebang.startsWith('#!/usr/bin/env -S ')).toBe(true);
    expect(shebang.slice('#!/usr/bin/env -S '.length).split(/\s+/).slice(1)).toEqual(expected);
    // tsc keeps the shebang in the compiled command
    expect(read('packages/server/dist/cli.js').split('\n')[0]).toBe(shebang);
  });

  it('the container image gives the same options', () => {
    const entrypoint = /^ENTRYPOINT\s+(\[.*\])$/m.exec(read('docker/Dockerfile'))?.[1];
    const words = JSON.parse(entrypoint ?? '[]') as string[];
    expect(optionsBefore(words, /cli\.js$/)).toEqual(expected);
  });

  it('node accepts the options', async () => {
    const { stdout } = await run(process.execPath, [...expected, '-e', 'console.log(require("v8").getHeapStatistics().total_available_size > 0)']);
    expect(stdout.trim()).toBe('true');
  });
});
