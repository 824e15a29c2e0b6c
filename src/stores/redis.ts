/**
 * `samlguard/stores/redis`: replay and request-ID stores shared through Redis, so that every instance of
 * an API sees each assertion ID once. Works with the client you already have — node-redis (`redis` v4,
 * v5, v6: client, cluster or pool) or ioredis (v5, v6: `Redis` or `Cluster`) — and imports neither:
 * both are optional peer dependencies, and samlguard's core never loads them.
 *
 * Needs Redis 6.2 or later (GETDEL). Every client error, unexpected reply or timeout rejects with
 * REPLAY_STORE_UNAVAILABLE: a store that cannot answer never lets a message through.
 */
import * as shared from './common.js';
import type { CommonSettings, SharedReplayStoreOptions, SharedStoreOptions } from './common.js';
import type { ReplayStore, RequestIdStore, RequestStore, RevocableClaims, RevocationStore, RevocationTarget } from './types.js';

export type { SharedReplayStoreOptions, SharedStoreOptions } from './common.js';
export type { ReplayStore, RequestIdStore, RequestStore, RevocationStore, RevocationTarget, RevocableClaims } from './types.js';

/**
 * SET options as node-redis takes them. The store passes both spellings: `expiration`/`condition` (v5+)
 * and the deprecated `PX`/`NX` (the only ones v4 reads). A client that understood neither would write
 * without NX — and accept every replay — so the store never relies on one spelling alone.
 */
export interface NodeRedisSetOptions {
  expiration: { type: 'PX'; value: number };
  PX: number;
  condition?: 'NX';
  NX?: true;
}

/**
 * The part of a node-redis client (`createClient`, `createCluster`, `createClientPool`) the stores use.
 * Recognised by its camel-case `getDel`.
 */
export interface NodeRedisClientLike {
  set(key: string, value: string, options: NodeRedisSetOptions): Promise<unknown>;
  getDel(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
  /** Used by the revocation store only. */
  get?(key: string): Promise<unknown>;
}

/** The part of an ioredis `Redis` or `Cluster` the stores use. Recognised by its lower-case `getdel`. */
export interface IoredisClientLike {
  set(key: string, value: string, pxToken: 'PX', milliseconds: number, nxToken: 'NX'): Promise<unknown>;
  set(key: string, value: string, pxToken: 'PX', milliseconds: number): Promise<unknown>;
  getdel(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
  /** Used by the revocation store only. */
  get?(key: string): Promise<unknown>;
}

/** A connected node-redis or ioredis client. */
export type RedisClientLike = NodeRedisClientLike | IoredisClientLike;

/** Options of {@link createRedisRequestIdStore}. */
export interface RedisStoreOptions extends SharedStoreOptions {
  /**
   * A connected client. node-redis: give it an `'error'` listener (an unhandled one crashes the process)
   * and, so that an outage fails fast, `disableOfflineQueue: true`. ioredis: consider
   * `maxRetriesPerRequest` and `enableOfflineQueue: false` for the same reason. Either way the store's
   * `timeoutMs` bounds each call.
   */
  client: RedisClientLike;
}

/** Options of {@link createRedisReplayStore}. */
export interface RedisReplayStoreOptions extends RedisStoreOptions, SharedReplayStoreOptions {}

const STORE = 'Redis replay/request-ID store';

/** The commands the stores send, behind one shape whichever client was given. */
interface Commands {
  /** SET key value PX ms [NX]; the raw reply. The value is '1' unless given. */
  set(key: string, ttlMs: number, onlyIfAbsent: boolean, value?: string): Promise<unknown>;
  getDel(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
  /** GET key, when the client has it (the revocation store requires it). */
  get: ((key: string) => Promise<unknown>) | undefined;
}

function commandsOf(client: unknown): Commands {
  if (typeof client !== 'object' || client === null) throw shared.invalid('client must be a connected node-redis or ioredis client.');
  const c = client as Record<string, unknown>;
  if (typeof c.set !== 'function' || typeof c.del !== 'function') throw shared.invalid('client must be a connected node-redis or ioredis client (it has no set/del).');
  // The casing of GETDEL's method is what tells the two libraries apart; their SET signatures differ.
  const nodeRedis = typeof c.getDel === 'function';
  const ioredis = typeof c.getdel === 'function';
  if (nodeRedis === ioredis) {
    throw shared.invalid(
      nodeRedis
        ? 'client has both getDel and getdel: cannot tell node-redis from ioredis.'
        : 'client must be a node-redis (v4+) or ioredis (v5+) client: it has neither getDel nor getdel (GETDEL needs Redis 6.2+ and a client that knows it).',
    );
  }
  if (nodeRedis) {
    const r = client as NodeRedisClientLike;
    return {
      set: (key, ttlMs, onlyIfAbsent, value = '1') =>
        r.set(key, value, onlyIfAbsent ? { expiration: { type: 'PX', value: ttlMs }, PX: ttlMs, condition: 'NX', NX: true } : { expiration: { type: 'PX', value: ttlMs }, PX: ttlMs }),
      getDel: (key) => r.getDel(key),
      del: (key) => r.del(key),
      get: typeof r.get === 'function' ? (key) => r.get!(key) : undefined,
    };
  }
  const r = client as IoredisClientLike;
  return {
    set: (key, ttlMs, onlyIfAbsent, value = '1') => (onlyIfAbsent ? r.set(key, value, 'PX', ttlMs, 'NX') : r.set(key, value, 'PX', ttlMs)),
    getDel: (key) => r.getdel(key),
    del: (key) => r.del(key),
    get: typeof r.get === 'function' ? (key) => r.get!(key) : undefined,
  };
}

/** Replies may be strings or, with a Buffer type mapping, Buffers. */
function isOk(reply: unknown): boolean {
  return reply === 'OK' || (reply instanceof Uint8Array && Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength).toString('latin1') === 'OK');
}

function unexpected(what: string, reply: unknown): never {
  throw shared.unavailable(STORE, `${what} (unexpected reply of type ${reply === null ? 'null' : typeof reply})`);
}

function settings(options: unknown, factory: string, defaultPrefix: string): { commands: Commands; common: CommonSettings; o: Record<string, unknown> } {
  const o = shared.readOptionsObject(options, factory);
  const commands = commandsOf(o.client);
  return { commands, common: shared.readCommon(o, defaultPrefix), o };
}

/**
 * A {@link ReplayStore} over Redis. `consume` is one atomic `SET <prefix><id> 1 PX <ttl> NX`: "OK" means
 * this is the first use (true), a nil reply means the ID is already held (false). The TTL runs from this
 * process's clock to `expiresAt`, at least `minTtlMs`; measuring it here rather than sending an absolute
 * PXAT keeps the Redis server's clock out of the decision.
 *
 * @throws SamlGuardError CONFIG_INVALID when the options are invalid (at creation, never per call).
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createRedisReplayStore } from 'samlguard/stores/redis';
 * const client = await createClient({ url, disableOfflineQueue: true }).on('error', log).connect();
 * const verifier = createVerifier({ ...config, replay: { store: createRedisReplayStore({ client }) } });
 * ```
 */
export function createRedisReplayStore(options: RedisReplayStoreOptions): ReplayStore {
  const { commands, common, o } = settings(options, 'createRedisReplayStore', shared.REPLAY_PREFIX);
  const minTtlMs = shared.readPositiveInt(o.minTtlMs, 'minTtlMs', shared.DEFAULT_MIN_TTL_MS);
  const { keyPrefix, timeoutMs, now } = common;
  return Object.freeze({
    async consume(id: string, expiresAt: Date): Promise<boolean> {
      shared.checkId(id, STORE);
      const ttlMs = Math.max(Math.ceil(shared.expiryOf(expiresAt, STORE) - shared.clock(now, STORE)), minTtlMs);
      return shared.withDeadline(
        async () => {
          const reply = await commands.set(keyPrefix + id, ttlMs, true);
          if (reply === null) return false;
          if (isOk(reply)) return true;
          return unexpected('record the assertion ID', reply);
        },
        timeoutMs,
        STORE,
        'record the assertion ID',
      );
    },
  });
}

/**
 * A {@link RequestIdStore} over Redis. `issue` is `SET <prefix><id> 1 PX <ttl>` (an `expiresAt` already
 * past deletes any earlier record instead, so the ID is not consumable); `consume` is one atomic GETDEL,
 * true when the key existed — so of two concurrent consumers of one ID, exactly one gets true.
 *
 * @throws SamlGuardError CONFIG_INVALID when the options are invalid (at creation, never per call).
 */
export function createRedisRequestStore(options: RedisStoreOptions): RequestStore & RequestIdStore {
  const { commands, common } = settings(options, 'createRedisRequestStore', shared.REQUEST_PREFIX);
  const { keyPrefix, timeoutMs, now } = common;
  const store: RequestStore & RequestIdStore = Object.freeze({
    async put(id: string, expiresAt: Date): Promise<void> {
      shared.checkId(id, STORE);
      const ttlMs = Math.ceil(shared.expiryOf(expiresAt, STORE) - shared.clock(now, STORE));
      await shared.withDeadline(
        async () => {
          if (ttlMs <= 0) {
            await commands.del(keyPrefix + id);
            return;
          }
          const reply = await commands.set(keyPrefix + id, ttlMs, false);
          if (!isOk(reply)) unexpected('record the request ID', reply);
        },
        timeoutMs,
        STORE,
        'record the request ID',
      );
    },
    issue(id: string, expiresAt: Date): Promise<void> {
      return store.put(id, expiresAt);
    },
    async consume(id: string): Promise<boolean> {
      shared.checkId(id, STORE);
      return shared.withDeadline(
        async () => {
          const reply = await commands.getDel(keyPrefix + id);
          if (reply === null) return false;
          if (typeof reply === 'string' || reply instanceof Uint8Array) return true;
          return unexpected('consume the request ID', reply);
        },
        timeoutMs,
        STORE,
        'consume the request ID',
      );
    },
  });
  return store;
}

/** The earlier name of {@link createRedisRequestStore}; the same store (it has `issue` as well as `put`). */
export const createRedisRequestIdStore = createRedisRequestStore;

const REVOCATION_STORE = 'Redis revocation store';

/**
 * A {@link RevocationStore} over Redis. `revoke` writes one key per target (`<prefix>sub:…`, `sid:…`,
 * `jti:…`) holding the revocation instant, with `SET … PX <ttl>` until `until`; `isRevoked` reads the
 * token's three keys. A failure (or the deadline) rejects with REVOCATION_STORE_UNAVAILABLE, so the
 * token is refused. Default key prefix `samlguard:revoked:`.
 *
 * @throws SamlGuardError CONFIG_INVALID when the options are invalid (at creation, never per call).
 */
export function createRedisRevocationStore(options: RedisStoreOptions): RevocationStore {
  const { commands, common } = settings(options, 'createRedisRevocationStore', 'samlguard:revoked:');
  const get = commands.get;
  if (get === undefined) throw shared.invalid('client must be a connected node-redis or ioredis client (it has no get).');
  const { keyPrefix, timeoutMs, now } = common;
  const guarded = <T>(what: string, call: () => Promise<T>): Promise<T> => shared.revocationCall(call, timeoutMs, REVOCATION_STORE, what);
  return Object.freeze({
    async revoke(target: RevocationTarget, until: Date): Promise<void> {
      const keys = shared.revocationKeysOf(target);
      const at = shared.clock(now, REVOCATION_STORE);
      const ttlMs = Math.ceil(shared.expiryOf(until, REVOCATION_STORE) - at);
      if (ttlMs <= 0) return;
      await guarded('record the revocation', async () => {
        for (const k of keys) {
          const reply = await commands.set(keyPrefix + k, ttlMs, false, String(at));
          if (!isOk(reply)) unexpected('record the revocation', reply);
        }
      });
    },
    async isRevoked(claims: RevocableClaims): Promise<boolean> {
      const keys = shared.revocationLookupKeys(claims);
      const replies = await guarded('read revocations', () => Promise.all(keys.map((k) => get(keyPrefix + k))));
      const found = replies.map((reply) =>
        reply === null || reply === undefined ? undefined : Number(typeof reply === 'string' ? reply : Buffer.from(reply as Uint8Array).toString('latin1')),
      );
      return shared.revokedBy(found, claims.iat);
    },
  });
}

