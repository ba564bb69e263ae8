import type { CompiledQuery, OperationNode } from 'kysely';
import type { WriteEffect } from '../read-cache.js';

/** Tables a raw SQL text writes to: `insert into t`, `update t`, `delete from t`, `merge into t`. */
const rawWrite = /\b(insert\s+into|update|delete\s+from|merge\s+into)\s+(?:"?[a-z_][a-z0-9_]*"?\s*\.\s*)?"?([a-z_][a-z0-9_]*)"?/gi;
/** Statements that change no table themselves. */
const noEffect = new Set(['SELECT', 'BEGIN', 'START', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'SET', 'SHOW', 'ANALYZE', 'VACUUM']);
// VACUUM reclaims dead rows and sets visibility bits: what a reader sees does not change.

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Name of the table a TableNode, or an AliasNode of one, refers to. */
function tableName(node: unknown): string | undefined {
  const n = node as { kind?: string; node?: unknown; table?: { identifier?: { name?: string } } } | undefined;
  if (n?.kind === 'AliasNode') return tableName(n.node);
  if (n?.kind === 'TableNode') {
    const name = n.table?.identifier?.name;
    return name === undefined ? undefined : snake(name);
  }
  return undefined;
}

interface Collected {
  inserted: Set<string>;
  updated: Set<string>;
  deleted: Set<string>;
  singleColumn: Set<string>;
  unknown: boolean;
}

function collect(node: unknown, into: Collected, depth = 0): void {
  if (node === null || typeof node !== 'object' || depth > 64) return;
  if (Array.isArray(node)) {
    for (const item of node) collect(item, into, depth + 1);
    return;
  }
  const n = node as OperationNode & Record<string, unknown>;
  const kind: string = n.kind; // any node kind: only the writing ones matter here
  switch (kind) {
    case 'InsertQueryNode':
    case 'MergeQueryNode': {
      const table = tableName(n['into']);
      if (table === undefined) into.unknown = true;
      else if (kind === 'InsertQueryNode' && n['onConflict'] === undefined) into.inserted.add(table);
      else {
        // An upsert may change existing rows as well as add new ones; a merge may delete them too.
        into.inserted.add(table);
        into.updated.add(table);
        if (kind === 'MergeQueryNode') into.deleted.add(table);
      }
      break;
    }
    case 'UpdateQueryNode': {
      const table = tableName(n['table']);
      const updates = (n['updates'] ?? []) as ReadonlyArray<{ column?: { column?: { name?: string } } }>;
      const columns = updates.map((u) => u.column?.column?.name);
      if (table === undefined) into.unknown = true;
      else {
        into.updated.add(table);
        // An update of one column is also reported as such, for readers that do not use that column.
        if (columns.length === 1 && columns[0] !== undefined) into.singleColumn.add(`${table}.${snake(columns[0])}`);
      }
      break;
    }
    case 'DeleteQueryNode': {
      const froms = ((n['from'] as { froms?: unknown[] } | undefined)?.froms ?? []).map(tableName);
      if (froms.length === 0 || froms.includes(undefined)) into.unknown = true;
      for (const table of froms) if (table !== undefined) into.deleted.add(table);
      break;
    }
    case 'RawNode': {
      const text = ((n['sqlFragments'] ?? []) as readonly string[]).join(' ');
      for (const match of text.matchAll(rawWrite)) {
        const verb = (match[1] ?? '').toLowerCase();
        const table = (match[2] ?? '').toLowerCase();
        if (verb.startsWith('delete') || verb.startsWith('merge')) into.deleted.add(table);
        if (verb.startsWith('update') || verb.startsWith('merge')) into.updated.add(table);
        if (verb.startsWith('insert') || verb.startsWith('merge')) into.inserted.add(table);
        if (verb.startsWith('insert') && /\bon\s+conflict\b/i.test(text)) into.updated.add(table);
      }
      break;
    }
    default:
      break;
  }
  // PostgreSQL allows data-modifying statements only in the top-level WITH: below the root, only
  // its common table expressions (and raw SQL, whose text is scanned) can write.
  if (depth === 0 || kind === 'WithNode' || kind === 'CommonTableExpressionNode' || kind === 'RawNode') {
    for (const key in n) {
      if (key === 'kind') continue;
      const value = n[key];
      if (value !== null && typeof value === 'object') collect(value, into, depth + 1);
    }
  }
}

/**
 * The tables a statement wrote, read off its query tree (and the text of raw SQL in it).
 * A statement that changed something (its command tag is not a read or a transaction
 * command) and names no table is reported as `all`.
 */
export function writeEffectOf(query: CompiledQuery, command: string | undefined): WriteEffect | undefined {
  const found: Collected = { inserted: new Set(), updated: new Set(), deleted: new Set(), singleColumn: new Set(), unknown: false };
  collect(query.query, found);
  const changes = command === undefined || !noEffect.has(command.toUpperCase());
  if (found.unknown) return 'all';
  if (found.inserted.size + found.updated.size + found.deleted.size === 0) return changes ? 'all' : undefined;
  return { inserted: [...found.inserted], updated: [...found.updated], deleted: [...found.deleted], singleColumn: [...found.singleColumn] };
}
