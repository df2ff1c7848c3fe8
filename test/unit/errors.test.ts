// The error classes: one base class with a string code and structured data; anything unexpected becomes an
// InternalError; a typed error survives a thread boundary (worker → main) with its code, hint and data.
import { describe, expect, it } from 'vitest';
import {
  asDigstoreError,
  CorruptDataError,
  DigstoreError,
  deserializeError,
  InternalError,
  NotFoundError,
  serializeError,
} from '../../src/core/errors.js';

describe('errors', () => {
  it('an unexpected error becomes an InternalError that keeps its message, class name and stack', () => {
    const e = asDigstoreError(new TypeError('x is undefined'));
    expect(e).toBeInstanceOf(InternalError);
    expect(e).toMatchObject({ code: 'INTERNAL', message: 'x is undefined', data: { name: 'TypeError' } });
    expect(e.stack).toContain('TypeError');
    const typed = new NotFoundError('gone', 'look elsewhere', { path: 'a' });
    expect(asDigstoreError(typed)).toBe(typed);
    expect(asDigstoreError('a string').message).toBe('a string');
  });

  it('a typed error crosses a structured clone (as postMessage does) with code, message, hint and data', () => {
    const original = new CorruptDataError('layer 3: bad checksum');
    const back = deserializeError(structuredClone(serializeError(original)));
    expect(back).toBeInstanceOf(DigstoreError);
    expect(back).toMatchObject({ code: 'CORRUPT', message: 'layer 3: bad checksum', hint: original.hint });
    const withData = deserializeError(
      structuredClone(serializeError(new NotFoundError('m', undefined, { path: 'p' }))),
    );
    expect(withData.data).toEqual({ path: 'p' });
  });
});
