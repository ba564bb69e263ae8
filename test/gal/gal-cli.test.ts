import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `partage gal …` and `group add --members-in-gal` on the embedded store. */
const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'packages', 'server', 'dist', 'cli.js');
let dataDir = '';

function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
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
  dataDir = await mkdtemp(join(tmpdir(), 'partage-gal-cli-'));
}, 180_000);
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('partage gal', () => {
  it('enables, lists and disables a GAL', async () => {
    expect((await run(['user', 'add', 'annuaire@cli.test', '--password', 'a long password'])).code).toBe(0);
    expect(await run(['gal', 'enable', 'annuaire@cli.test/Contacts'])).toMatchObject({ code: 0, stdout: 'annuaire@cli.test/Contacts is a GAL\n' });
    expect(await run(['gal', 'list'])).toMatchObject({ code: 0, stdout: 'annuaire@cli.test/Contacts\n' });
    expect(await run(['gal', 'disable', 'annuaire@cli.test/Contacts'])).toMatchObject({ code: 0, stdout: 'annuaire@cli.test/Contacts is no longer a GAL\n' });
    expect(await run(['gal', 'list'])).toMatchObject({ code: 0, stdout: '' });
    const missing = await run(['gal', 'enable', 'annuaire@cli.test/Nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no folder Nope');
  }, 120_000);

  it('adds a group whose members are in the GAL', async () => {
    const added = await run(['group', 'add', 'equipe@cli.test', '--member', 'annuaire@cli.test', '--members-in-gal']);
    expect(added).toMatchObject({ code: 0, stdout: 'group equipe@cli.test added\n' });
    expect(await run(['gal', 'list'])).toMatchObject({ code: 0, stdout: 'equipe@cli.test/Contacts\n' });
  }, 120_000);

  it('renames a member and turns members in the GAL off and on, the member cards following', async () => {
    const cards = async () => (await run(['export', 'equipe@cli.test/Contacts'])).stdout;
    expect(await cards()).toContain('EMAIL;TYPE=INTERNET:annuaire@cli.test');
    expect(await run(['user', 'set', 'annuaire@cli.test', '--display-name', 'Annuaire Central'])).toMatchObject({ code: 0, stdout: 'annuaire@cli.test updated\n' });
    expect(await cards()).toContain('FN:Annuaire Central');
    expect(await run(['group', 'set', 'equipe@cli.test', '--no-members-in-gal'])).toMatchObject({ code: 0, stdout: 'equipe@cli.test updated\n' });
    expect(await cards()).not.toContain('BEGIN:VCARD');
    expect(await run(['group', 'set', 'equipe@cli.test', '--members-in-gal'])).toMatchObject({ code: 0 });
    expect(await cards()).toContain('FN:Annuaire Central');
    const notGroup = await run(['group', 'set', 'annuaire@cli.test', '--members-in-gal']);
    expect(notGroup.code).toBe(2);
    expect(notGroup.stderr).toContain('not a group');
    expect((await run(['user', 'set', 'annuaire@cli.test'])).code).toBe(2);
  }, 300_000);
});
