import { DavError } from './dav-error.js';

/** One condition of an If header list (RFC 4918 §10.4). */
export interface IfCondition {
  readonly negated: boolean;
  readonly stateToken?: string;
  readonly etag?: string;
}

/** A list of conditions, all of which must hold, optionally tagged with a resource. */
export interface IfList {
  /** The tagged resource's path (from its absolute or relative URL), or undefined for the request target. */
  readonly resourceTag: string | undefined;
  readonly conditions: readonly IfCondition[];
}

/**
 * Parses an If header (RFC 4918 §10.4). A malformed header is a 400: treating it as
 * absent could let a write through that the client meant to make conditional.
 */
export function parseIfHeader(value: string): IfList[] {
  const lists: IfList[] = [];
  let i = 0;
  let tag: string | undefined;
  const fail = (why: string): never => {
    throw new DavError(400, undefined, `malformed If header: ${why}`);
  };
  const skipSpace = () => {
    while (i < value.length && /\s/.test(value[i] ?? '')) i++;
  };
  const readUntil = (close: string) => {
    const end = value.indexOf(close, i);
    if (end < 0) fail(`missing ${close}`);
    const text = value.slice(i, end);
    i = end + 1;
    return text;
  };
  skipSpace();
  if (i >= value.length) fail('empty');
  while (i < value.length) {
    skipSpace();
    const c = value[i];
    if (c === '<') {
      i++;
      tag = readUntil('>');
    } else if (c === '(') {
      i++;
      const conditions: IfCondition[] = [];
      for (;;) {
        skipSpace();
        if (value[i] === ')') {
          i++;
          break;
        }
        let negated = false;
        if (value.slice(i, i + 3).toLowerCase() === 'not') {
          negated = true;
          i += 3;
          skipSpace();
        }
        if (value[i] === '<') {
          i++;
          conditions.push({ negated, stateToken: readUntil('>') });
        } else if (value[i] === '[') {
          i++;
          conditions.push({ negated, etag: readUntil(']') });
        } else fail('expected a state token or an entity tag');
      }
      if (conditions.length === 0) fail('empty list');
      lists.push({ resourceTag: tag, conditions });
    } else if (c !== undefined) {
      fail(`unexpected character ${JSON.stringify(c)}`);
    }
    skipSpace();
  }
  return lists;
}

/** Lock tokens the client submitted: those named, not negated, in any list. */
export function submittedTokens(lists: readonly IfList[]): Set<string> {
  return new Set(
    lists.flatMap((l) => l.conditions.filter((c) => !c.negated && c.stateToken).map((c) => c.stateToken ?? '')),
  );
}
