import { parse, protocol, type PGlite, type Results } from '@electric-sql/pglite';

interface Prepared {
  readonly name: string;
  /** Type OIDs of the parameters, as the server inferred them when the statement was parsed. */
  readonly parameterTypes: readonly number[];
  /** For a statement whose rows come aggregated into one JSON text: the columns and their types. */
  readonly columns?: readonly { readonly name: string; readonly type: number }[];
  /** For such a statement, the SQL that aggregates them. */
  readonly aggregating?: string;
  /** Whether that SQL gives one JSON array per column (an unordered statement) rather than per row. */
  readonly isByColumn?: boolean;
}

/** Types whose JSON form is not what the row parsers make of them: they go through the parser. */
const TIMESTAMPTZ_OID = 1184;
const TIMESTAMP_OID = 1114;
const DATE_OID = 1082;
const BYTEA_OID = 17;
const NUMERIC_OID = 1700;
const reparsed = new Set([TIMESTAMPTZ_OID, TIMESTAMP_OID, DATE_OID, BYTEA_OID]);

/**
 * A timestamptz value as the aggregating SQL gives it: seconds since the epoch (float8), which
 * the server writes faster than the ISO text (the FN query's 692 node rows, read through this
 * class: 3.0–3.1 ms against 3.3–3.5 with their two timestamps as text). A float8 of today's seconds is exact to a fraction of a microsecond,
 * so rounding to whole microseconds gives the stored value back, and the Date keeps its
 * milliseconds, truncated, as the text parser does.
 */
const dateOfEpochSeconds = (seconds: number): Date => new Date(Math.floor(Math.round(seconds * 1e6) / 1000));

const { serialize } = protocol;

/** Statements planned at each execution (see `#planned`): pattern matches. */
const needsCustomPlan = /\b(i?like|similar\s+to)\b|~~/i;

/** Above this many rows, aggregating them on the server pays (measured on node rows). */
const MANY_ROWS = 16;

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Whether a statement orders its rows: an `order by` outside any parentheses (a subquery's or a
 * window's order is inside them). Quoted text and identifiers are skipped; a statement with a
 * comment or a dollar quote is taken as ordered (the safe answer).
 */
export function ordersItsRows(text: string): boolean {
  if (text.includes('--') || text.includes('/*') || /\$\w*\$/.test(text)) return true;
  let depth = 0;
  let outside = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return true;
      i = end; // a doubled quote inside is two quoted parts in a row: skipped alike
      outside += ' ';
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (depth === 0) {
      outside += c;
    }
  }
  return /\border\s+by\b/i.test(outside);
}

/**
 * The statement that returns the rows of `text` as one JSON text. An unordered statement's rows
 * come as one array per column (`json_agg` of each column, in whatever order the scan gives:
 * for 692 node rows of 16 columns, 3.35 ms against 4.4 with an array per row, ADR 0021). An
 * ordered one comes as one array per row, in the order of a row number taken before
 * aggregating (numbering and sorting 700 node rows took 0.9 ms of 5.7, ADR 0020).
 */
function aggregating(text: string, columns: readonly { readonly name: string; readonly type: number }[]): { sql: string; isByColumn: boolean } {
  // numeric goes as text, as PGlite gives it for plain rows (JSON numbers would lose digits);
  // int8 as a JSON number, exact below 2^53 like the int8 parser of the store.
  // timestamptz as epoch seconds (see dateOfEpochSeconds).
  const values = columns.map((c) => {
    const column = `partage_rows.${quoted(c.name)}`;
    return c.type === NUMERIC_OID ? `${column}::text` : c.type === TIMESTAMPTZ_OID ? `date_part('epoch', ${column})` : column;
  });
  if (!ordersItsRows(text)) {
    const perColumn = values.map((v) => `coalesce(json_agg(${v}), '[]')`).join(', ');
    return { sql: `select json_build_array(${perColumn})::text as rows from (${text}) as partage_rows`, isByColumn: true };
  }
  return {
    sql: `select coalesce(json_agg(json_build_array(${values.join(', ')}) order by partage_row_number), '[]')::text as rows from (select partage_inner.*, row_number() over () as partage_row_number from (${text}) as partage_inner) as partage_rows`,
    isByColumn: false,
  };
}

/** Whether rows with these columns can be aggregated: json_build_array takes at most 100 arguments, and columns are named. */
const aggregatable = (columns: readonly { readonly name: string }[]): boolean =>
  columns.length > 0 && columns.length <= 100 && new Set(columns.map((c) => c.name)).size === columns.length;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/**
 * Runs statements on PGlite as named prepared statements, each execution in one exchange
 * (Bind, Describe, Execute, Sync) instead of the five that `PGlite.query` makes (Parse,
 * Describe, Bind, Describe, Execute) with a parse and a plan every time. A statement is parsed
 * once per SQL text; the most recently used `capacity` texts stay prepared.
 *
 * Parameters are serialized as `PGlite.query` does, by the type the server inferred for them;
 * rows are parsed by PGlite's own result parser with the instance's parsers.
 * Measured on this store (ADR 0018): a keyed lookup 320 µs with `query`, 99 µs prepared.
 */
let instances = 0;

export class PreparedStatements {
  /** Statement names are unique per instance: prepared statements live in the PGlite session. */
  readonly #prefix = `partage_${++instances}_`;
  readonly #pglite: PGlite;
  readonly #capacity: number;
  /** By SQL text, least recently used first (a Map keeps insertion order). */
  readonly #byText = new Map<string, Prepared>();
  #counter = 0;
  /** Parameter types of the statements run unnamed, by SQL text. */
  readonly #unnamedTypes = new Map<string, number[]>();
  /** Whether a SELECT returned more than {@link MANY_ROWS} rows the last time, by SQL text. */
  readonly #returnsMany = new Map<string, boolean>();

  constructor(pglite: PGlite, capacity = 1_000) {
    this.#pglite = pglite;
    this.#capacity = capacity;
  }

  /**
   * Runs a query. With `aggregate`, a plain SELECT that returned many rows the last time it ran
   * gets them as one JSON array built by the server (`json_agg`), which PGlite hands over far
   * faster than row by row (each row costs a few microseconds to pass, whatever its width); the
   * columns keep their names and order, and dates and byte strings are parsed as for plain rows.
   * A statement that returned a row or a few the last time runs plainly, the aggregation costing
   * more there; one never run yet is aggregated (its first run would otherwise pass many rows
   * one by one: measured at 10,000 cards, the first FN queries took twice as long).
   */
  async query<R>(text: string, parameters: readonly unknown[], aggregate = false): Promise<Results<R>> {
    if (!aggregate) return this.#plain<R>(text, parameters);
    const result = this.#returnsMany.get(text) === false ? await this.#plain<R>(text, parameters) : await this.#aggregated<R>(text, parameters);
    if (this.#returnsMany.size >= this.#capacity) this.#returnsMany.clear();
    this.#returnsMany.set(text, result.rows.length > MANY_ROWS);
    return result;
  }

  async #plain<R>(text: string, parameters: readonly unknown[]): Promise<Results<R>> {
    if (needsCustomPlan.test(text)) return this.#planned<R>(text, parameters);
    const prepared = await this.#prepare(text);
    const values = parameters.map((value, i) => this.#serialize(value, prepared.parameterTypes[i]));
    return this.#execute<R>([serialize.bind({ statement: prepared.name, values })]);
  }

  /** Sends `start` (a Bind, after a Parse or not) with Describe, Execute and Sync in one exchange, and reads the result. */
  async #execute<R>(start: readonly Uint8Array[]): Promise<Results<R>> {
    const { messages } = await this.#pglite.execProtocol(
      concat([...start, serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
    );
    const [result] = parse.parseResults(messages, this.#pglite.parsers, { rowMode: 'object' });
    return result as Results<R>; // rows typed by the caller, as with PGlite.query
  }

  /** The parameter types and result columns of a statement, parsed unnamed (nothing kept prepared). */
  async #describe(text: string): Promise<{ parameterTypes: number[]; columns: { name: string; type: number }[] }> {
    const { messages } = await this.#pglite.execProtocol(
      concat([serialize.parse({ name: '', text, types: [] }), serialize.describe({ type: 'S', name: '' }), serialize.sync()]),
    );
    const parameters = messages.find((m) => m.name === 'parameterDescription') as { dataTypeIDs?: number[] } | undefined;
    const rows = messages.find((m) => m.name === 'rowDescription') as { fields?: { name: string; dataTypeID: number }[] } | undefined;
    return {
      parameterTypes: parameters?.dataTypeIDs ?? [],
      columns: (rows?.fields ?? []).map((f) => ({ name: f.name, type: f.dataTypeID })),
    };
  }

  /**
   * Runs a statement unnamed: parsed, described and planned for these parameters, in one
   * exchange. For pattern matches, whose plan depends on the pattern (a prefix range, trigrams):
   * a prepared statement's generic plan cannot use them (autocomplete took 38 ms instead of 19).
   */
  async #planned<R>(text: string, parameters: readonly unknown[]): Promise<Results<R>> {
    let parameterTypes = this.#unnamedTypes.get(text);
    if (!parameterTypes) {
      parameterTypes = (await this.#describe(text)).parameterTypes;
      if (this.#unnamedTypes.size >= this.#capacity) this.#unnamedTypes.clear();
      this.#unnamedTypes.set(text, parameterTypes);
    }
    const types = parameterTypes;
    const values = parameters.map((value, i) => this.#serialize(value, types[i]));
    return this.#execute<R>([serialize.parse({ name: '', text, types }), serialize.bind({ statement: '', values })]);
  }

  async #aggregated<R>(text: string, parameters: readonly unknown[]): Promise<Results<R>> {
    const key = `json:${text}`;
    let prepared = this.#byText.get(key);
    if (!prepared) {
      // The inner statement's description gives the column types; the row number keeps the order.
      const { columns } = await this.#describe(text);
      if (!aggregatable(columns)) {
        this.#byText.set(key, { name: '', parameterTypes: [] }); // remembered as a statement to run row by row
        return this.#plain<R>(text, parameters);
      }
      const wrapped = aggregating(text, columns);
      const named = needsCustomPlan.test(text) ? { name: '', parameterTypes: [] } : await this.#prepareAs(key, wrapped.sql);
      prepared = { ...named, columns, aggregating: wrapped.sql, isByColumn: wrapped.isByColumn };
      this.#byText.set(key, prepared);
    }
    if (prepared.columns === undefined || prepared.aggregating === undefined) return this.#plain<R>(text, parameters);
    const result = needsCustomPlan.test(text)
      ? await this.#planned<{ rows: string }>(prepared.aggregating, parameters)
      : await this.#plain<{ rows: string }>(key, parameters);
    const columns = prepared.columns;
    const parsed = JSON.parse(result.rows[0]?.rows ?? '[]') as unknown[][];
    // Each value at (row r, column i): from the column's array, or from the row's.
    const count = prepared.isByColumn === true ? (parsed[0]?.length ?? 0) : parsed.length;
    const at = prepared.isByColumn === true ? (r: number, i: number) => parsed[i]?.[r] : (r: number, i: number) => parsed[r]?.[i];
    const readers = columns.map((c) => this.#readerOf(c.type));
    const rows: Record<string, unknown>[] = [];
    for (let r = 0; r < count; r++) {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) {
        const value = at(r, i);
        const read = readers[i];
        row[(columns[i] as { name: string }).name] = read === undefined || value === null || value === undefined ? value : read(value); // i < columns.length
      }
      rows.push(row);
    }
    return { ...result, rows: rows as R[], fields: columns.map((c) => ({ name: c.name, dataTypeID: c.type })) };
  }

  /**
   * How an aggregated value of a column type becomes what plain rows give, worked out once per
   * column rather than per value; undefined where the JSON value is that already.
   */
  #readerOf(type: number): ((value: unknown) => unknown) | undefined {
    if (type === TIMESTAMPTZ_OID) {
      // epoch seconds (see dateOfEpochSeconds); "Infinity" is what the text 'infinity' gives
      return (value) => (typeof value === 'number' ? dateOfEpochSeconds(value) : this.#parseText(type, String(value).toLowerCase()));
    }
    if (reparsed.has(type)) return (value) => (typeof value === 'string' ? this.#parseText(type, value) : value);
    return undefined;
  }

  /** A value in JSON's text form, parsed by the column type's parser (ISO dates and `\\x` byte strings read as their text forms do). */
  #parseText(type: number, value: string): unknown {
    const parser = this.#pglite.parsers[type];
    return parser ? parser(value, type) : value;
  }

  /** Forgets every prepared statement: after DDL, whose changes may alter what a statement returns. */
  async clear(): Promise<void> {
    if (this.#byText.size === 0) return;
    const names = [...this.#byText.values()].map((p) => p.name);
    this.#byText.clear();
    await this.#pglite.execProtocol(concat([...names.map((name) => serialize.close({ type: 'S', name })), serialize.sync()]));
  }

  #serialize(value: unknown, type: number | undefined): string | Uint8Array | null {
    if (value === null || value === undefined) return null;
    const serializer = type === undefined ? undefined : this.#pglite.serializers[type];
    if (serializer) return serializer(value);
    if (value instanceof Uint8Array) return value;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
    return JSON.stringify(value);
  }

  async #prepare(text: string): Promise<Prepared> {
    const known = this.#byText.get(text);
    if (known) {
      this.#byText.delete(text);
      this.#byText.set(text, known);
      return known;
    }
    return this.#prepareAs(text, text);
  }

  /** Prepares `text` and keeps it under `key`. */
  async #prepareAs(key: string, text: string): Promise<Prepared> {
    const parts: Uint8Array[] = [];
    if (this.#byText.size >= this.#capacity) {
      const [oldestText, oldest] = this.#byText.entries().next().value ?? [];
      if (oldestText !== undefined && oldest) {
        this.#byText.delete(oldestText);
        parts.push(serialize.close({ type: 'S', name: oldest.name }));
      }
    }
    const name = `${this.#prefix}${++this.#counter}`;
    parts.push(serialize.parse({ name, text, types: [] }), serialize.describe({ type: 'S', name }), serialize.sync());
    const { messages } = await this.#pglite.execProtocol(concat(parts));
    const description = messages.find((m) => m.name === 'parameterDescription') as { dataTypeIDs?: number[] } | undefined;
    const prepared = { name, parameterTypes: description?.dataTypeIDs ?? [] };
    this.#byText.set(key, prepared);
    return prepared;
  }
}
