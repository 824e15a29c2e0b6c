import { describe, expect, it } from 'vitest';
import { revokedBy } from '../../src/stores/revocation-keys.js';

// The one decision the memory, Redis and DynamoDB revocation stores share; found[] follows
// revocationLookupKeys: jti, then sub, then sid.
describe('revokedBy', () => {
  const iat = 1_000; // epoch seconds → 1 000 000 ms
  it('a live jti entry revokes whatever its instant', () => {
    expect(revokedBy([0], iat)).toBe(true);
    expect(revokedBy([Number.NaN, undefined], iat)).toBe(true);
  });
  it('a watermark revokes tokens issued at or before it, not after', () => {
    expect(revokedBy([undefined, 1_000_000], iat)).toBe(true);
    expect(revokedBy([undefined, 999_999], iat)).toBe(false);
    expect(revokedBy([undefined, undefined, 1_000_001], iat)).toBe(true);
    expect(revokedBy([undefined, 999_999, 999_999], iat)).toBe(false);
  });
  it('an unreadable watermark fails closed', () => {
    expect(revokedBy([undefined, Number.NaN], iat)).toBe(true);
    expect(revokedBy([undefined, undefined, Number.POSITIVE_INFINITY], iat)).toBe(true);
  });
  it('nothing found is not revoked', () => {
    expect(revokedBy([undefined, undefined, undefined], iat)).toBe(false);
    expect(revokedBy([], iat)).toBe(false);
  });
});
