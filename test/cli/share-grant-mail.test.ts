import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SMTPServer } from 'smtp-server';

/** `partage share grant` on the embedded store invites by e-mail too (SPEC §5), through an in-process SMTP sink. */
const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'packages', 'server', 'dist', 'cli.js');
let dataDir: string;
let smtpUrl: string;
const received: { to: string[]; raw: string }[] = [];
let sink: SMTPServer;

async function partage(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        PARTAGE_DATA_DIR: dataDir,
        PARTAGE_LOG_LEVEL: 'silent',
        DATABASE_URL: '',
        PARTAGE_SMTP_URL: smtpUrl,
        PARTAGE_PUBLIC_URL: 'https://dav.cli.test',
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }; // execFile's error carries the exit code and output
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => {
    sink.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  smtpUrl = `smtp://127.0.0.1:${String((sink.server.address() as AddressInfo).port)}`; // a TCP listener always has an AddressInfo
  dataDir = mkdtempSync(join(tmpdir(), 'partage-share-mail-'));
  for (const who of ['owner', 'sharee']) expect((await partage('user', 'add', `${who}@cli.test`, '--password', 'a long password')).code).toBe(0);
}, 300_000);
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await new Promise<void>((resolve) => {
    sink.close(() => {
      resolve();
    });
  });
});

describe('partage share grant', () => {
  it('sends the invitation e-mail, with links on the public address, before it exits', async () => {
    const granted = await partage('share', 'grant', 'owner@cli.test/Calendar', 'sharee@cli.test', '--rights', 'read-only');
    expect(granted.code).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0]?.to).toEqual(['sharee@cli.test']);
    const text = (received[0]?.raw ?? '').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    expect(text).toMatch(/Subscribe to this folder: https:\/\/dav\.cli\.test\/invitations\/\d+\/subscribe\?scope=folder/);
    expect(text).toMatch(/Subscribe to the account: https:\/\/dav\.cli\.test\/invitations\/\d+\/subscribe\?scope=account/);
    // Changing the grant sends nothing.
    expect((await partage('share', 'grant', 'owner@cli.test/Calendar', 'sharee@cli.test', '--rights', 'read-write')).code).toBe(0);
    expect(received).toHaveLength(1);
  }, 120_000);
});
