// Where trust comes from: configured certificates, static metadata, or a metadata provider whose key
// set can change at run time. Static inputs are parsed and imported once, at configuration.
import { SamlGuardError, quote } from '../errors.js';
import { invalid } from '../config/values.js';
import { importTrustedKeys, type TrustedKey } from '../keys/index.js';
import { parseIdpMetadata, type IdpMetadata } from '../metadata/parse.js';
import { isMetadataProvider } from '../metadata/provider.js';
import type { VerifyOptions } from '../types.js';

export interface CurrentTrust {
  entityId: string;
  keys: readonly TrustedKey[];
  generation: number;
}

export interface Trust {
  /** The trust in force at `now`, or a rejection (metadata missing or expired). */
  current(now: number): CurrentTrust;
  /** The same without checks, for diagnostics. */
  peek(): { entityId: string | undefined; keys: readonly TrustedKey[] };
  refresh(): Promise<void>;
  hydrate(xml?: string | Uint8Array): Promise<void>;
}

/**
 * Where trust comes from: configured certificates, static metadata, or a metadata provider whose key set
 * can change at run time. Static inputs are parsed and imported here, once.
 */
export function resolveTrust(idp: VerifyOptions['idp'], configuredEntityId: string | undefined, allowSha1: boolean): Trust {
  const certificateKeys: TrustedKey[] = [];
  if (idp.certificates !== undefined && idp.certificates !== null) {
    if (!Array.isArray(idp.certificates)) throw invalid('idp.certificates must be an array.');
    certificateKeys.push(...importTrustedKeys(idp.certificates));
  }
  const pinned = idp.metadataSigningCertificates === undefined || idp.metadataSigningCertificates === null ? undefined : importTrustedKeys(idp.metadataSigningCertificates, 'idp.metadataSigningCertificates');
  const allowExpired = idp.allowExpiredMetadata === true;
  const source = idp.metadata;

  if (isMetadataProvider(source)) {
    const provider = source;
    return {
      current(now) {
        const loaded = provider.current();
        if (loaded === undefined) {
          if (configuredEntityId !== undefined && certificateKeys.length > 0) return { entityId: configuredEntityId, keys: certificateKeys, generation: 0 };
          throw new SamlGuardError('METADATA_UNAVAILABLE', 'No IdP metadata is loaded yet: call `await verifier.hydrate()` at cold start (or hydrate(xml) with a bundled copy).');
        }
        if (loaded.validUntil !== undefined && now >= loaded.validUntil && !provider.allowExpired) {
          throw new SamlGuardError('METADATA_EXPIRED', `The IdP metadata expired at ${new Date(loaded.validUntil).toISOString()} (validUntil) and no fresher copy could be loaded; its keys are no longer trusted.`);
        }
        if (configuredEntityId !== undefined && configuredEntityId !== loaded.metadata.entityId) {
          throw new SamlGuardError('METADATA_INVALID', `The metadata describes ${quote(loaded.metadata.entityId)}, but idp.entityId is ${quote(configuredEntityId)}.`);
        }
        return { entityId: loaded.metadata.entityId, keys: certificateKeys.length ? [...certificateKeys, ...loaded.keys] : loaded.keys, generation: loaded.generation };
      },
      peek: () => ({ entityId: configuredEntityId ?? provider.current()?.metadata.entityId, keys: [...certificateKeys, ...(provider.current()?.keys ?? [])] }),
      refresh: async () => {
        await provider.refresh({ force: true });
      },
      hydrate: async (xml) => {
        await provider.hydrate(xml);
      },
    };
  }

  let entityId = configuredEntityId;
  const keys = [...certificateKeys];
  let validUntil: number | undefined;
  if (source !== undefined && source !== null) {
    if (typeof source !== 'string' && !(source instanceof Uint8Array)) throw invalid('idp.metadata must be the metadata XML (string or bytes) or a metadata provider.');
    let md: IdpMetadata;
    try {
      md = parseIdpMetadata(source, {
        ...(entityId === undefined ? {} : { entityId }),
        ...(pinned === undefined ? {} : { signingKeys: pinned, dsig: { allowSha1 } }),
      });
    } catch (cause) {
      throw new SamlGuardError('CONFIG_INVALID', `idp.metadata: ${(cause as Error).message}`, { cause });
    }
    entityId ??= md.entityId;
    keys.push(...importTrustedKeys(md.signingCertificates, 'idp.metadata'));
    if (md.validUntil !== undefined && !allowExpired) validUntil = Date.parse(md.validUntil);
  } else if (pinned !== undefined) {
    throw invalid('idp.metadataSigningCertificates is set but idp.metadata is not.');
  }
  if (entityId === undefined) throw invalid('idp.entityId is required (or give idp.metadata): every Issuer is checked against it.');
  if (keys.length === 0) throw invalid('No trusted key: give idp.certificates or idp.metadata.');
  const fixed: CurrentTrust = Object.freeze({ entityId, keys: Object.freeze(keys), generation: 0 });
  return {
    current(now) {
      if (validUntil !== undefined && now >= validUntil) {
        throw new SamlGuardError('METADATA_EXPIRED', `The configured IdP metadata expired at ${new Date(validUntil).toISOString()} (validUntil); update it, or opt in with idp.allowExpiredMetadata.`);
      }
      return fixed;
    },
    peek: () => fixed,
    refresh: () => Promise.resolve(),
    hydrate: () => Promise.resolve(),
  };
}
