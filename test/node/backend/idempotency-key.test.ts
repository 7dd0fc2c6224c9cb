import { afterEach, describe, expect, it } from 'vitest';
import { newIdempotencyKey } from '../../../src/backend/idempotency-key.js';

describe('newIdempotencyKey', () => {
  afterEach(() => {
    delete (crypto as { randomUUID?: unknown }).randomUUID;
  });

  it('is a fresh UUID each time where crypto.randomUUID exists', () => {
    const keys = new Set(Array.from({ length: 100 }, newIdempotencyKey));
    expect(keys.size).toBe(100);
    for (const key of keys)
      expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('still makes unique keys on a plain-http page, where crypto.randomUUID is missing', () => {
    // Shadows the prototype's method, as an insecure context has none.
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    expect(crypto.randomUUID).toBe(undefined);
    const keys = new Set(Array.from({ length: 100 }, newIdempotencyKey));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{32}$/);
  });
});
