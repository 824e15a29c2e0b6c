import { concatBytes } from '../bytes/index.js';
import { SamlGuardError, quote } from '../errors.js';
import { importTrustedKeys, type KeyInput, type TrustedKey } from '../keys/index.js';
import { parseIdpMetadata, type IdpMetadata } from './parse.js';

/** A metadata document that passed every check, with its keys imported. */
export interface LoadedMetadata {
  readonly metadata: IdpMetadata;
  readonly keys: readonly TrustedKey[];
  /** Epoch ms when it was loaded. */
  readonly loadedAt: number;
  /** Epoch ms of validUntil, if the metadata has one. */
  readonly validUntil: number | undefined;
  /** Increases whenever the trusted key set or entityID changes (verifiers key their caches on it). */
  readonly generation: number;
}

/** What the provider reports after each load attempt. The library never logs; this hook is for you. */
export type MetadataEvent =
  | { ok: true; source: 'fetch' | 'hydrate'; metadata: IdpMetadata; changed: boolean }
  | { ok: false; source: 'fetch' | 'hydrate'; error: SamlGuardError; keptPrevious: boolean };

export interface MetadataProviderOptions {
  /** Where the IdP publishes its metadata (https). */
  url: string;
  /** Pick this entity when the URL serves an EntitiesDescriptor. */
  entityId?: string;
  /** Refresh period. Default 3600 s; a shorter cacheDuration in the metadata wins. */
  refreshIntervalSeconds?: number;
  /** Floor for any refresh, scheduled or requested, and the retry delay after a failure. Default 60 s. */
  minRefreshIntervalSeconds?: number;
  /** Abort a fetch after this long. Default 5000 ms. */
  timeoutMs?: number;
  /** Refuse bodies larger than this. Default 5 MiB. */
  maxBytes?: number;
  /** The fetch implementation. Default globalThis.fetch. */
  fetch?: (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<Response>;
  /** Pinned certificates the metadata must be signed with. Unsigned or badly signed metadata is refused. */
  metadataSigningCertificates?: readonly KeyInput[];
  /** Accept a SHA-1 metadata signature. Default false. */
  allowSha1?: boolean;
  /** Keep using metadata past its validUntil. Default false: its keys stop being trusted then. */
  allowExpired?: boolean;
  /** Refresh in the background on a timer (unref'd: it never keeps a process alive). Default true. */
  autoRefresh?: boolean;
  /** Called after every load attempt, success or failure. Exceptions thrown by it are ignored. */
  onEvent?: (event: MetadataEvent) => void;
  /** Clock (epoch ms) for validUntil and scheduling. Default Date.now. */
  now?: () => number;
}

/** A source of IdP trust that can change at run time (key rotation). */
export interface MetadataProvider {
  /** The metadata in force, or undefined before the first successful load. Never fetches. */
  current(): LoadedMetadata | undefined;
  /**
   * Fetch now (concurrent calls share one fetch). Within minRefreshIntervalSeconds of the last
   * successful load it returns the current metadata without fetching, unless `force` is set.
   * Rejects when the fetch or the document fails; the previous metadata stays in force.
   */
  refresh(options?: { force?: boolean }): Promise<LoadedMetadata>;
  /**
   * Cold start: load the given metadata XML (e.g. a copy bundled with your deployment) without
   * fetching, or, without an argument, fetch unless metadata is already loaded.
   */
  hydrate(xml?: string | Uint8Array): Promise<LoadedMetadata>;
  /** Stop background refreshes. */
  close(): void;
  /** Whether metadata past validUntil may still be used. */
  readonly allowExpired: boolean;
}

function invalid(message: string): SamlGuardError {
  return new SamlGuardError('CONFIG_INVALID', message);
}

function positive(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw invalid(`${name} must be a positive number.`);
  return v;
}

function sameTrust(a: LoadedMetadata | undefined, metadata: IdpMetadata): boolean {
  if (a === undefined) return false;
  const x = a.metadata;
  return x.entityId === metadata.entityId && x.signingCertificates.length === metadata.signingCertificates.length && x.signingCertificates.every((c, i) => c === metadata.signingCertificates[i]);
}

/**
 * Keep an IdP's metadata current in a long-lived process. Verifiers read `current()` on every request
 * and never wait on the network; fetching happens on a background timer or when you call `refresh()`.
 * A failed or invalid refresh keeps the last good metadata (and is reported through `onEvent`).
 */
export function createMetadataProvider(options: MetadataProviderOptions): MetadataProvider {
  if (options === null || typeof options !== 'object') throw invalid('createMetadataProvider needs options.');
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw invalid(`url ${quote(String(options.url))} is not a valid URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('url must be http(s).');
  const refreshMs = positive(options.refreshIntervalSeconds, 3600, 'refreshIntervalSeconds') * 1000;
  const minRefreshMs = positive(options.minRefreshIntervalSeconds, 60, 'minRefreshIntervalSeconds') * 1000;
  const timeoutMs = positive(options.timeoutMs, 5000, 'timeoutMs');
  const maxBytes = positive(options.maxBytes, 5 * 1024 * 1024, 'maxBytes');
  const doFetch = options.fetch ?? (globalThis.fetch as unknown as NonNullable<MetadataProviderOptions['fetch']>);
  if (typeof doFetch !== 'function') throw invalid('No fetch implementation: pass options.fetch.');
  const clock = options.now ?? Date.now;
  const pinned = options.metadataSigningCertificates === undefined ? undefined : importTrustedKeys(options.metadataSigningCertificates, 'metadataSigningCertificates');
  if (pinned !== undefined && pinned.length === 0) throw invalid('metadataSigningCertificates is empty.');
  const allowExpired = options.allowExpired === true;
  const autoRefresh = options.autoRefresh !== false;

  let state: LoadedMetadata | undefined;
  let generation = 0;
  let inFlight: Promise<LoadedMetadata> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const emit = (event: MetadataEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // A faulty hook must not break key rotation.
    }
  };

  function load(xml: string | Uint8Array, source: 'fetch' | 'hydrate'): LoadedMetadata {
    const metadata = parseIdpMetadata(xml, {
      ...(options.entityId === undefined ? {} : { entityId: options.entityId }),
      ...(pinned === undefined ? {} : { signingKeys: pinned, dsig: { allowSha1: options.allowSha1 === true } }),
    });
    const validUntil = metadata.validUntil === undefined ? undefined : Date.parse(metadata.validUntil);
    if (validUntil !== undefined && validUntil <= clock() && !allowExpired) {
      throw new SamlGuardError('METADATA_EXPIRED', `The metadata's validUntil (${metadata.validUntil}) has passed; it is not loaded. Has the IdP stopped refreshing it?`);
    }
    const keys = importTrustedKeys(metadata.signingCertificates, 'metadata');
    const changed = !sameTrust(state, metadata);
    if (changed) generation++;
    state = Object.freeze({ metadata, keys: Object.freeze(keys), loadedAt: clock(), validUntil, generation });
    emit({ ok: true, source, metadata, changed });
    return state;
  }

  function schedule(delayMs: number): void {
    if (!autoRefresh || closed) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      refresh({ force: true }).catch(() => undefined); // reported through onEvent; retried by schedule
    }, Math.max(minRefreshMs, delayMs));
    timer.unref?.();
  }

  function nextDelay(loaded: LoadedMetadata): number {
    let delay = refreshMs;
    const cache = loaded.metadata.cacheDurationSeconds;
    if (cache !== undefined) delay = Math.min(delay, cache * 1000);
    // Refresh well before validUntil, so a healthy IdP never lets us reach it.
    if (loaded.validUntil !== undefined) delay = Math.min(delay, Math.max(0, (loaded.validUntil - clock()) / 2));
    return delay;
  }

  async function fetchText(): Promise<Uint8Array> {
    let response: Response;
    try {
      response = await doFetch(url.href, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' } });
    } catch (cause) {
      const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
      throw new SamlGuardError('METADATA_UNAVAILABLE', timedOut ? `Fetching ${url.href} took longer than ${timeoutMs} ms.` : `Fetching ${url.href} failed: ${quote((cause as Error)?.message ?? String(cause))}.`, { cause });
    }
    if (!response.ok) throw new SamlGuardError('METADATA_UNAVAILABLE', `Fetching ${url.href} answered HTTP ${response.status}.`);
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new SamlGuardError('METADATA_INVALID', `The metadata at ${url.href} is ${declared} bytes; the limit is ${maxBytes} (maxBytes).`);
    }
    // Read incrementally so an endless or oversized body is cut off at the limit, not buffered whole.
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body?.getReader();
    if (reader === undefined) return new Uint8Array(0);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw new SamlGuardError('METADATA_INVALID', `The metadata at ${url.href} exceeds ${maxBytes} bytes (maxBytes).`);
        }
        chunks.push(value);
      }
    } catch (cause) {
      if (cause instanceof SamlGuardError) throw cause;
      throw new SamlGuardError('METADATA_UNAVAILABLE', `Reading ${url.href} failed: ${quote((cause as Error)?.message ?? String(cause))}.`, { cause });
    }
    return concatBytes(chunks);
  }

  function refresh(opts: { force?: boolean } = {}): Promise<LoadedMetadata> {
    if (closed) return Promise.reject(new SamlGuardError('METADATA_UNAVAILABLE', 'The metadata provider is closed.'));
    if (inFlight) return inFlight;
    if (!opts.force && state !== undefined && clock() - state.loadedAt < minRefreshMs) return Promise.resolve(state);
    inFlight = (async () => {
      try {
        const body = await fetchText();
        const loaded = load(body, 'fetch');
        schedule(nextDelay(loaded));
        return loaded;
      } catch (cause) {
        const error = cause instanceof SamlGuardError && cause.code !== 'CONFIG_INVALID' ? cause : new SamlGuardError('METADATA_INVALID', `The metadata at ${url.href} was refused: ${(cause as Error).message}`, { cause });
        emit({ ok: false, source: 'fetch', error, keptPrevious: state !== undefined });
        schedule(minRefreshMs);
        throw error;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  async function hydrate(xml?: string | Uint8Array): Promise<LoadedMetadata> {
    if (xml === undefined) return state ?? refresh({ force: true });
    try {
      const loaded = load(xml, 'hydrate');
      schedule(nextDelay(loaded));
      return loaded;
    } catch (cause) {
      const error = cause instanceof SamlGuardError && cause.code !== 'CONFIG_INVALID' ? cause : new SamlGuardError('METADATA_INVALID', `The hydrated metadata was refused: ${(cause as Error).message}`, { cause });
      emit({ ok: false, source: 'hydrate', error, keptPrevious: state !== undefined });
      throw error;
    }
  }

  return Object.freeze({
    current: () => state,
    refresh,
    hydrate,
    close: () => {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
    allowExpired,
  });
}

/** True when `value` looks like a {@link MetadataProvider}. */
export function isMetadataProvider(value: unknown): value is MetadataProvider {
  return value !== null && typeof value === 'object' && typeof (value as MetadataProvider).current === 'function' && typeof (value as MetadataProvider).refresh === 'function';
}
