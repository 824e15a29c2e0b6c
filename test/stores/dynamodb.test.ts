// samlguard/stores/dynamodb against dynalite (an in-memory DynamoDB implementation), started in-process on
// a free loopback port. dynalite never deletes by TTL — like DynamoDB, which does so hours late — so the
// "expired item still present" cases are real here.
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbReplayStore, createDynamoDbRequestIdStore, createDynamoDbRequestStore, createDynamoDbRevocationStore, type DynamoDbClientLike } from '../../src/stores/dynamodb.js';
import { requestStoreContract, revocationStoreContract } from './contracts.js';
import { rejection, startDynalite, thrown, uniqueId } from './servers.js';

// The SDK warns once per process that its 2027+ releases need Node 22; the pinned release runs on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const TABLE = 'samlguard-test';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

function clientFor(endpoint: string, extra: { maxAttempts?: number; requestTimeout?: number } = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: extra.maxAttempts ?? 3,
    requestHandler: { requestTimeout: extra.requestTimeout ?? 5000, connectionTimeout: 1000 },
  });
}

async function createTable(client: DynamoDBClient, name: string, keyAttribute = 'pk'): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: keyAttribute, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: keyAttribute, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

describe('createDynamoDbReplayStore / createDynamoDbRequestIdStore options', () => {
  const client: DynamoDbClientLike = { send: async () => ({}) };

  it('reject invalid options at creation with CONFIG_INVALID', () => {
    const bad: unknown[] = [
      undefined,
      { tableName: 't' },
      { client: {}, tableName: 't' },
      { client },
      { client, tableName: '' },
      { client, tableName: 't', keyAttribute: '' },
      { client, tableName: 't', keyAttribute: 'x', ttlAttribute: 'x' },
      { client, tableName: 't', keyPrefix: null, timeoutMs: -5 },
      { client, tableName: 't', minTtlMs: 0 },
    ];
    for (const options of bad) thrown(() => createDynamoDbReplayStore(options as never), 'CONFIG_INVALID');
    thrown(() => createDynamoDbRequestIdStore({ client } as never), 'CONFIG_INVALID');
  });

  it('an SDK error other than a failed condition rejects with REPLAY_STORE_UNAVAILABLE and keeps the cause', async () => {
    const cause = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    const failing: DynamoDbClientLike = { send: () => Promise.reject(cause) };
    const exp = new Date(Date.now() + 60_000);
    const err = await rejection(createDynamoDbReplayStore({ client: failing, tableName: 't' }).consume('a', exp), 'REPLAY_STORE_UNAVAILABLE');
    expect(err.cause).toBe(cause);
    expect(err.message).toMatch(/rejected, not accepted/);
    await rejection(createDynamoDbRequestIdStore({ client: failing, tableName: 't' }).issue('a', exp), 'REPLAY_STORE_UNAVAILABLE');
    await rejection(createDynamoDbRequestIdStore({ client: failing, tableName: 't' }).consume('a'), 'REPLAY_STORE_UNAVAILABLE');
  });

  it('a request that never answers is aborted after timeoutMs', async () => {
    let signal: AbortSignal | undefined;
    const hanging: DynamoDbClientLike = {
      send: (_command, options) => {
        signal = options?.abortSignal;
        return new Promise<never>(() => {});
      },
    };
    const err = await rejection(createDynamoDbReplayStore({ client: hanging, tableName: 't', timeoutMs: 100 }).consume('a', new Date(Date.now() + 60_000)), 'REPLAY_STORE_UNAVAILABLE');
    expect(err.message).toMatch(/within 100 ms/);
    expect(signal?.aborted).toBe(true);
  });
});

describe('DynamoDB stores against dynalite', () => {
  let server: Awaited<ReturnType<typeof startDynalite>>;
  let client: DynamoDBClient;

  beforeAll(async () => {
    server = await startDynalite();
    client = clientFor(server.endpoint);
    await createTable(client, TABLE);
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });

  describe('shared store contracts', () => {
    requestStoreContract(() => createDynamoDbRequestStore({ client, tableName: TABLE, keyPrefix: 'contract:request:' }));
    revocationStoreContract(() => createDynamoDbRevocationStore({ client, tableName: TABLE, keyPrefix: 'contract:revoked:' }));
  });

  async function item(key: string, table = TABLE, keyAttribute = 'pk'): Promise<Record<string, { S?: string; N?: string }> | undefined> {
    const out = await client.send(new GetItemCommand({ TableName: table, Key: { [keyAttribute]: { S: key } }, ConsistentRead: true }));
    return out.Item as Record<string, { S?: string; N?: string }> | undefined;
  }

  it('replay: first consume true, second false; the item carries the expiry in epoch seconds', async () => {
    const store = createDynamoDbReplayStore({ client, tableName: TABLE });
    const id = uniqueId('replay');
    const exp = new Date(Date.now() + 60_000);
    expect(await store.consume(id, exp)).toBe(true);
    expect(await store.consume(id, exp)).toBe(false);
    expect(await store.consume(id, exp)).toBe(false);
    const stored = await item(`samlguard:replay:${id}`);
    expect(stored?.expiresAt?.N).toBe(String(Math.ceil(exp.getTime() / 1000)));
  });

  it('replay: 20 clients racing for one ID — exactly one wins', async () => {
    const clients = Array.from({ length: 20 }, () => clientFor(server.endpoint));
    try {
      const id = uniqueId('race');
      const exp = new Date(Date.now() + 60_000);
      const results = await Promise.all(clients.map((c) => createDynamoDbReplayStore({ client: c, tableName: TABLE }).consume(id, exp)));
      expect(results.filter((r) => r)).toHaveLength(1);
    } finally {
      for (const c of clients) c.destroy();
    }
  });

  it('replay: an expired item that TTL has not deleted yet counts as absent', async () => {
    const id = uniqueId('stale');
    const key = `samlguard:replay:${id}`;
    const nowSeconds = Math.floor(Date.now() / 1000);
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: key }, expiresAt: { N: String(nowSeconds - 5) } } }));
    const store = createDynamoDbReplayStore({ client, tableName: TABLE });
    expect(await store.consume(id, new Date(Date.now() + 60_000))).toBe(true);
    expect(await store.consume(id, new Date(Date.now() + 60_000))).toBe(false);
    expect(Number((await item(key))?.expiresAt?.N)).toBeGreaterThan(nowSeconds + 50);
  });

  it('replay: live until expiresAt by the store clock, then new again (no waiting: injected clock)', async () => {
    let now = Date.UTC(2030, 0, 1);
    const store = createDynamoDbReplayStore({ client, tableName: TABLE, now: () => now });
    const id = uniqueId('clock');
    const exp = new Date(now + 10_000);
    expect(await store.consume(id, exp)).toBe(true);
    now += 9_999;
    expect(await store.consume(id, exp)).toBe(false);
    now += 1;
    expect(await store.consume(id, new Date(now + 10_000))).toBe(true);
  });

  it('replay: an expiresAt already past is still remembered for minTtlMs', async () => {
    let now = Date.UTC(2030, 0, 1);
    const store = createDynamoDbReplayStore({ client, tableName: TABLE, now: () => now, minTtlMs: 5000 });
    const id = uniqueId('past');
    const past = new Date(now - 60_000);
    expect(await store.consume(id, past)).toBe(true);
    now += 4000;
    expect(await store.consume(id, past)).toBe(false);
    now += 1000;
    expect(await store.consume(id, past)).toBe(true);
  });

  it('replay: custom key/TTL attributes and key prefix are honoured', async () => {
    const table = `${TABLE}-custom`;
    await createTable(client, table, 'id');
    const store = createDynamoDbReplayStore({ client, tableName: table, keyAttribute: 'id', ttlAttribute: 'ttl', keyPrefix: 'app1/' });
    const id = uniqueId('custom');
    const exp = new Date(Date.now() + 60_000);
    expect(await store.consume(id, exp)).toBe(true);
    const stored = await item(`app1/${id}`, table, 'id');
    expect(stored?.ttl?.N).toBe(String(Math.ceil(exp.getTime() / 1000)));
    expect(stored?.expiresAt).toBeUndefined();
    expect(await store.consume(id, exp)).toBe(false);
    expect(await createDynamoDbReplayStore({ client, tableName: table, keyAttribute: 'id', ttlAttribute: 'ttl', keyPrefix: 'app2/' }).consume(id, exp)).toBe(true);
  });

  it('request IDs: consumed once; unknown and expired IDs are false; replay and request keys do not collide', async () => {
    let now = Date.UTC(2030, 0, 1);
    const store = createDynamoDbRequestIdStore({ client, tableName: TABLE, now: () => now });
    const id = uniqueId('req');
    await store.issue(id, new Date(now + 60_000));
    expect(await store.consume(uniqueId('never-issued'))).toBe(false);
    expect(await createDynamoDbReplayStore({ client, tableName: TABLE, now: () => now }).consume(id, new Date(now + 60_000))).toBe(true);
    expect(await store.consume(id)).toBe(true);
    expect(await store.consume(id)).toBe(false);
    expect(await item(`samlguard:request:${id}`)).toBeUndefined();

    const short = uniqueId('req-short');
    await store.issue(short, new Date(now + 2000));
    now += 2000;
    expect(await store.consume(short)).toBe(false);
    expect(await item(`samlguard:request:${short}`)).toBeDefined(); // left for TTL to delete

    const withdrawn = uniqueId('req-withdrawn');
    await store.issue(withdrawn, new Date(now + 60_000));
    await store.issue(withdrawn, new Date(now - 1000));
    expect(await store.consume(withdrawn)).toBe(false);
  });

  it('request IDs: 20 clients racing to consume one ID — exactly one wins', async () => {
    const id = uniqueId('req-race');
    await createDynamoDbRequestIdStore({ client, tableName: TABLE }).issue(id, new Date(Date.now() + 60_000));
    const clients = Array.from({ length: 20 }, () => clientFor(server.endpoint));
    try {
      const results = await Promise.all(clients.map((c) => createDynamoDbRequestIdStore({ client: c, tableName: TABLE }).consume(id)));
      expect(results.filter((r) => r)).toHaveLength(1);
    } finally {
      for (const c of clients) c.destroy();
    }
  });

  it('a missing table rejects with REPLAY_STORE_UNAVAILABLE', async () => {
    const store = createDynamoDbReplayStore({ client, tableName: 'no-such-table' });
    const err = await rejection(store.consume(uniqueId('x'), new Date(Date.now() + 60_000)), 'REPLAY_STORE_UNAVAILABLE');
    expect((err.cause as Error).name).toBe('ResourceNotFoundException');
  });

  it('dynalite closed mid-test: consume rejects with REPLAY_STORE_UNAVAILABLE, never resolves true', async () => {
    const own = await startDynalite();
    const ownClient = clientFor(own.endpoint, { maxAttempts: 1, requestTimeout: 500 });
    try {
      await createTable(ownClient, TABLE);
      const replay = createDynamoDbReplayStore({ client: ownClient, tableName: TABLE, timeoutMs: 1000 });
      const requests = createDynamoDbRequestIdStore({ client: ownClient, tableName: TABLE, timeoutMs: 1000 });
      const id = uniqueId('down');
      expect(await replay.consume(id, new Date(Date.now() + 60_000))).toBe(true);
      await requests.issue(id, new Date(Date.now() + 60_000));
      await own.stop();
      const started = Date.now();
      await rejection(replay.consume(uniqueId('after-stop'), new Date(Date.now() + 60_000)), 'REPLAY_STORE_UNAVAILABLE');
      await rejection(replay.consume(id, new Date(Date.now() + 60_000)), 'REPLAY_STORE_UNAVAILABLE');
      await rejection(requests.consume(id), 'REPLAY_STORE_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      ownClient.destroy();
      await own.stop();
    }
  });
});
