import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'packages', 'server', 'dist', 'cli.js');
let dataDir: string;
let file: string;

async function partage(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      env: { ...process.env, PARTAGE_DATA_DIR: dataDir, PARTAGE_LOG_LEVEL: 'silent', DATABASE_URL: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }; // execFile's error carries the exit code and output
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const event = (uid: string, day: number) =>
  ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261101T000000Z', `DTSTART:202612${String(day).padStart(2, '0')}T100000Z`, `SUMMARY:event ${uid}`, 'END:VEVENT'];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'partage-import-'));
  file = join(dataDir, 'agenda.ics');
  writeFileSync(
    file,
    ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...event('e1', 1), ...event('e2', 2), 'BEGIN:VTODO', 'UID:t1', 'DTSTAMP:20261101T000000Z', 'END:VTODO', 'END:VCALENDAR', ''].join('\r\n'),
  );
  expect((await partage('user', 'add', 'import@iw.test', '--password', 'import password')).code).toBe(0);
}, 60_000);
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('partage import and export', () => {
  it('imports each object, reports the rejected one and why, and resumes on a re-run', async () => {
    const first = await partage('import', file, '--to', 'import@iw.test/Calendar');
    expect(first.code).toBe(3);
    expect(first.stdout).toContain('rejected t1: 403 supported-calendar-component');
    expect(first.stdout).toContain('2 imported, 0 already present, 1 rejected');
    expect(first.stderr).toContain('importing');
    const again = await partage('import', file, '--to', 'import@iw.test/Calendar');
    expect(again.stdout).toContain('0 imported, 2 already present, 1 rejected');
  }, 60_000);

  it('imports nothing with --all-or-nothing when an object is rejected', async () => {
    const result = await partage('import', file, '--to', 'import@iw.test/Notes', '--all-or-nothing');
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('nothing imported');
    const exported = await partage('export', 'import@iw.test/Notes');
    expect(exported.stdout).not.toContain('BEGIN:VEVENT');
  }, 60_000);

  it('exports the calendar as one iCalendar file', async () => {
    const output = join(dataDir, 'out.ics');
    expect((await partage('export', 'import@iw.test/Calendar', '--output', output)).code).toBe(0);
    const exported = await partage('export', 'import@iw.test/Calendar');
    expect(exported.stdout).toMatch(/^BEGIN:VCALENDAR/);
    expect(exported.stdout).toContain('UID:e1');
    expect(exported.stdout).toContain('UID:e2');
  }, 60_000);
});

describe('partage share', () => {
  it('grants, lists and revokes from the command line', async () => {
    expect((await partage('user', 'add', 'sharee@iw.test', '--password', 'sharee password')).code).toBe(0);
    const granted = await partage('share', 'grant', 'import@iw.test/Calendar', 'sharee@iw.test', '--rights', 'read-write');
    expect(granted.code).toBe(0);
    const listed = await partage('share', 'list', 'import@iw.test');
    expect(listed.stdout).toContain('Calendar\tsharee@iw.test\tread,create,modify,delete');
    expect((await partage('share', 'grant', 'import@iw.test', '@iw.test', '--rights', 'none')).code).toBe(0);
    expect((await partage('share', 'list', 'import@iw.test')).stdout).toContain('(whole account)\t@iw.test\t(denied)');
    expect((await partage('share', 'revoke', 'import@iw.test/Calendar', 'sharee@iw.test')).code).toBe(0);
    expect((await partage('share', 'list', 'import@iw.test')).stdout).not.toContain('sharee@iw.test');
    const unknown = await partage('share', 'grant', 'import@iw.test/Nope', 'sharee@iw.test', '--rights', 'read-only');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no folder Nope');
  }, 90_000);
});
