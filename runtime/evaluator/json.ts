/**
 * Strict JSON for everything the tools read from a user (an IR policy, a state, an action, a line of a
 * batch): RFC 8259 plus what JSON.parse lets through silently — a key given twice in one object (JSON.parse
 * keeps the last: `{"role":"acme_member","role":"global_admin"}` would be read as a global admin), an
 * escaped lone surrogate (not a character), and nesting deep enough to exhaust a recursive consumer.
 * Every problem is located (offset, line, column) at the place it starts: the second occurrence of a
 * duplicate key, the unexpected character, the bracket one level too deep.
 *
 * One linear pass, no recursion (a 1 MB `[[[[…` is a located error, not a stack overflow), no value built:
 * once the text passes, JSON.parse builds the value (fast, native). A leading byte order mark is skipped
 * (RFC 8259 §8.1 allows ignoring it); anywhere else it is an unexpected character.
 */

/** Where JSON text goes wrong: 0-based offset, 1-based line and column (in UTF-16 units), and why. */
export interface JsonError {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** e.g. ``malformed JSON: unexpected `}` ``, ``duplicate key `role` `` */
  readonly message: string;
}

/** A member of the top-level object: its (decoded) key and the span of its value's text. */
export interface JsonMember {
  readonly key: string;
  readonly start: number;
  readonly end: number;
}

export interface JsonScanOptions {
  /** arrays and objects nested deeper than this are an error (default 1000) */
  maxDepth?: number;
  /** skip a leading byte order mark (default true) */
  allowBom?: boolean;
  /**
   * Called where a value of the top-level object starts, with its key: the length of text there that is
   * known to be one complete JSON array or object (checked before, at the same depth) to skip, or 0.
   */
  skip?: (key: string, start: number) => number;
}

export const DEFAULT_MAX_JSON_DEPTH = 1000;

export type JsonScan = { ok: true; /** where the value starts (after a BOM and whitespace) */ start: number; /** the top-level object's members, in order (empty for other values) */ members: JsonMember[] } | { ok: false; error: JsonError };
export type JsonParse = { ok: true; value: unknown } | { ok: false; error: JsonError };

/** 1-based line and column of an offset (UTF-16 units; `\n` ends a line). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** How a character is shown in a message: printable ones in backticks, others as a JSON escape. */
function shown(text: string, at: number): string {
  if (at >= text.length) return 'end of input';
  const c = text.charCodeAt(at);
  if (c >= 0xd800 && c <= 0xdbff && at + 1 < text.length) {
    const d = text.charCodeAt(at + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return `\`${text.slice(at, at + 2)}\``;
  }
  if (c < 0x20 || c === 0x7f || c === 0xfeff || (c >= 0x80 && c <= 0x9f) || (c >= 0xd800 && c <= 0xdfff) || c === 0x2028 || c === 0x2029 || c === 0x20)
    return c === 0x20 ? '" "' : c === 0xfeff ? 'byte order mark (U+FEFF)' : `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  return `\`${text[at]}\``;
}

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const hex4 = (text: string, at: number): number => {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = text.charCodeAt(at + k);
    if (!isHex(c)) return -1;
    v = v * 16 + (c <= 57 ? c - 48 : (c | 32) - 87);
  }
  return v;
};

/** Objects with more keys than this check duplicates with a Set instead of comparing spans. */
const SMALL_OBJECT = 16;

// The helpers below return the offset after what they scanned, or −1 with `problem`/`problemAt` set.
// (Module state rather than closures: the scan's index stays a register, which makes it several times faster.)
let problem = '';
let problemAt = 0;
/** whether the last string scanned had an escape */
let escaped = false;

function skipWs(text: string, i: number, n: number): number {
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
  }
  return i;
}

const badAt = (at: number, why: string): number => {
  problemAt = at;
  problem = why;
  return -1;
};

/** A string starting at `i` (a quote). */
function scanString(text: string, i: number, n: number): number {
  const open = i++;
  escaped = false;
  for (;;) {
    if (i >= n) return badAt(open, 'malformed JSON: unterminated string');
    const c = text.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c >= 0x20 && c !== 92 && (c < 0xd800 || c > 0xdfff)) {
      i++;
      continue;
    }
    if (c === 92) {
      escaped = true;
      const e = text.charCodeAt(i + 1);
      if (e === 117) {
        const v = hex4(text, i + 2);
        if (v < 0) return badAt(i, 'malformed JSON: `\\u` needs four hex digits');
        if (v >= 0xd800 && v <= 0xdbff) {
          // a high surrogate must be followed by an escaped low one
          const w = text.charCodeAt(i + 6) === 92 && text.charCodeAt(i + 7) === 117 ? hex4(text, i + 8) : -1;
          if (w < 0xdc00 || w > 0xdfff) return badAt(i, `malformed JSON: lone surrogate \`${text.slice(i, i + 6)}\` is not a character`);
          i += 12;
        } else if (v >= 0xdc00 && v <= 0xdfff) return badAt(i, `malformed JSON: lone surrogate \`${text.slice(i, i + 6)}\` is not a character`);
        else i += 6;
      } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) i += 2;
      else return badAt(i + 1, `malformed JSON: unknown escape ${i + 1 < n ? `\`\\${text[i + 1]}\`` : 'at end of input'}`);
    } else if (c < 0x20) return badAt(i, `malformed JSON: ${shown(text, i)} must be escaped in a string`);
    else {
      // unescaped surrogates can only come from a JS string (UTF-8 cannot encode them): pairs only
      const d = text.charCodeAt(i + 1);
      if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) return badAt(i, `malformed JSON: lone surrogate ${shown(text, i)} is not a character`);
      i += 2;
    }
  }
}

function digits(text: string, i: number, n: number): number {
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  return i;
}

/** A number starting at `i` (a minus or a digit). */
function scanNumber(text: string, i: number, n: number): number {
  if (text.charCodeAt(i) === 45) i++;
  const first = text.charCodeAt(i);
  const d = digits(text, i, n);
  if (d === i) return badAt(i, `malformed JSON: unexpected ${shown(text, i)}`);
  if (first === 48 && d > i + 1) return badAt(i + 1, 'malformed JSON: a number cannot have a leading zero');
  i = d;
  if (text.charCodeAt(i) === 46) {
    const f = digits(text, i + 1, n);
    if (f === i + 1) return badAt(f, `malformed JSON: unexpected ${shown(text, f)}`);
    i = f;
  }
  const e = text.charCodeAt(i);
  if (e === 101 || e === 69) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 43 || sign === 45) i++;
    const x = digits(text, i, n);
    if (x === i) return badAt(x, `malformed JSON: unexpected ${shown(text, x)}`);
    i = x;
  }
  return i;
}

/**
 * Check that `text` is one strict JSON value (see the module comment) without building it. On success,
 * also the top-level object's members with the spans of their values, so that a caller can parse (or
 * cache by) one member's text alone.
 */
export function scanJson(text: string, options: JsonScanOptions = {}): JsonScan {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const skip = options.skip;
  const n = text.length;
  const start = options.allowBom !== false && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let i = start;
  // the open containers: kind (1 object, 0 array) and, for objects, where their keys start in `ks`/`ke`
  const kind: number[] = [];
  const keyBase: number[] = [];
  /** per open object: null while its keys are compared as spans, a Set of decoded keys once large or escaped */
  const keySet: (Set<string> | null)[] = [];
  const ks: number[] = [];
  const ke: number[] = [];
  const members: JsonMember[] = [];
  let memberKey = '';
  let memberStart = -1;
  let depth = 0;
  let at = 0;
  let why = '';

  // the state machine: 0 expect a value, 1 after a value, 2 expect a key (after `{` or `,`)
  let state = 0;
  scan: for (;;) {
    i = skipWs(text, i, n);
    if (state === 0) {
      const c = text.charCodeAt(i);
      if (depth === 1 && kind[0] === 1) {
        memberStart = i;
        const len = skip === undefined ? 0 : skip(memberKey, i);
        if (len > 0) {
          i += len;
          state = 1;
          continue;
        }
      }
      if (c === 123 || c === 91) {
        if (depth >= maxDepth) {
          [at, why] = [i, `JSON nesting too deep: more than ${maxDepth} levels of arrays and objects`];
          break scan;
        }
        kind[depth] = c === 123 ? 1 : 0;
        keyBase[depth] = ks.length;
        keySet[depth] = null;
        depth++;
        i = skipWs(text, i + 1, n);
        if (text.charCodeAt(i) === (c === 123 ? 125 : 93)) {
          i++;
          depth--;
          if (c === 123) ks.length = ke.length = keyBase[depth];
          state = 1;
        } else state = c === 123 ? 2 : 0;
        continue;
      }
      if (c === 34) i = scanString(text, i, n);
      else if (c === 45 || (c >= 48 && c <= 57)) i = scanNumber(text, i, n);
      else if (c === 116 || c === 102 || c === 110) {
        const word = c === 116 ? 'true' : c === 102 ? 'false' : 'null';
        if (text.startsWith(word, i)) i += word.length;
        else {
          // a bare word (`nope`, `True`): name all of it, at its start
          let k = i;
          while (k < n && k - i < 40 && /[A-Za-z0-9_$]/.test(text[k]!)) k++;
          i = badAt(i, `malformed JSON: unexpected \`${text.slice(i, k)}\` (strings need double quotes; the literals are true, false and null)`);
        }
      } else i = badAt(i, `malformed JSON: unexpected ${shown(text, i)}`);
      if (i < 0) {
        [at, why] = [problemAt, problem];
        break scan;
      }
      state = 1;
      continue;
    }
    if (state === 1) {
      if (depth === 1 && kind[0] === 1 && memberStart >= 0) {
        members.push({ key: memberKey, start: memberStart, end: i });
        memberStart = -1;
      }
      if (depth === 0) {
        if (i < n) {
          [at, why] = [i, `malformed JSON: unexpected ${shown(text, i)}`];
          break scan;
        }
        return { ok: true, start, members };
      }
      const c = text.charCodeAt(i);
      const obj = kind[depth - 1] === 1;
      if (c === 44) {
        i++;
        state = obj ? 2 : 0;
      } else if (c === (obj ? 125 : 93)) {
        i++;
        depth--;
        if (obj) ks.length = ke.length = keyBase[depth];
      } else {
        [at, why] = [i, `malformed JSON: unexpected ${shown(text, i)}`];
        break scan;
      }
      continue;
    }
    // state 2: a key, then `:`
    if (text.charCodeAt(i) !== 34) {
      [at, why] = [i, `malformed JSON: unexpected ${shown(text, i)}`];
      break scan;
    }
    const open = i;
    i = scanString(text, i, n);
    if (i < 0) {
      [at, why] = [problemAt, problem];
      break scan;
    }
    const d = depth - 1;
    const a = open + 1;
    const b = i - 1;
    let set = keySet[d];
    if (set === null && (escaped || ks.length - keyBase[d] >= SMALL_OBJECT)) {
      set = keySet[d] = new Set();
      for (let k = keyBase[d]; k < ks.length; k++) set.add(text.slice(ks[k], ke[k]));
    }
    let key: string | undefined;
    if (set === null) {
      const len = b - a;
      for (let k = keyBase[d]; k < ks.length; k++) {
        if (ke[k] - ks[k] !== len) continue;
        let m = 0;
        const o = ks[k];
        while (m < len && text.charCodeAt(a + m) === text.charCodeAt(o + m)) m++;
        if (m === len) {
          [at, why] = [open, `duplicate key \`${text.slice(a, b)}\`: a key may appear once in an object`];
          break scan;
        }
      }
    } else {
      key = escaped ? (JSON.parse(text.slice(open, i)) as string) : text.slice(a, b);
      if (set.has(key)) {
        [at, why] = [open, `duplicate key ${JSON.stringify(key).slice(1, -1) === key ? `\`${key}\`` : JSON.stringify(key)}: a key may appear once in an object`];
        break scan;
      }
      set.add(key);
    }
    ks.push(a);
    ke.push(b);
    if (depth === 1) memberKey = key ?? text.slice(a, b);
    i = skipWs(text, i, n);
    if (text.charCodeAt(i) !== 58) {
      [at, why] = [i, `malformed JSON: unexpected ${shown(text, i)}`];
      break scan;
    }
    i++;
    state = 0;
  }
  const { line, column } = lineColumn(text, at);
  return { ok: false, error: { offset: at, line, column, message: why } };
}

/** JSON text to a value, strictly (see `scanJson`); never throws on any input text. */
export function parseJson(text: string, options: JsonScanOptions = {}): JsonParse {
  const scan = scanJson(text, options);
  if (!scan.ok) return scan;
  return { ok: true, value: JSON.parse(scan.start ? text.slice(scan.start) : text) };
}

/** Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlongs, surrogates or values above U+10FFFF), or −1. */
export function utf8ErrorOffset(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Bytes as UTF-8 text (a BOM is kept: `scanJson` skips it), or where they stop being UTF-8. */
export function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | { ok: false; error: JsonError } {
  try {
    return { ok: true, text: fatalDecoder.decode(bytes) };
  } catch {
    const offset = Math.max(0, utf8ErrorOffset(bytes));
    const before = lenientDecoder.decode(bytes.subarray(0, offset));
    const { line, column } = lineColumn(before, before.length);
    return { ok: false, error: { offset, line, column, message: `byte 0x${bytes[offset].toString(16).padStart(2, '0')} (at byte ${offset}) is not UTF-8` } };
  }
}

/** JSON bytes (a file) to a value, strictly: UTF-8 and `parseJson`; never throws. */
export function parseJsonBytes(bytes: Uint8Array, options: JsonScanOptions = {}): JsonParse {
  const d = decodeUtf8(bytes);
  return d.ok ? parseJson(d.text, options) : d;
}
