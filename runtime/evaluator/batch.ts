/**
 * Cases for a batch of decisions, one JSON text each (a line of `authorize --cases`):
 * `{ "id"?, "policy"?, "participants", "action" }`. Read strictly (runtime/evaluator/json.ts: duplicate
 * keys, nesting, lone surrogates are errors, located by column), and with the participant lists
 * prepared once per distinct list: cases sharing a state — the usual conformance suite or replay log —
 * validate and index it once, not once a line.
 *
 * The `StateCache` keys prepared lists by their exact JSON text, bounded (least recently used out) in
 * entries and in bytes of text, so memory stays bounded whatever the batch. A list it has seen is not
 * even re-scanned: the scanner skips text that equals, character for character, a list it has already
 * checked at the same place.
 */
import { InvalidInputError } from './errors.js';
import { parseState, type ParsedState } from './inputs.js';
import { scanJson, type JsonScanOptions } from './json.js';
import type { IndexedPolicy } from './policy.js';

export interface StateCacheOptions {
  /** distinct participant lists kept (default 4096) */
  maxEntries?: number;
  /** characters of participant-list text kept, over all entries (default 8M: 16 MB of text) */
  maxChars?: number;
}

/** One participant list's JSON text, checked: its value, and its prepared state per policy. */
export interface StateEntry {
  readonly text: string;
  readonly value: unknown;
  /** prepared states (or why the list is malformed), per policy */
  readonly states: Map<IndexedPolicy, ParsedState | InvalidInputError>;
}

/** Texts shorter than this are looked up whole; longer ones by their first PREFIX characters. */
const PREFIX = 128;

export class StateCache {
  private readonly byKey = new Map<string, StateEntry[]>();
  /** entries, least recently used first */
  private readonly lru = new Map<StateEntry, string>();
  private chars = 0;
  private readonly maxEntries: number;
  private readonly maxChars: number;
  /** lists found in the cache, and lists prepared */
  hits = 0;
  misses = 0;

  constructor(options: StateCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 4096;
    this.maxChars = options.maxChars ?? 8 * 1024 * 1024;
  }

  get size(): number {
    return this.lru.size;
  }

  /** The entry whose text starts at `start` in `text` (long texts only: the scanner's skip). */
  match(text: string, start: number): StateEntry | undefined {
    const list = this.byKey.get(text.slice(start, start + PREFIX));
    if (list === undefined) return undefined;
    // (slice and ===: a memory compare; startsWith compares character by character, 100× slower here)
    for (const e of list) if (e.text.length >= PREFIX && text.slice(start, start + e.text.length) === e.text) return this.use(e);
    return undefined;
  }

  /**
   * The entry of a participant list's JSON text, which the caller has checked (strictly) as one JSON
   * value: found, or made and kept. Only arrays and objects are kept (their text ends where they end,
   * which the scanner's skip relies on).
   */
  entry(text: string): StateEntry {
    const key = text.length >= PREFIX ? text.slice(0, PREFIX) : text;
    const list = this.byKey.get(key);
    if (list !== undefined) for (const e of list) if (e.text === text) return this.use(e);
    this.misses++;
    const e: StateEntry = { text, value: JSON.parse(text), states: new Map() };
    const c = text.charCodeAt(0);
    if ((c !== 91 && c !== 123) || text.length > this.maxChars) return e;
    if (list === undefined) this.byKey.set(key, [e]);
    else {
      // many lists with one prefix: keep the most recent few
      if (list.length >= 8) this.drop(list[0]);
      list.push(e);
    }
    this.lru.set(e, key);
    this.chars += text.length;
    while (this.lru.size > this.maxEntries || this.chars > this.maxChars) this.drop(this.lru.keys().next().value as StateEntry);
    return e;
  }

  /** The list prepared for a policy (once per entry and policy); InvalidInputError when malformed. */
  prepare(e: StateEntry, ip: IndexedPolicy): ParsedState {
    let s = e.states.get(ip);
    if (s === undefined) {
      try {
        s = parseState(ip, { participants: e.value } as never);
      } catch (err) {
        if (!(err instanceof InvalidInputError)) throw err;
        s = err;
      }
      e.states.set(ip, s);
    }
    if (s instanceof InvalidInputError) throw s;
    return s;
  }

  private use(e: StateEntry): StateEntry {
    this.hits++;
    const key = this.lru.get(e);
    if (key !== undefined) {
      this.lru.delete(e);
      this.lru.set(e, key);
    }
    return e;
  }

  private drop(e: StateEntry): void {
    const key = this.lru.get(e);
    if (key === undefined) return;
    this.lru.delete(e);
    this.chars -= e.text.length;
    const list = this.byKey.get(key)!;
    const i = list.indexOf(e);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byKey.delete(key);
  }
}

/** A case read from its JSON text: the participant list as a cache entry, the rest as values. */
export interface CaseInput {
  readonly id?: string | number;
  readonly policy?: string;
  readonly participants: StateEntry;
  readonly action: unknown;
}

/** Why a case could not be read: where (a column, for malformed JSON), what, and its id when known. */
export interface CaseError {
  readonly id?: string | number;
  readonly column?: number;
  readonly message: string;
}

export const CASE_KEYS: readonly string[] = ['id', 'policy', 'participants', 'action'];

/** Read one case from its JSON text (a batch line); never throws. */
export function readCase(text: string, cache: StateCache, options: JsonScanOptions = {}): { ok: true; case: CaseInput } | { ok: false; error: CaseError } {
  let hit: StateEntry | undefined;
  const scan = scanJson(text, {
    ...options,
    skip: (key, start) => {
      if (key !== 'participants') return 0;
      hit = cache.match(text, start);
      return hit === undefined ? 0 : hit.text.length;
    },
  });
  if (!scan.ok) return { ok: false, error: { column: scan.error.column, message: scan.error.message } };
  if (text.charCodeAt(scan.start) !== 123) return { ok: false, error: { message: 'expected { "id"?, "policy"?, "participants", "action" }' } };
  let id: unknown;
  let policy: unknown;
  let participants: StateEntry | undefined;
  let action: unknown;
  let extra: string | undefined;
  for (const m of scan.members) {
    const value = text.slice(m.start, m.end);
    if (m.key === 'id') id = JSON.parse(value);
    else if (m.key === 'policy') policy = JSON.parse(value);
    else if (m.key === 'participants') participants = hit ?? cache.entry(value);
    else if (m.key === 'action') action = JSON.parse(value);
    else extra ??= m.key;
  }
  const known = typeof id === 'string' || typeof id === 'number' ? { id } : {};
  const fail = (message: string) => ({ ok: false as const, error: { ...known, message } });
  if (extra !== undefined) return fail(`unrecognized key \`${extra}\``);
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') return fail('`id` must be a string or a number');
  if (policy !== undefined && typeof policy !== 'string') return fail('`policy` must be a path');
  if (participants === undefined) return fail('`participants`: required');
  if (action === undefined) return fail('`action`: required');
  return { ok: true, case: { ...known, ...(policy !== undefined ? { policy } : {}), participants, action } };
}
