// The behaviour every RequestStore and RevocationStore must have, run against each implementation
// (memory, Redis on a real redis-server, DynamoDB on dynalite) by its own suite.
import { expect, it } from 'vitest';
import { SamlGuardError, type RequestStore, type RevocationStore } from '../../src/index.js';

export const uid = (): string => `_${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;

/** `make` gives a fresh store; `later` (optional) gives one whose clock reads `ms` later, over the same data. */
export function requestStoreContract(make: () => RequestStore, opts: { expire?: (id: string) => Promise<RequestStore> } = {}): void {
  it('RequestStore: put then consume is true once; a second consume, and an unknown ID, are false', async () => {
    const store = make();
    const id = uid();
    await store.put(id, new Date(Date.now() + 60_000));
    expect(await store.consume(id)).toBe(true);
    expect(await store.consume(id)).toBe(false);
    expect(await store.consume(uid())).toBe(false);
  });

  it('RequestStore: of 20 concurrent consumers of one ID, exactly one gets true', async () => {
    const store = make();
    const id = uid();
    await store.put(id, new Date(Date.now() + 60_000));
    const results = await Promise.all(Array.from({ length: 20 }, () => store.consume(id)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('RequestStore: an ID whose expiry has passed cannot be consumed', async () => {
    const id = uid();
    const store = opts.expire ? await opts.expire(id) : make();
    if (!opts.expire) await store.put(id, new Date(Date.now() - 1000));
    expect(await store.consume(id)).toBe(false);
  });

  it('RequestStore: the earlier name still works: issue() is put()', async () => {
    const store = make() as RequestStore & { issue?: (id: string, at: Date) => Promise<void> };
    expect(typeof store.issue).toBe('function');
    const id = uid();
    await store.issue!(id, new Date(Date.now() + 60_000));
    expect(await store.consume(id)).toBe(true);
  });
}

export function revocationStoreContract(make: () => RevocationStore): void {
  const now = () => Math.floor(Date.now() / 1000);
  const until = () => new Date(Date.now() + 60_000);

  it('RevocationStore: a revoked jti is refused; another jti of the same user is not', async () => {
    const store = make();
    const sub = uid();
    const jti = uid();
    await store.revoke({ jti }, until());
    expect(await store.isRevoked({ sub, jti, iat: now() })).toBe(true);
    expect(await store.isRevoked({ sub, jti: uid(), iat: now() })).toBe(false);
  });

  it('RevocationStore: a sub or sid revocation refuses tokens issued at or before it, not those issued after', async () => {
    const store = make();
    const sub = uid();
    const sid = uid();
    const before = now() - 5;
    await store.revoke({ sub }, until());
    expect(await store.isRevoked({ sub, jti: uid(), iat: before })).toBe(true);
    expect(await store.isRevoked({ sub, jti: uid(), iat: now() + 5 })).toBe(false);
    await store.revoke({ sid }, until());
    expect(await store.isRevoked({ sub: uid(), sid, jti: uid(), iat: before })).toBe(true);
    expect(await store.isRevoked({ sub: uid(), sid: uid(), jti: uid(), iat: before })).toBe(false);
  });

  it('RevocationStore: a revocation past its `until` no longer counts', async () => {
    const store = make();
    const jti = uid();
    await store.revoke({ jti }, new Date(Date.now() - 1000));
    expect(await store.isRevoked({ sub: uid(), jti, iat: now() })).toBe(false);
  });

  it('RevocationStore: a revocation that names nothing is refused with CONFIG_INVALID', async () => {
    const err = await make().revoke({}, until()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SamlGuardError);
    expect((err as SamlGuardError).code).toBe('CONFIG_INVALID');
  });
}
