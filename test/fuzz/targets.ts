/**
 * Fuzz targets (issue 10): each takes a seed, builds a hostile input from the bundled examples with
 * test/fuzz/rand.ts, runs a library entry point on it and checks the invariants every input must keep —
 * no exception but the entry point's own located error type, well-formed diagnostics, and for inputs
 * that are accepted, the round trips the README promises. `test/fuzz.test.ts` runs a few hundred seeds
 * of each in CI; `npm run fuzz` runs them for as long as asked (scripts/fuzz.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFile, loadWire } from '../../compiler/compile.js';
import { decompile } from '../../compiler/emit/source.js';
import { format, MimiSyntaxError } from '../../compiler/format/index.js';
import { loadPolicyJson } from '../../compiler/input.js';
import { parse } from '../../grammar/index.js';
import { DecodeError, decodeComponent, decodePolicy, encodeComponent, encodePolicy, inspectPartial, type ComponentKind } from '../../runtime/codec/index.js';
import { DIAGNOSTIC_CODES, type Diagnostic } from '../../runtime/diagnostics.js';
import { authorize, InvalidInputError } from '../../runtime/evaluator/index.js';
import type { Policy } from '../../runtime/ir.js';
import { hostileJson, mutateBytes, mutateText, mutateTimes, Rand } from './rand.js';

export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
  constructor(
    message: string,
    readonly input: string | Uint8Array,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

export interface FuzzTarget {
  readonly name: string;
  readonly summary: string;
  run(seed: number): Promise<void> | void;
}

const root = join(import.meta.dirname, '..', '..');

interface Example {
  path: string;
  text: string;
  policy: Policy;
  /** the AppDataDictionary */
  wire: Uint8Array;
  /** each component the policy carries, alone */
  components: { kind: ComponentKind; bytes: Uint8Array }[];
}
let corpus: Example[] | undefined;
/** The bundled example policies, compiled once: the seeds every mutation starts from. */
export function examples(): Example[] {
  if (corpus) return corpus;
  const paths = [
    ...readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.mimi')).map((f) => join(root, 'examples', f)),
    ...readdirSync(join(root, 'examples', 'models')).filter((f) => f.endsWith('.mimi') && !f.includes('scenarios')).map((f) => join(root, 'examples', 'models', f)),
  ].sort();
  corpus = paths.map((path) => {
    const r = compileFile(path);
    if (!r.ok) throw new Error(`example ${path} does not compile`);
    const p = r.policy;
    const components: Example['components'] = [
      { kind: 'roles', bytes: encodeComponent('roles', p.roles) },
      { kind: 'base', bytes: encodeComponent('base', p.base) },
      ...(p.preauth?.length ? [{ kind: 'preauth' as const, bytes: encodeComponent('preauth', p.preauth) }] : []),
      ...(p.participants?.length ? [{ kind: 'participants' as const, bytes: encodeComponent('participants', p.participants) }] : []),
    ];
    return { path, text: readFileSync(path, 'utf8'), policy: p, wire: encodePolicy(p), components };
  });
  return corpus;
}

/** Diagnostics must be table entries with a file, and located (a span, or a byte offset) when they say where. */
function wellFormed(ds: readonly Diagnostic[], input: string | Uint8Array): void {
  for (const d of ds) {
    const info = DIAGNOSTIC_CODES[d.kind];
    if (!info || info.code !== d.code) throw new FuzzFailure(`diagnostic with code ${d.code} and kind ${d.kind} is not in the table`, input);
    if (typeof d.message !== 'string' || d.message.length === 0 || typeof d.file !== 'string') throw new FuzzFailure(`malformed diagnostic ${JSON.stringify(d)}`, input);
    if (d.span && !(d.span.line >= 1 && d.span.column >= 1 && d.span.start <= d.span.end)) throw new FuzzFailure(`diagnostic ${d.code} has a bad span ${JSON.stringify(d.span)}`, input);
  }
}

function guard<T>(what: string, input: string | Uint8Array, fn: () => T, allowed: (e: unknown) => boolean = () => false): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (allowed(e)) return undefined;
    throw new FuzzFailure(`${what} threw ${e instanceof Error ? `${e.name}: ${e.message.slice(0, 300)}` : String(e)}`, input, e);
  }
}

const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export const targets: readonly FuzzTarget[] = [
  {
    name: 'source',
    summary: 'mutated .mimi sources: parse, compile with analyses, format; accepted ones round-trip through the wire and decompile',
    async run(seed) {
      const r = new Rand(seed);
      const ex = r.pick(examples());
      const text = mutateTimes(ex.text, r, mutateText);
      const parsed = guard('parse', text, () => parse(text, ex.path));
      wellFormed(parsed!.diagnostics, text);
      const c = guard('compile', text, () => compileFile(ex.path, { text, analyses: true }))!;
      wellFormed(c.diagnostics, text);
      if (c.ok) {
        const bytes = guard('encode', text, () => encodePolicy(c.policy))!;
        const again = guard('decode', text, () => encodePolicy(decodePolicy(bytes)))!;
        if (!equalBytes(bytes, again)) throw new FuzzFailure('encode(decode(bytes)) differs from bytes', text);
        const src = guard('decompile', text, () => decompile(c.policy))!;
        const back = guard('compile decompiled', src, () => compileFile(ex.path.replace(/\.mimi$/, '.decompiled.mimi'), { text: src }))!;
        if (!back.ok) throw new FuzzFailure(`decompiled source does not compile: ${back.diagnostics.find((d) => d.severity === 'error')?.message}`, text);
        if (!equalBytes(encodePolicy(back.policy), bytes)) throw new FuzzFailure('decompiled source rebuilds to other bytes', text);
      }
      try {
        await format(text, { filepath: ex.path });
      } catch (e) {
        if (!(e instanceof MimiSyntaxError)) throw new FuzzFailure(`format threw ${(e as Error).name}: ${(e as Error).message?.slice(0, 300)}`, text, e);
      }
    },
  },
  {
    name: 'wire',
    summary: 'mutated wire dictionaries and components: check with analyses, inspect; accepted ones re-encode canonically',
    run(seed) {
      const r = new Rand(seed);
      const ex = r.pick(examples());
      if (r.chance(0.5)) {
        // one component alone: the decoders past the dictionary's framing
        const c = r.pick(ex.components);
        const bytes = mutateTimes(c.bytes, r, mutateBytes);
        const w = guard(`loadWire ${c.kind}`, bytes, () => loadWire(bytes, 'fuzz.bin', c.kind, { analyses: true }))!;
        wellFormed(w.diagnostics, bytes);
        const v = guard(`decode ${c.kind}`, bytes, () => decodeComponent(c.kind, bytes), (e) => e instanceof DecodeError);
        if (v !== undefined && !equalBytes(guard(`encode ${c.kind}`, bytes, () => encodeComponent(c.kind, v as never))!, bytes)) throw new FuzzFailure(`an accepted ${c.kind} does not re-encode to the same bytes`, bytes);
        guard(`inspect ${c.kind}`, bytes, () => inspectPartial(bytes, c.kind), (e) => e instanceof DecodeError);
        return;
      }
      const bytes = mutateTimes(ex.wire, r, mutateBytes);
      const w = guard('loadWire', bytes, () => loadWire(bytes, 'fuzz.bin', undefined, { analyses: true }))!;
      wellFormed(w.diagnostics, bytes);
      if (w.ok && w.policy && w.kind === 'dictionary') {
        const enc = guard('encode', bytes, () => encodePolicy(w.policy!))!;
        if (!equalBytes(enc, bytes)) throw new FuzzFailure('an accepted dictionary does not re-encode to the same bytes', bytes);
      }
      guard('inspect', bytes, () => inspectPartial(bytes, 'policy'), (e) => e instanceof DecodeError);
    },
  },
  {
    name: 'json',
    summary: 'mutated and hostile IR JSON: load, check and analyse',
    run(seed) {
      const r = new Rand(seed);
      const ex = r.pick(examples());
      const text = r.chance(0.2) ? JSON.stringify(hostileJson(r)) : mutateTimes(JSON.stringify(ex.policy, null, r.chance(0.5) ? 2 : undefined), r, mutateText);
      const l = guard('loadPolicyJson', text, () => loadPolicyJson(text, 'fuzz.json', { analyses: true }))!;
      wellFormed(l.diagnostics, text);
    },
  },
  {
    name: 'authorize',
    summary: 'hostile states and actions: the interpreter decides or throws InvalidInputError, never anything else',
    run(seed) {
      const r = new Rand(seed);
      const ex = r.pick(examples());
      const roles = ex.policy.roles.map((x) => x.name);
      const users = ['a', 'b', 'c', 'd'];
      const participants = users.map((user) => ({ user, role: r.chance(0.8) ? r.pick(roles) : hostileJson(r), clients: r.chance(0.9) ? r.int(3) : hostileJson(r) }));
      const state = r.chance(0.15) ? hostileJson(r) : { participants: r.chance(0.9) ? participants : hostileJson(r) };
      const types = ['add', 'remove', 'changeRole', 'ban', 'unban', 'leave', 'join', 'changeOwnRole', 'kick', 'capability', 'addClient', 'removeClient', 'nope'];
      const action: Record<string, unknown> = { type: r.pick(types), actor: r.pick(users) };
      if (r.chance(0.7)) action.target = r.chance(0.9) ? r.pick([...users, 'z']) : hostileJson(r);
      if (r.chance(0.5)) action.to = r.chance(0.9) ? r.pick(roles) : hostileJson(r);
      if (r.chance(0.2)) action.capability = r.pick(['canKick', 'canSendMessage', 0xf001, 'nope', -1]);
      if (r.chance(0.1)) action[r.pick(['__proto__', 'constructor', 'extra'])] = hostileJson(r);
      const input = JSON.stringify({ state, action });
      const d = guard('authorize', input, () => authorize(ex.policy, state as never, (r.chance(0.1) ? hostileJson(r) : action) as never), (e) => e instanceof InvalidInputError);
      if (d !== undefined && (typeof d.allowed !== 'boolean' || typeof d.rule !== 'string')) throw new FuzzFailure(`malformed decision ${JSON.stringify(d)}`, input);
      if (({} as Record<string, unknown>).polluted !== undefined) throw new FuzzFailure('Object.prototype was polluted', input);
    },
  },
];

/** Run `count` seeds of a target from `first`; the failures, each with its seed. */
export async function runTarget(t: FuzzTarget, first: number, count: number): Promise<{ seed: number; failure: FuzzFailure }[]> {
  const failures: { seed: number; failure: FuzzFailure }[] = [];
  for (let seed = first; seed < first + count; seed++) {
    try {
      await t.run(seed);
    } catch (e) {
      if (e instanceof FuzzFailure) failures.push({ seed, failure: e });
      else failures.push({ seed, failure: new FuzzFailure(`the target itself threw ${(e as Error)?.message}`, '', e) });
    }
  }
  return failures;
}
