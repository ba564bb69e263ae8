import { describe, expect, it } from '@jest/globals';
import { BlobTooLargeError, UniqueViolation, isUniqueViolation } from './errors.js';

describe('isUniqueViolation', () => {
  it('recognises SQLSTATE 23505 and UniqueViolation, nothing else', () => {
    expect(isUniqueViolation({ code: '23505', constraint: 'x' })).toBe(true);
    expect(isUniqueViolation(new UniqueViolation('dup'))).toBe(true);
    expect(isUniqueViolation({ code: '23503' })).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
    expect(isUniqueViolation('23505')).toBe(false);
  });

  it('wraps a driver error with its constraint and cause', () => {
    const driverError = Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'node_parent_name' });
    const wrapped = UniqueViolation.from(driverError);
    expect(wrapped).toBeInstanceOf(UniqueViolation);
    expect(wrapped?.constraint).toBe('node_parent_name');
    expect(wrapped?.cause).toBe(driverError);
    expect(UniqueViolation.from(new BlobTooLargeError(1))).toBeUndefined();
  });
});
