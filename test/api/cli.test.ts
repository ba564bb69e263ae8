import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'packages', 'server', 'dist', 'cli.js');
const adminPassword = 'the admin password';

/** The environment of a child: ours without Partage settings or jest's NODE_OPTIONS. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('PARTAGE_') && name !== 'DATABASE_URL' && name !== 'NODE_OPTIONS',
    ),
  );
  return { ...env, PARTAGE_LOG_LEVEL: 'silent', ...extra };
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end, feeding `input` on standard input. */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

const partage = (env: NodeJS.ProcessEnv, args: readonly string[], input?: string) =>
  run(process.execPath, [cli, ...args], env, input);

/**
 * Starts `partage serve` on port 0 and resolves the URL it logs once it listens; a port
 * picked beforehand could be taken by another process in between.
 */
function startServe(env: NodeJS.ProcessEnv): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(process.execPath, [cli, 'serve'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    server.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const url = /"url":"(http:\/\/[^"]+)"/.exec(buffered)?.[1];
      if (url) resolve({ server, url });
    });
    server.on('error', reject);
    server.on('exit', (code, signal) => {
      reject(
        new Error(
          `the server exited (code ${String(code)}, signal ${String(signal)}) before listening:\n${buffered}`,
        ),
      );
    });
  });
}

const dirs: string[] = [];

beforeAll(async () => {
  const build = await run(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/server'],
    childEnv({}),
  );
  if (build.code !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
}, 180_000);

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'partage-cli-'));
  dirs.push(dir);
  return dir;
}

describe('the partage CLI on the embedded store', () => {
  it('adds a user with --password-stdin, lists users and domains, and changes the password', async () => {
    const env = childEnv({ PARTAGE_DATA_DIR: await dataDir() });
    const added = await partage(
      env,
      ['user', 'add', 'alice@example.test', '--password-stdin'],
      'a long password\n',
    );
    expect(added).toMatchObject({ code: 0, stdout: 'user alice@example.test added\n' });
    expect(added.stdout + added.stderr).not.toContain('a long password');

    const users = await partage(env, ['user', 'list']);
    expect(users).toMatchObject({ code: 0, stdout: 'alice@example.test\tuser\n' });
    const domains = await partage(env, ['domain', 'list']);
    expect(domains).toMatchObject({ code: 0, stdout: 'example.test\n' });

    const changed = await partage(
      env,
      ['user', 'passwd', 'alice@example.test', '--password-stdin'],
      'another long password\n',
    );
    expect(changed).toMatchObject({ code: 0, stdout: 'password of alice@example.test changed\n' });
    const tooShort = await partage(env, ['user', 'passwd', 'alice@example.test', '--password', 'short']);
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toContain('at least 8 characters');
  }, 120_000);

  it('adds groups with members, resources and app passwords', async () => {
    const env = childEnv({ PARTAGE_DATA_DIR: await dataDir() });
    expect(
      (await partage(env, ['user', 'add', 'bob@example.test', '--password', 'a long password'])).code,
    ).toBe(0);
    const group = await partage(env, [
      'group',
      'add',
      'team@example.test',
      '--member',
      'bob@example.test',
      '--public-folder',
    ]);
    expect(group).toMatchObject({ code: 0, stdout: 'group team@example.test added\n' });
    expect(await partage(env, ['group', 'members', 'team@example.test'])).toMatchObject({
      code: 0,
      stdout: 'bob@example.test\n',
    });
    expect(await partage(env, ['resource', 'add', 'room@example.test'])).toMatchObject({
      code: 0,
      stdout: 'resource room@example.test added\n',
    });
    const token = await partage(env, ['user', 'app-password', 'bob@example.test', 'phone']);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^[0-9a-f]{32}\n$/);
    const notGroup = await partage(env, ['group', 'members', 'bob@example.test', 'room@example.test']);
    expect(notGroup.code).toBe(2);
  }, 120_000);
});

describe('the policy commands of the partage CLI', () => {
  it('sets domain policies, account overrides (SPEC §2) and server-path folders (SPEC §5)', async () => {
    const env = childEnv({ PARTAGE_DATA_DIR: await dataDir() });
    expect((await partage(env, ['user', 'add', 'erin@example.test', '--password', 'a long password'])).code).toBe(0);
    expect(await partage(env, ['domain', 'policy', 'example.test', '--webdav', 'off'])).toMatchObject({
      code: 0,
      stdout: 'example.test\tgroupware on\twebdav off\n',
    });
    expect(await partage(env, ['user', 'policy', 'erin@example.test', '--groupware', 'off'])).toMatchObject({
      code: 0,
      stdout: 'erin@example.test\tgroupware off (account)\twebdav off (domain)\n',
    });
    expect(await partage(env, ['user', 'policy', 'erin@example.test', '--groupware', 'inherit', '--webdav', 'on'])).toMatchObject({
      code: 0,
      stdout: 'erin@example.test\tgroupware on (domain)\twebdav on (account)\n',
    });
    const served = join(await dataDir(), 'served');
    await mkdir(served);
    const folder = await partage({ ...env, PARTAGE_SERVER_PATH_ROOTS: dirname(served) }, [
      'folder',
      'server-path',
      'erin@example.test',
      'Serveur',
      served,
      '--recursive',
    ]);
    expect(folder).toMatchObject({ code: 0, stdout: `folder erin@example.test/Serveur serves ${await realpath(served)} recursively\n` });
    const wrong = await partage(env, ['domain', 'policy', 'example.test', '--webdav', 'inherit']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--webdav takes on or off');
  }, 300_000);
});

describe('the partage CLI while a server holds the embedded store', () => {
  let server: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;
  let url: string;

  beforeAll(async () => {
    env = childEnv({ PARTAGE_DATA_DIR: await dataDir() });
    const started = await startServe({
      ...env,
      PARTAGE_PORT: '0',
      PARTAGE_LOG_LEVEL: 'info',
      PARTAGE_ADMIN_PASSWORD: adminPassword,
    });
    server = started.server;
    url = started.url;
    env = { ...env, PARTAGE_URL: url };
  }, 120_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
  });

  it('goes through the REST API with the administrator credentials', async () => {
    const withAdmin = { ...env, PARTAGE_ADMIN_PASSWORD: adminPassword };
    const added = await partage(
      withAdmin,
      ['user', 'add', 'carol@example.test', '--password-stdin'],
      'a long password\n',
    );
    expect(added).toMatchObject({ code: 0, stdout: 'user carol@example.test added\n' });
    expect(added.stderr).toContain(`using the REST API at ${url}`);

    const check = await fetch(`${url}/api/v1/accounts/carol@example.test`, {
      headers: {
        authorization: `Basic ${Buffer.from('carol@example.test:a long password').toString('base64')}`,
      },
    });
    expect(check.status).toBe(200);
    expect(await partage(withAdmin, ['user', 'policy', 'carol@example.test', '--webdav', 'off'])).toMatchObject({
      code: 0,
      stdout: 'carol@example.test\tgroupware on (domain)\twebdav off (account)\n',
    });
    const refused = await fetch(`${url}/webdav/carol@example.test/Documents/`, {
      method: 'PROPFIND',
      headers: { Depth: '0', authorization: `Basic ${Buffer.from('carol@example.test:a long password').toString('base64')}` },
    });
    expect(refused.status).toBe(403);
    expect(await partage(withAdmin, ['domain', 'policy', 'example.test', '--groupware', 'off'])).toMatchObject({
      code: 0,
      stdout: 'example.test\tgroupware off\twebdav on\n',
    });
    const users = await partage(withAdmin, ['user', 'list', '--domain', 'example.test']);
    expect(users).toMatchObject({ code: 0, stdout: 'carol@example.test\tuser\n' });
    const again = await partage(withAdmin, [
      'user',
      'add',
      'carol@example.test',
      '--password',
      'a long password',
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists already');
  }, 60_000);

  it('exits 2 saying that a server holds the store when it has no credentials', async () => {
    const refused = await partage(env, ['user', 'add', 'dave@example.test', '--password', 'a long password']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/a running server \(process \d+\) holds the embedded store/);
    expect(refused.stderr).toContain('PARTAGE_ADMIN_PASSWORD');
  }, 60_000);
});
