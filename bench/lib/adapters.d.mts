// Types for adapters.mjs (plain ESM so that cold-start children run it without a TypeScript loader).
import type { BenchInput } from './inputs.js';

/** What adapters read from an input (a BenchInput, or the same fields from JSON in a child process). */
export type AdapterInput = Pick<BenchInput, 'certificatePem' | 'config'>;

export type VerifyFn = (base64: string) => Promise<unknown>;

export interface Adapter {
  readonly id: string;
  readonly label: string;
  readonly packageName: string;
  /** How the library is called. */
  readonly call: string;
  /** What its configuration does and does not check, compared with samlguard's. */
  readonly notes: string;
  load(): Promise<unknown>;
  configure(mod: unknown, input: AdapterInput): VerifyFn;
  nameIdOf(result: unknown): string | undefined;
}

export type LibraryId = 'samlguard' | 'node-saml' | 'samlify' | 'boxyhq' | 'xml-crypto';
export type PeerId = Exclude<LibraryId, 'samlguard'>;

export declare const ADAPTERS: Readonly<Record<LibraryId, Adapter>>;
export declare const PEER_IDS: readonly PeerId[];
export declare function samlguardOptions(input: AdapterInput): {
  idp: { entityId: string; certificates: string[] };
  audience: string;
  recipient: string;
  clockSkewSeconds: number;
};
export declare function packageVersion(packageName: string): string;
export declare function reasonOf(err: unknown): string;
