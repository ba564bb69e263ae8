/**
 * Thrown when a recurrence set has more instances in the asked range than the caller allows
 * (RFC 4791 §5.2.8 max-instances), or when expansion would not terminate (an unbounded rule
 * over an unbounded range).
 */
export class TooManyInstances extends Error {
  override readonly name = 'TooManyInstances';

  constructor(readonly limit: number) {
    super(`more than ${String(limit)} instances`);
  }
}
