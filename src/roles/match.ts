import { SamlGuardError, quote } from '../errors.js';

/**
 * Value matchers for role rules: exact, glob and anchored regex, each returning the captured texts of a
 * match (or null). Everything here runs on IdP-supplied values that a user may partly choose (a display
 * name, a self-service group), so matching must stay cheap whatever the value is.
 */

/** A compiled matcher: `null` when the value does not match, else the captures ($1 = index 0). */
export type ValueMatcher = (value: string) => (string | undefined)[] | null;

export interface CompiledMatcher {
  match: ValueMatcher;
  /** How many capture groups a role template may reference. */
  captures: number;
}

/** Longest value a regex rule is run against; longer values never match a regex rule (globs have no limit). */
export const MAX_REGEX_INPUT = 256;
/** Longest accepted regex or glob source. */
export const MAX_PATTERN_LENGTH = 512;
/**
 * Most variable quantifiers (`*`, `+`, `?`, `{n,}`, `{n,m}`) one regex may hold. V8 backtracks, so k
 * overlapping `.*` cost about n^k steps on a value that almost matches: measured, three take ~25 ms on a
 * 256-character value, four take over a second. With the input cap above, three keeps the worst case bounded.
 */
export const MAX_VARIABLE_QUANTIFIERS = 3;

function invalid(message: string): SamlGuardError {
  return new SamlGuardError('CONFIG_INVALID', message);
}

export function compileEquals(expected: string): CompiledMatcher {
  return { match: (value) => (value === expected ? [] : null), captures: 0 };
}

/** A glob token: one literal code point, or one of the two wildcards. */
type GlobToken = string | typeof ONE | typeof STAR;
const ONE = 0;
const STAR = 1;

/**
 * Glob: `*` is any run of characters (and a capture, $1 for the first), `?` exactly one character, `\`
 * makes the next character literal. Matched by the classic two-pointer algorithm, O(value × pattern),
 * never by a backtracking regex, so no glob can be slow.
 */
export function compileGlob(pattern: string): CompiledMatcher {
  if (pattern.length > MAX_PATTERN_LENGTH) throw invalid(`glob ${quote(pattern)} is longer than ${MAX_PATTERN_LENGTH} characters.`);
  const tokens: GlobToken[] = [];
  const chars = Array.from(pattern); // code points, so `?` matches one character, not half a surrogate pair
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\') {
      const next = chars[++i];
      if (next === undefined) throw invalid(`glob ${quote(pattern)} ends with a lone backslash.`);
      tokens.push(next);
    } else if (c === '*') {
      // `**` would be two captures competing for the same text: ambiguous, so refused.
      if (tokens.at(-1) === STAR) throw invalid(`glob ${quote(pattern)} has two adjacent '*'.`);
      tokens.push(STAR);
    } else {
      tokens.push(c === '?' ? ONE : c);
    }
  }
  const stars = tokens.filter((t) => t === STAR).length;
  return { match: (value) => matchGlob(tokens, stars, value), captures: stars };
}

function matchGlob(tokens: readonly GlobToken[], stars: number, input: string): string[] | null {
  const value = Array.from(input);
  const start = new Array<number>(stars).fill(0);
  const end = new Array<number>(stars).fill(0);
  let p = 0; // token index
  let i = 0; // value index (code points)
  let k = 0; // number of '*' before token p
  let lastStar = -1; // token index of the last '*' passed: on a mismatch it takes one more character
  let lastStarK = 0;
  let lastStarEnd = 0;
  while (i < value.length) {
    const t = tokens[p];
    if (t === STAR) {
      start[k] = end[k] = i;
      lastStar = p;
      lastStarK = k;
      lastStarEnd = i;
      k++;
      p++;
    } else if (t !== undefined && (t === ONE || t === value[i])) {
      p++;
      i++;
    } else if (lastStar >= 0) {
      // Earlier stars never need to grow: whatever a longer earlier star could absorb, the last one can.
      end[lastStarK] = ++lastStarEnd;
      i = lastStarEnd;
      p = lastStar + 1;
      k = lastStarK + 1;
    } else {
      return null;
    }
  }
  for (; tokens[p] === STAR; p++, k++) start[k] = end[k] = i;
  if (p !== tokens.length) return null;
  return start.map((s, n) => value.slice(s, end[n]).join(''));
}

/**
 * An anchored regex (`^(?:source)$`, Unicode mode), refused when it can backtrack catastrophically:
 * backreferences and lookaround (never needed to classify a claim value), a repeated group that contains
 * a quantifier or an alternation (`(a+)+`, `(a|ab)*`: exponential), more than
 * {@link MAX_VARIABLE_QUANTIFIERS} variable quantifiers (polynomial), or a source over
 * {@link MAX_PATTERN_LENGTH} characters. Values longer than {@link MAX_REGEX_INPUT} never match.
 */
export function compileRegex(source: string): CompiledMatcher {
  if (source.length > MAX_PATTERN_LENGTH) throw invalid(`regex ${quote(source)} is longer than ${MAX_PATTERN_LENGTH} characters.`);
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${source})$`, 'u');
  } catch (cause) {
    throw new SamlGuardError('CONFIG_INVALID', `regex ${quote(source)} is not a valid regular expression: ${(cause as Error).message}`, { cause });
  }
  // An unmatched ')' in the source would close our wrapper group early and unanchor the rest ("a)|(b").
  // Compiling the bare source too catches that, since on its own it is a syntax error.
  try {
    new RegExp(source, 'u');
  } catch (cause) {
    throw new SamlGuardError('CONFIG_INVALID', `regex ${quote(source)} is not a valid regular expression: ${(cause as Error).message}`, { cause });
  }
  checkRegexSafety(source);
  const captures = new RegExp(`(?:${source})|`, 'u').exec('')!.length - 1;
  return {
    match: (value) => {
      if (value.length > MAX_REGEX_INPUT) return null;
      const m = re.exec(value);
      return m === null ? null : m.slice(1);
    },
    captures,
  };
}

interface GroupFrame {
  /** The group contains a variable quantifier (directly or in a nested group). */
  quantified: boolean;
  /** The group contains an alternation (directly or in a nested group). */
  alternation: boolean;
}

/** Walk a source that already compiled in Unicode mode (so its syntax is known to be valid). */
function checkRegexSafety(source: string): void {
  const unsafe = (why: string): SamlGuardError => invalid(`regex ${quote(source)} is refused: ${why}. Role rules must match in bounded time; rewrite it, or use a glob.`);
  const stack: GroupFrame[] = [{ quantified: false, alternation: false }];
  let last: 'none' | 'atom' | 'quantifier' = 'none';
  let lastGroup: GroupFrame | undefined; // set when the previous atom was a group
  let variable = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const d = source[i + 1] ?? '';
      if (/[1-9]/.test(d) || d === 'k') throw unsafe('backreferences are not allowed');
      // \p{…}, \P{…} and \u{…} carry braces that are not a quantifier.
      if ((d === 'p' || d === 'P' || d === 'u') && source[i + 2] === '{') i = source.indexOf('}', i + 2);
      else i++;
      last = 'atom';
      lastGroup = undefined;
      continue;
    }
    if (c === '[') {
      // Skip the class: in Unicode mode (no `v` flag) classes do not nest and `]` ends one unless escaped.
      i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      last = 'atom';
      lastGroup = undefined;
      continue;
    }
    if (c === '(') {
      if (source[i + 1] === '?') {
        const kind = source.slice(i + 2, i + 4);
        if (kind.startsWith('=') || kind.startsWith('!') || kind === '<=' || kind === '<!') throw unsafe('lookaround is not allowed');
        // Step over `?:` or `?<name>`: that `?` marks the group kind, it is not a quantifier.
        i = source[i + 2] === '<' ? source.indexOf('>', i + 2) : i + 2;
      }
      stack.push({ quantified: false, alternation: false });
      last = 'none';
      lastGroup = undefined;
      continue;
    }
    if (c === ')') {
      const group = stack.pop()!;
      const parent = stack.at(-1)!;
      parent.quantified ||= group.quantified;
      parent.alternation ||= group.alternation;
      last = 'atom';
      lastGroup = group;
      continue;
    }
    if (c === '|') {
      stack.at(-1)!.alternation = true;
      last = 'none';
      lastGroup = undefined;
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      if (c === '?' && last === 'quantifier') continue; // lazy modifier of the previous quantifier
      let min = c === '+' ? 1 : 0;
      let max = c === '?' ? 1 : Number.POSITIVE_INFINITY;
      if (c === '{') {
        const close = source.indexOf('}', i);
        const m = /^\{(\d+)(,(\d*))?\}$/.exec(source.slice(i, close + 1))!;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
        i = close;
      }
      if (max > min) {
        variable++;
        if (variable > MAX_VARIABLE_QUANTIFIERS) throw unsafe(`more than ${MAX_VARIABLE_QUANTIFIERS} variable quantifiers`);
        stack.at(-1)!.quantified = true;
      }
      if (max > 1 && lastGroup !== undefined && (lastGroup.quantified || lastGroup.alternation)) {
        throw unsafe(lastGroup.quantified ? 'a repeated group contains a quantifier (nested quantifiers)' : 'a repeated group contains an alternation');
      }
      last = 'quantifier';
      lastGroup = undefined;
      continue;
    }
    last = 'atom';
    lastGroup = undefined;
  }
}
