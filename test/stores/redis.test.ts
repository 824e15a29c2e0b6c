// samlguard/stores/redis against a real redis-server, through both node-redis and ioredis.
// The server comes from REDIS_URL (.ci/run starts one); without it, the suite starts redis-server itself
// when the binary exists. The "server stopped" cases always start their own. In CI (CI set) a missing
// server fails the suite instead of skipping it.
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisReplayStore, createRedisRequestIdStore, createRedisRequestStore, createRedisRevocationStore, type RedisClientLike } from '../../src/stores/redis.js';
import { requestStoreContract, revocationStoreContract } from './contracts.js';
import { hasRedisServer, rejection, sleep, startRedisServer, thrown, uniqueId, type RedisServer } from './servers.js';

const envUrl = process.env.REDIS_URL;
const available = envUrl !== undefined || hasRedisServer;
if (!available && !process.env.CI) {
  console.warn('[samlguard] test/stores/redis skipped: set REDIS_URL or install redis-server (CI installs it and fails without it).');
} else if (!hasRedisServer && !process.env.CI) {
  console.warn('[samlguard] test/stores/redis: the "server stopped" cases skipped: they start their own redis-server, which is not installed.');
}
/** The cases that stop a server need one of their own. */
const canStopServer = hasRedisServer || Boolean(process.env.CI);

/** What a test needs from a connection, whichever library made it. */
interface Conn {
  client: RedisClientLike;
  pttl(key: string): Promise<number>;
  exists(key: string): Promise<boolean>;
  close(): Promise<void>;
}

type Lib = 'node-redis' | 'ioredis';

/** Clients set up to fail fast when the server goes away: no reconnect, no offline queue. */
async function connectWith(lib: Lib, url: string): Promise<Conn> {
  if (lib === 'node-redis') {
    const c = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
    c.on('error', () => {}); // reported through the rejected commands; unhandled, it would crash the worker
    await c.connect();
    return {
      client: c,
      pttl: (key) => c.pTTL(key),
      exists: async (key) => (await c.exists(key)) === 1,
      close: async () => {
        if (c.isOpen) c.destroy();
      },
    };
  }
  const c = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  c.on('error', () => {});
  await c.connect();
  return {
    client: c,
    pttl: (key) => c.pttl(key),
    exists: async (key) => (await c.exists(key)) === 1,
    close: async () => c.disconnect(),
  };
}

describe('createRedisReplayStore / createRedisRequestIdStore options', () => {
  const fake = { set: async () => 'OK', getDel: async () => null, del: async () => 1 };

  it('accept a node-redis-shaped and an ioredis-shaped client', () => {
    createRedisReplayStore({ client: fake });
    createRedisRequestIdStore({ client: { set: async () => 'OK', getdel: async () => null, del: async () => 1 } as unknown as RedisClientLike });
  });

  it('reject invalid options at creation with CONFIG_INVALID', () => {
    const bad: unknown[] = [
      undefined,
      {},
      { client: null },
      { client: { set() {}, del() {} } }, // neither getDel nor getdel
      { client: { ...fake, getdel() {} } }, // both: ambiguous
      { client: fake, keyPrefix: 5 },
      { client: fake, timeoutMs: 0 },
      { client: fake, timeoutMs: 2 ** 31 },
      { client: fake, timeoutMs: 1.5 },
      { client: fake, minTtlMs: -1 },
      { client: fake, now: 'soon' },
    ];
    for (const options of bad) {
      thrown(() => createRedisReplayStore(options as never), 'CONFIG_INVALID');
    }
    thrown(() => createRedisRequestIdStore({ client: {} } as never), 'CONFIG_INVALID');
  });
});

describe('Redis store failures (no server involved)', () => {
  const exp = (): Date => new Date(Date.now() + 60_000);

  it('a client error rejects with REPLAY_STORE_UNAVAILABLE and keeps the cause', async () => {
    const cause = new Error('ECONNRESET');
    const client = { set: () => Promise.reject(cause), getDel: () => Promise.reject(cause), del: () => Promise.reject(cause) };
    const err = await rejection(createRedisReplayStore({ client }).consume('a', exp()), 'REPLAY_STORE_UNAVAILABLE');
    expect(err.cause).toBe(cause);
    expect(err.message).toMatch(/rejected, not accepted/);
    await rejection(createRedisRequestIdStore({ client }).consume('a'), 'REPLAY_STORE_UNAVAILABLE');
    await rejection(createRedisRequestIdStore({ client }).issue('a', exp()), 'REPLAY_STORE_UNAVAILABLE');
  });

  it('a client that throws synchronously rejects the same way', async () => {
    const client = {
      set: () => {
        throw new Error('The client is closed');
      },
      getDel: () => Promise.resolve(null),
      del: () => Promise.resolve(0),
    };
    await rejection(createRedisReplayStore({ client }).consume('a', exp()), 'REPLAY_STORE_UNAVAILABLE');
  });

  it('an unexpected reply is a failure, never a "first use"', async () => {
    for (const reply of [undefined, 'QUEUED', 1, '']) {
      const client = { set: async () => reply, getDel: async () => 42, del: async () => 1 };
      await rejection(createRedisReplayStore({ client }).consume('a', exp()), 'REPLAY_STORE_UNAVAILABLE');
    }
    const client = { set: async () => 'OK', getDel: async () => 42, del: async () => 1 };
    await rejection(createRedisRequestIdStore({ client }).consume('a'), 'REPLAY_STORE_UNAVAILABLE');
  });

  it('accepts Buffer replies (a client with a Buffer type mapping)', async () => {
    const client = { set: async () => Buffer.from('OK'), getDel: async () => Buffer.from('1'), del: async () => 1 };
    expect(await createRedisReplayStore({ client }).consume('a', exp())).toBe(true);
    expect(await createRedisRequestIdStore({ client }).consume('a')).toBe(true);
  });

  it('a call that never answers rejects after timeoutMs', async () => {
    const client = { set: () => new Promise<never>(() => {}), getDel: () => new Promise<never>(() => {}), del: async () => 1 };
    const started = Date.now();
    const err = await rejection(createRedisReplayStore({ client, timeoutMs: 100 }).consume('a', exp()), 'REPLAY_STORE_UNAVAILABLE');
    expect(err.message).toMatch(/within 100 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
    await rejection(createRedisRequestIdStore({ client, timeoutMs: 100 }).consume('a'), 'REPLAY_STORE_UNAVAILABLE');
  });

  it('refuses an invalid ID, expiry or clock per call', async () => {
    const client = { set: async () => 'OK', getDel: async () => null, del: async () => 1 };
    const store = createRedisReplayStore({ client });
    await rejection(store.consume('', exp()), 'REPLAY_STORE_UNAVAILABLE');
    await rejection(store.consume('a', new Date(Number.NaN)), 'REPLAY_STORE_UNAVAILABLE');
    await rejection(createRedisReplayStore({ client, now: () => Number.NaN }).consume('a', exp()), 'REPLAY_STORE_UNAVAILABLE');
  });
});

describe.runIf(available || process.env.CI)('Redis stores against redis-server', () => {
  let owned: RedisServer | undefined;
  let url = envUrl ?? '';

  beforeAll(async () => {
    if (envUrl === undefined && hasRedisServer) {
      owned = await startRedisServer();
      url = owned.url;
    }
  });
  afterAll(async () => {
    await owned?.stop();
  });

  it('has a server (REDIS_URL or a redis-server binary)', () => {
    expect(available).toBe(true);
  });

  describe.each<Lib>(['node-redis', 'ioredis'])('%s', (lib) => {
    let conn: Conn;
    beforeAll(async () => {
      conn = await connectWith(lib, url);
    });
    afterAll(async () => {
      await conn?.close();
    });
    describe('shared store contracts', () => {
      requestStoreContract(() => createRedisRequestStore({ client: conn.client, keyPrefix: `contract:${lib}:request:` }));
      revocationStoreContract(() => createRedisRevocationStore({ client: conn.client, keyPrefix: `contract:${lib}:revoked:` }));
    });


    it('replay: first consume true, second false', async () => {
      const store = createRedisReplayStore({ client: conn.client });
      const id = uniqueId('replay');
      const exp = new Date(Date.now() + 60_000);
      expect(await store.consume(id, exp)).toBe(true);
      expect(await store.consume(id, exp)).toBe(false);
      expect(await store.consume(id, exp)).toBe(false);
    });

    it('replay: 20 connections racing for one ID — exactly one wins', async () => {
      const conns = await Promise.all(Array.from({ length: 20 }, () => connectWith(lib, url)));
      try {
        const id = uniqueId('race');
        const exp = new Date(Date.now() + 60_000);
        const results = await Promise.all(conns.map((c) => createRedisReplayStore({ client: c.client }).consume(id, exp)));
        expect(results.filter((r) => r)).toHaveLength(1);
        expect(results.filter((r) => !r)).toHaveLength(19);
      } finally {
        await Promise.all(conns.map((c) => c.close()));
      }
    });

    it('replay: the key lives until expiresAt, then the ID is new again', async () => {
      const store = createRedisReplayStore({ client: conn.client, minTtlMs: 50 });
      const id = uniqueId('expiry');
      const key = `samlguard:replay:${id}`;
      expect(await store.consume(id, new Date(Date.now() + 300))).toBe(true);
      const ttl = await conn.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(300);
      expect(await store.consume(id, new Date(Date.now() + 300))).toBe(false);
      await sleep(450);
      expect(await conn.exists(key)).toBe(false);
      expect(await store.consume(id, new Date(Date.now() + 60_000))).toBe(true);
    });

    it('replay: an expiresAt already past is still remembered for minTtlMs (default 1 s)', async () => {
      const store = createRedisReplayStore({ client: conn.client });
      const id = uniqueId('past');
      const past = new Date(Date.now() - 10_000);
      expect(await store.consume(id, past)).toBe(true);
      expect(await store.consume(id, past)).toBe(false);
      const ttl = await conn.pttl(`samlguard:replay:${id}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(1000);
    });

    it('replay: the key prefix is honoured and separates stores', async () => {
      const prefix = `${uniqueId('app')}:`;
      const a = createRedisReplayStore({ client: conn.client, keyPrefix: prefix });
      const b = createRedisReplayStore({ client: conn.client });
      const id = uniqueId('prefixed');
      const exp = new Date(Date.now() + 60_000);
      expect(await a.consume(id, exp)).toBe(true);
      expect(await conn.exists(`${prefix}${id}`)).toBe(true);
      expect(await conn.exists(`samlguard:replay:${id}`)).toBe(false);
      expect(await b.consume(id, exp)).toBe(true); // another prefix, another namespace
      expect(await a.consume(id, exp)).toBe(false);
    });

    it('request IDs: consumed once; unknown and expired IDs are false', async () => {
      const store = createRedisRequestIdStore({ client: conn.client });
      const id = uniqueId('req');
      await store.issue(id, new Date(Date.now() + 60_000));
      expect(await conn.exists(`samlguard:request:${id}`)).toBe(true);
      expect(await store.consume(uniqueId('never-issued'))).toBe(false);
      expect(await store.consume(id)).toBe(true);
      expect(await store.consume(id)).toBe(false);
      expect(await conn.exists(`samlguard:request:${id}`)).toBe(false);

      const short = uniqueId('req-short');
      await store.issue(short, new Date(Date.now() + 100));
      await sleep(250);
      expect(await store.consume(short)).toBe(false);

      // Issuing with an expiry already past withdraws an earlier issue of the same ID.
      const withdrawn = uniqueId('req-withdrawn');
      await store.issue(withdrawn, new Date(Date.now() + 60_000));
      await store.issue(withdrawn, new Date(Date.now() - 1));
      expect(await store.consume(withdrawn)).toBe(false);
    });

    it('request IDs: 20 connections racing to consume one ID — exactly one wins', async () => {
      const id = uniqueId('req-race');
      await createRedisRequestIdStore({ client: conn.client }).issue(id, new Date(Date.now() + 60_000));
      const conns = await Promise.all(Array.from({ length: 20 }, () => connectWith(lib, url)));
      try {
        const results = await Promise.all(conns.map((c) => createRedisRequestIdStore({ client: c.client }).consume(id)));
        expect(results.filter((r) => r)).toHaveLength(1);
      } finally {
        await Promise.all(conns.map((c) => c.close()));
      }
    });

    it.runIf(canStopServer)('a server stopped mid-test: consume rejects with REPLAY_STORE_UNAVAILABLE, never resolves true', async () => {
      expect(hasRedisServer, 'this case starts its own redis-server').toBe(true);
      const server = await startRedisServer();
      const own = await connectWith(lib, server.url);
      try {
        const replay = createRedisReplayStore({ client: own.client, timeoutMs: 1000 });
        const requests = createRedisRequestIdStore({ client: own.client, timeoutMs: 1000 });
        const id = uniqueId('down');
        expect(await replay.consume(id, new Date(Date.now() + 60_000))).toBe(true);
        await requests.issue(id, new Date(Date.now() + 60_000));
        await server.stop();
        const started = Date.now();
        await rejection(replay.consume(uniqueId('after-stop'), new Date(Date.now() + 60_000)), 'REPLAY_STORE_UNAVAILABLE');
        await rejection(replay.consume(id, new Date(Date.now() + 60_000)), 'REPLAY_STORE_UNAVAILABLE');
        await rejection(requests.consume(id), 'REPLAY_STORE_UNAVAILABLE');
        await rejection(requests.issue(uniqueId('after-stop'), new Date(Date.now() + 60_000)), 'REPLAY_STORE_UNAVAILABLE');
        expect(Date.now() - started).toBeLessThan(5000);
      } finally {
        await own.close();
        await server.stop();
      }
    });
  });

  it.runIf(canStopServer)('a stopped server with ioredis defaults (offline queue, retries): the store deadline still rejects', async () => {
    expect(hasRedisServer, 'this case starts its own redis-server').toBe(true);
    const server = await startRedisServer();
    const client = new Redis(server.url);
    client.on('error', () => {});
    try {
      const store = createRedisReplayStore({ client, timeoutMs: 300 });
      expect(await store.consume(uniqueId('q'), new Date(Date.now() + 60_000))).toBe(true);
      await server.stop();
      const started = Date.now();
      const err = await rejection(store.consume(uniqueId('q'), new Date(Date.now() + 60_000)), 'REPLAY_STORE_UNAVAILABLE');
      expect(err.message).toMatch(/within 300 ms/);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      client.disconnect();
      await server.stop();
    }
  });
});
