import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `partage share public-folders` on the embedded store (SPEC §5: public folders listed with their rights). */
const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'packages', 'server', 'dist', 'cli.js');
let dataDir = '';

function partage(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('PARTAGE_') && name !== 'DATABASE_URL' && name !== 'NODE_OPTIONS'),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...env, PARTAGE_LOG_LEVEL: 'silent', PARTAGE_DATA_DIR: dataDir } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = await new Promise<number | null>((resolve) => spawn(process.execPath, [tsc, '-b', 'packages/server'], { cwd: root }).on('close', resolve));
  if (build !== 0) throw new Error('the build failed');
  dataDir = await mkdtemp(join(tmpdir(), 'partage-public-folders-cli-'));
}, 180_000);
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('partage share public-folders', () => {
  it('prints nothing while no group has a public folder', async () => {
    expect((await partage('user', 'add', 'secretariat@cli.test', '--password', 'a long password')).code).toBe(0);
    expect((await partage('group', 'add', 'equipe@cli.test', '--member', 'secretariat@cli.test')).code).toBe(0);
    expect(await partage('share', 'public-folders')).toMatchObject({ code: 0, stdout: '' });
  }, 240_000);

  it('lists each grant on each public folder, denials and the members\' implicit read included', async () => {
    expect((await partage('group', 'add', 'public@cli.test', '--public-folder', '--member', 'secretariat@cli.test')).code).toBe(0);
    expect((await partage('share', 'grant', 'public@cli.test', '@cli.test', '--rights', 'read-only')).code).toBe(0);
    expect((await partage('share', 'grant', 'public@cli.test/Calendar', 'secretariat@cli.test', '--rights', 'read-write')).code).toBe(0);
    expect((await partage('share', 'grant', 'public@cli.test/Documents', 'equipe@cli.test', '--rights', 'none')).code).toBe(0);
    const listed = await partage('share', 'public-folders');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n').filter((line) => line.startsWith('public@cli.test/Calendar\t') || line.startsWith('public@cli.test/Documents\t'))).toEqual([
      'public@cli.test/Calendar\tsecretariat@cli.test\tread,create,modify,delete\tCalendar',
      'public@cli.test/Calendar\t@cli.test\tread\t(whole account)',
      'public@cli.test/Calendar\tpublic@cli.test\tread\t(implicit, members)',
      'public@cli.test/Documents\tequipe@cli.test\t(denied)\tDocuments',
      'public@cli.test/Documents\t@cli.test\tread\t(whole account)',
      'public@cli.test/Documents\tpublic@cli.test\tread\t(implicit, members)',
    ]);
    expect(listed.stdout).toContain('public@cli.test/Notes\tpublic@cli.test\tread\t(implicit, members)\n');
    expect(listed.stdout).not.toContain('equipe@cli.test/');
  }, 240_000);
});
