/** The process surface the CLI touches, passed in so that commands never reach for globals directly. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stdin: AsyncIterable<unknown> & { readonly isTTY?: boolean };
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
}

/** Exit codes: part of the CLI's public contract. */
export const EXIT = Object.freeze({
  /** The response was verified and accepted (verify), or decoded (inspect), or the command succeeded. */
  OK: 0,
  /** The response was rejected (verify) or could not be decoded (inspect). */
  REJECTED: 1,
  /** No verdict: usage error, configuration error, unreadable file, unsupported option. */
  USAGE: 2,
});

/**
 * A failure that prevents a verdict (bad flag, unreadable file, invalid configuration). Exits 2, so
 * scripts can tell "this response is bad" (1) from "this command is wrong" (2).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /**
   * Stable machine-readable kind for --json `code`: USAGE, CONFIG_INVALID, UNSUPPORTED, IO,
   * METADATA_FETCH, or the library's METADATA_* code when the trust configuration itself is unusable.
   */
  readonly kind: 'USAGE' | 'CONFIG_INVALID' | 'UNSUPPORTED' | 'IO' | 'METADATA_FETCH' | 'METADATA_INVALID' | 'METADATA_UNAVAILABLE' | 'METADATA_EXPIRED';
  /** What to do about it, when there is something more specific than --help. */
  readonly hint: string | undefined;

  constructor(kind: UsageError['kind'], message: string, hint?: string) {
    super(message);
    this.kind = kind;
    this.hint = hint;
  }
}
