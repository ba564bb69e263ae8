import { readFile, writeFile } from 'node:fs/promises';
import { StoreBusyError } from '@partage/storage';
import { AccountService } from './accounts.js';
import { exportCalendar, importCalendar, type ImportReport } from './calendar-import.js';
import { createPartage, openStore } from './compose.js';
import { loadConfig } from './config.js';
import { principalOf } from './dav-handler.js';
import { httpTransport, inProcessTransport, type DavTransport } from './dav-transport.js';
import { createLogger } from './logger.js';

/** `email/folder` as the CLI takes it. */
export function parseTarget(value: string): { email: string; folder: string } {
  const slash = value.indexOf('/');
  if (slash < 0 || !value.slice(0, slash).includes('@') || slash === value.length - 1) {
    throw new Error(`expected <email>/<folder>, got ${value}`);
  }
  return { email: value.slice(0, slash).toLowerCase(), folder: value.slice(slash + 1).replace(/\/+$/, '') };
}

/**
 * Runs `work` with a DAV transport acting for the folder's owner: in-process over the
 * store, or through the running server's HTTP interface as the administrator.
 */
export async function withDavTransport<T>(ownerEmail: string, work: (transport: DavTransport) => Promise<T>): Promise<T> {
  const config = loadConfig();
  let database;
  try {
    database = await openStore(config);
  } catch (error) {
    if (!(error instanceof StoreBusyError)) throw error;
    const password = process.env['PARTAGE_ADMIN_PASSWORD'];
    if (!password) throw error;
    const url = process.env['PARTAGE_URL'] || `http://127.0.0.1:${process.env['PARTAGE_PORT'] || '8008'}`;
    console.error(`partage: a running server holds the store; going through ${url}`);
    return work(httpTransport(url, process.env['PARTAGE_ADMIN_USER'] || 'admin', password));
  }
  try {
    const partage = await createPartage(config, { database, logger: createLogger('silent') });
    const owner = await new AccountService(database.db, database.blobStore, { quotaBytes: undefined }).get(ownerEmail);
    return await work(inProcessTransport(partage.dav, principalOf(owner)));
  } finally {
    await database.close();
  }
}

/** Progress on standard error: a rewritten line on a terminal, a line every 10 % otherwise. */
export function progressPrinter(label: string): (done: number, total: number) => void {
  let lastTenth = -1;
  return (done, total) => {
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round((done / Math.max(1, total)) * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`);
      if (done === total) process.stderr.write('\n');
      return;
    }
    const tenth = Math.floor((done / Math.max(1, total)) * 10);
    if (tenth !== lastTenth || done === total) {
      lastTenth = tenth;
      process.stderr.write(`${label}: ${done}/${total}\n`);
    }
  };
}

/** `partage import FILE.ics --to email/folder`: prints what was imported, skipped and rejected (and why). */
export async function runImport(file: string, to: string, allOrNothing: boolean): Promise<ImportReport> {
  const target = parseTarget(to);
  const text = await readFile(file, 'utf8');
  const report = await withDavTransport(target.email, (transport) =>
    importCalendar(transport, target, text, { allOrNothing, onProgress: progressPrinter('importing') }),
  );
  for (const rejection of report.rejected) console.log(`rejected ${rejection.uid}: ${rejection.reason}`);
  console.log(
    report.rolledBack
      ? `nothing imported: ${report.rejected.length} object(s) rejected (all-or-nothing)`
      : `${report.imported} imported, ${report.skipped} already present, ${report.rejected.length} rejected`,
  );
  return report;
}

/** `partage export email/folder [--output FILE]`. */
export async function runExport(from: string, output: string | undefined): Promise<void> {
  const target = parseTarget(from);
  const text = await withDavTransport(target.email, (transport) => exportCalendar(transport, target));
  if (output) await writeFile(output, text);
  else process.stdout.write(text);
}
