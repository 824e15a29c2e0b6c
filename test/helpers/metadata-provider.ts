// A metadata provider in memory: what createMetadataProvider offers a verifier or an SP, without HTTP.
// Empty until `xml` is given or `load` is called; records refresh and hydrate calls.
import { importTrustedKeys, parseIdpMetadata } from '../../src/index.js';
import type { LoadedMetadata, MetadataProvider } from '../../src/metadata/provider.js';

export function fakeProvider(init?: { validUntil?: number; allowExpired?: boolean; xml?: string }) {
  const calls: unknown[] = [];
  let loaded: LoadedMetadata | undefined;
  const load = (xml: string, validUntil?: number): LoadedMetadata => {
    const metadata = parseIdpMetadata(xml);
    loaded = { metadata, keys: importTrustedKeys(metadata.signingCertificates), loadedAt: 0, validUntil, generation: (loaded?.generation ?? 0) + 1 };
    return loaded;
  };
  if (init?.xml !== undefined) load(init.xml, init.validUntil);
  const provider = {
    allowExpired: init?.allowExpired ?? false,
    current: () => loaded,
    refresh: async (o?: unknown) => {
      calls.push(['refresh', o]);
      return loaded!;
    },
    hydrate: async (xml?: string | Uint8Array) => {
      calls.push(['hydrate', xml]);
      return load(String(xml));
    },
    close: () => undefined,
  };
  return { provider: provider as unknown as MetadataProvider, calls, load };
}

