/**
 * `samlguard/stores/dynamodb`: replay and request-ID stores shared through one DynamoDB table, for
 * serverless deployments (an API Gateway authorizer on Lambda) where instances share no memory.
 *
 * Uses the `@aws-sdk/client-dynamodb` you install (an optional peer dependency that only this entry
 * loads) and the `DynamoDBClient` you pass. The table needs a string partition key (default attribute
 * `pk`) and no sort key; enable DynamoDB TTL on the expiry attribute (default `expiresAt`, epoch seconds)
 * so that old IDs are deleted. TTL deletion is lazy (it can lag by days), so the stores never rely on it:
 * an item whose expiry has passed counts as absent in every condition they write.
 *
 * Every SDK error other than a failed condition, and every timeout, rejects with
 * REPLAY_STORE_UNAVAILABLE: a store that cannot answer never lets a message through.
 */
import { DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import * as shared from './common.js';
import type { CommonSettings, SharedReplayStoreOptions, SharedStoreOptions } from './common.js';
import type { ReplayStore, RequestIdStore, RequestStore, RevocableClaims, RevocationStore, RevocationTarget } from './types.js';

export type { SharedReplayStoreOptions, SharedStoreOptions } from './common.js';
export type { ReplayStore, RequestIdStore, RequestStore, RevocationStore, RevocationTarget, RevocableClaims } from './types.js';

/** The part of a `DynamoDBClient` the stores use. */
export interface DynamoDbClientLike {
  send(command: PutItemCommand | DeleteItemCommand | GetItemCommand, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** Options of {@link createDynamoDbRequestIdStore}. */
export interface DynamoDbStoreOptions extends SharedStoreOptions {
  /**
   * A `DynamoDBClient`. Its own retries happen inside the store's `timeoutMs`; keep `maxAttempts` and the
   * request handler's `requestTimeout` small enough to fit, so a retry can succeed before the deadline.
   */
  client: DynamoDbClientLike;
  /** The table's name. Replay and request-ID stores may share one table (their key prefixes differ). */
  tableName: string;
  /** The table's partition key, a string attribute. Default `pk`. */
  keyAttribute?: string;
  /** The attribute that holds the expiry in epoch seconds — the table's TTL attribute. Default `expiresAt`. */
  ttlAttribute?: string;
}

/** Options of {@link createDynamoDbReplayStore}. */
export interface DynamoDbReplayStoreOptions extends DynamoDbStoreOptions, SharedReplayStoreOptions {}

const STORE = 'DynamoDB replay/request-ID store';

interface Table {
  client: DynamoDbClientLike;
  tableName: string;
  names: { '#k': string; '#ttl': string };
  common: CommonSettings;
  o: Record<string, unknown>;
}

function tableOf(options: unknown, factory: string, defaultPrefix: string): Table {
  const o = shared.readOptionsObject(options, factory);
  const client = o.client;
  if (typeof client !== 'object' || client === null || typeof (client as { send?: unknown }).send !== 'function') {
    throw shared.invalid('client must be a DynamoDBClient (an object with send()).');
  }
  const tableName = shared.readString(o.tableName, 'tableName', undefined, false);
  const keyAttribute = shared.readString(o.keyAttribute, 'keyAttribute', 'pk', false);
  const ttlAttribute = shared.readString(o.ttlAttribute, 'ttlAttribute', 'expiresAt', false);
  if (keyAttribute === ttlAttribute) throw shared.invalid('keyAttribute and ttlAttribute must be different attributes.');
  return { client: client as DynamoDbClientLike, tableName, names: { '#k': keyAttribute, '#ttl': ttlAttribute }, common: shared.readCommon(o, defaultPrefix), o };
}

/** DynamoDB TTL is whole epoch seconds; rounding up keeps an ID at most a second longer, never shorter. */
function epochSeconds(ms: number): string {
  return String(Math.ceil(ms / 1000));
}

/**
 * The condition counts an item as live while its expiry second is after the current (whole) second, which
 * the rounding-up above guarantees for every instant before `expiresAt`.
 */
function currentSecond(ms: number): string {
  return String(Math.floor(ms / 1000));
}

/** A failed condition is the store's "no"; it is recognised by name, which holds across SDK copies. */
function conditionFailed(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'ConditionalCheckFailedException';
}

/**
 * Runs one conditional write: true when it was applied, false when its condition failed; anything else
 * (throttling, network, a missing table, the deadline) rejects with REPLAY_STORE_UNAVAILABLE.
 */
function conditionalWrite(t: Table, command: PutItemCommand | DeleteItemCommand, what: string): Promise<boolean> {
  return shared.withDeadline(
    async (abortSignal) => {
      try {
        await t.client.send(command, { abortSignal });
        return true;
      } catch (err) {
        if (conditionFailed(err)) return false;
        throw err;
      }
    },
    t.common.timeoutMs,
    STORE,
    what,
  );
}

/**
 * A {@link ReplayStore} over DynamoDB. `consume` is one conditional PutItem of
 * `{ <key>: <prefix><id>, <ttl>: <epoch seconds> }` with `attribute_not_exists(<key>) OR <ttl> <= :now`:
 * applied → first use (true); ConditionalCheckFailed → the ID is held and unexpired (false). An expired
 * item that TTL has not yet deleted is overwritten, as if absent.
 *
 * @throws SamlGuardError CONFIG_INVALID when the options are invalid (at creation, never per call).
 * @example
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { createDynamoDbReplayStore } from 'samlguard/stores/dynamodb';
 * const store = createDynamoDbReplayStore({ client: new DynamoDBClient({}), tableName: 'saml-replay' });
 * const verifier = createVerifier({ ...config, replay: { store } });
 * ```
 */
export function createDynamoDbReplayStore(options: DynamoDbReplayStoreOptions): ReplayStore {
  const t = tableOf(options, 'createDynamoDbReplayStore', shared.REPLAY_PREFIX);
  const minTtlMs = shared.readPositiveInt(t.o.minTtlMs, 'minTtlMs', shared.DEFAULT_MIN_TTL_MS);
  const { keyPrefix, now } = t.common;
  return Object.freeze({
    async consume(id: string, expiresAt: Date): Promise<boolean> {
      shared.checkId(id, STORE);
      const expiry = shared.expiryOf(expiresAt, STORE);
      const at = shared.clock(now, STORE);
      const command = new PutItemCommand({
        TableName: t.tableName,
        Item: { [t.names['#k']]: { S: keyPrefix + id }, [t.names['#ttl']]: { N: epochSeconds(Math.max(expiry, at + minTtlMs)) } },
        ConditionExpression: 'attribute_not_exists(#k) OR #ttl <= :now',
        ExpressionAttributeNames: t.names,
        ExpressionAttributeValues: { ':now': { N: currentSecond(at) } },
      });
      return conditionalWrite(t, command, 'record the assertion ID');
    },
  });
}

/**
 * A {@link RequestIdStore} over DynamoDB. `issue` is an unconditional PutItem with the expiry (issuing an ID
 * again replaces its expiry); `consume` is a DeleteItem conditioned on
 * `attribute_exists(<key>) AND <ttl> > :now` — applied → true, ConditionalCheckFailed → false — so one
 * issued ID is consumed at most once, however many instances race for it. Expiry is to the second.
 *
 * @throws SamlGuardError CONFIG_INVALID when the options are invalid (at creation, never per call).
 */
export function createDynamoDbRequestStore(options: DynamoDbStoreOptions): RequestStore & RequestIdStore {
  const t = tableOf(options, 'createDynamoDbRequestStore', shared.REQUEST_PREFIX);
  const { keyPrefix, timeoutMs, now } = t.common;
  const store: RequestStore & RequestIdStore = Object.freeze({
    async put(id: string, expiresAt: Date): Promise<void> {
      shared.checkId(id, STORE);
      const command = new PutItemCommand({
        TableName: t.tableName,
        Item: { [t.names['#k']]: { S: keyPrefix + id }, [t.names['#ttl']]: { N: epochSeconds(shared.expiryOf(expiresAt, STORE)) } },
      });
      await shared.withDeadline((abortSignal) => t.client.send(command, { abortSignal }), timeoutMs, STORE, 'record the request ID');
    },
    issue(id: string, expiresAt: Date): Promise<void> {
      return store.put(id, expiresAt);
    },
    async consume(id: string): Promise<boolean> {
      shared.checkId(id, STORE);
      const command = new DeleteItemCommand({
        TableName: t.tableName,
        Key: { [t.names['#k']]: { S: keyPrefix + id } },
        ConditionExpression: 'attribute_exists(#k) AND #ttl > :now',
        ExpressionAttributeNames: t.names,
        ExpressionAttributeValues: { ':now': { N: currentSecond(shared.clock(now, STORE)) } },
      });
      return conditionalWrite(t, command, 'consume the request ID');
    },
  });
  return store;
}

/** The earlier name of {@link createDynamoDbRequestStore}; the same store (it has `issue` as well as `put`). */
export const createDynamoDbRequestIdStore = createDynamoDbRequestStore;

const REVOCATION_STORE = 'DynamoDB revocation store';

/**
 * A {@link RevocationStore} over DynamoDB. `revoke` puts one item per target (`<prefix>sub:…`, `sid:…`,
 * `jti:…`) with the revocation instant in `revokedAt` (epoch ms) and the expiry in the TTL attribute;
 * `isRevoked` reads the token's items with strongly consistent reads, ignoring items past their expiry
 * that TTL has not deleted yet. A failure rejects with REVOCATION_STORE_UNAVAILABLE. Default key prefix
 * `samlguard:revoked:`.
 *
 * @throws SamlGuardError CONFIG_INVALID when the options are invalid (at creation, never per call).
 */
export function createDynamoDbRevocationStore(options: DynamoDbStoreOptions): RevocationStore {
  const t = tableOf(options, 'createDynamoDbRevocationStore', 'samlguard:revoked:');
  const { keyPrefix, timeoutMs, now } = t.common;
  const guarded = <T>(what: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> => shared.revocationCall(call, timeoutMs, REVOCATION_STORE, what);
  return Object.freeze({
    async revoke(target: RevocationTarget, until: Date): Promise<void> {
      const keys = shared.revocationKeysOf(target);
      const at = shared.clock(now, REVOCATION_STORE);
      const expires = epochSeconds(shared.expiryOf(until, REVOCATION_STORE));
      await guarded('record the revocation', async (abortSignal) => {
        for (const k of keys) {
          await t.client.send(new PutItemCommand({ TableName: t.tableName, Item: { [t.names['#k']]: { S: keyPrefix + k }, [t.names['#ttl']]: { N: expires }, revokedAt: { N: String(at) } } }), { abortSignal });
        }
      });
    },
    async isRevoked(claims: RevocableClaims): Promise<boolean> {
      const keys = shared.revocationLookupKeys(claims);
      const nowS = Number(currentSecond(shared.clock(now, REVOCATION_STORE)));
      const items = await guarded('read revocations', (abortSignal) =>
        Promise.all(keys.map((k) => t.client.send(new GetItemCommand({ TableName: t.tableName, Key: { [t.names['#k']]: { S: keyPrefix + k } }, ConsistentRead: true }), { abortSignal }) as Promise<{ Item?: Record<string, { N?: string }> }>)),
      );
      // An item past its expiry that TTL has not deleted yet counts as absent.
      const found = items.map((r) => {
        const item = r?.Item;
        if (item === undefined) return undefined;
        const expires = Number(item[t.names['#ttl']]?.N);
        return Number.isFinite(expires) && expires <= nowS ? undefined : Number(item['revokedAt']?.N);
      });
      return shared.revokedBy(found, claims.iat);
    },
  });
}
