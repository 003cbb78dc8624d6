/**
 * The evaluator input shapes (runtime/evaluator/inputs.ts, data in the vocabulary of runtime/schema.ts)
 * printed as straight-line TypeScript checks for the generated evaluator: the same problems, at the
 * same paths, with the same messages and in the same order as `check` (the interpreter's validation)
 * reports first. The printed code calls helpers the generated module defines: `bad(path, message)`
 * (throws), `isU32`, `isObj`, `oneOf(path, value, what, expected)` and the `HEX` pattern. Checks narrow
 * the checked locals (TypeScript control flow), so what follows reads them typed.
 */
import type * as S from '../../runtime/schema.js';

const U32_MAX = 0xffffffff;
const lit = (v: unknown): string => JSON.stringify(v);
const tplText = (s: string): string => s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');

/** A path as code: text, and expressions (an index, a key, a `path` parameter). */
export type Path = readonly (string | { readonly expr: string })[];
/** The path of a child: `<path>.<key>` (just `<key>` under the root path). */
export const child = (p: Path, key: string | { readonly expr: string }): Path => (p.length === 0 ? [key] : [...p, '.', key]);
/** The path as an expression: a string literal when it is all text, else a template literal. */
export function pathCode(p: Path): string {
  if (p.every((x) => typeof x === 'string')) return lit(p.join(''));
  if (p.length === 1) return (p[0] as { expr: string }).expr;
  return '`' + p.map((x) => (typeof x === 'string' ? tplText(x) : '${' + x.expr + '}')).join('') + '`';
}

/** The condition under which a leaf value fails its node, or undefined for the other nodes. */
function fails(s: S.Schema, v: string): string | undefined {
  const int = (min: number, max: number) => {
    const parts = [`isU32(${v})`, ...(min > 0 ? [`${v} >= ${min}`] : []), ...(max < U32_MAX ? [`${v} <= ${max}`] : [])];
    return parts.length === 1 ? `!${parts[0]}` : `!(${parts.join(' && ')})`;
  };
  switch (s.kind) {
    case 'string':
      return `typeof ${v} !== 'string'`;
    case 'hex':
      return `typeof ${v} !== 'string' || !HEX.test(${v})`;
    case 'boolean':
      return `typeof ${v} !== 'boolean'`;
    case 'int':
      if (s.min < 0) throw new Error('schema-checks: negative integers are not printed');
      return int(s.min, s.max);
    case 'ref':
      return `typeof ${v} !== 'string' && ${int(0, s.max)}`;
    case 'enum':
      return s.values.map((x) => `${v} !== ${lit(x)}`).join(' && ');
    default:
      return undefined;
  }
}
/** What a failing leaf does: `bad(path, message)`, or for an enum, the message naming the unknown value. */
const failure = (s: S.Schema, v: string, path: Path): string =>
  s.kind === 'enum' ? `oneOf(${pathCode(path)}, ${v}, ${lit(s.what)}, ${lit(s.message)})` : `bad(${pathCode(path)}, ${lit(s.message)})`;

export interface PrintOptions {
  /** nodes checked by a printed function instead: `name(value, path)` (see printCheckFunctionBody) */
  functions?: ReadonlyMap<S.Schema, string>;
  /** leaves at a constant path checked by small shared helpers (`mustString(x.actor, 'action.actor')`) instead of in place */
  helpers?: Helpers;
}

/**
 * The small assertion functions leaf checks call (`function mustString(v: unknown, path: string): asserts
 * v is string`), one per kind of leaf and message: shared by every check of that leaf, so a printed
 * check is one short call, while the property loads stay in the caller (where they see one shape).
 */
export class Helpers {
  private readonly byKey = new Map<string, { name: string; type: string; body: string }>();
  /** The helper for a leaf node (registered on first use). */
  name(node: S.Schema): string {
    // an optional leaf: a helper that lets `undefined` through
    const opt = node.kind === 'optional';
    const s = opt ? node.of : node;
    const cond = fails(s, 'v');
    if (cond === undefined) throw new Error(`schema-checks: a ${s.kind} node is not a leaf`);
    const body = `if (${opt ? `v !== undefined && (${cond})` : cond}) ${failure(s, 'v', [{ expr: 'path' }])};`;
    const known = this.byKey.get(body);
    if (known) return known.name;
    const base = `${opt ? 'opt' : 'must'}${HELPER_NAMES[s.kind]}${s.kind === 'int' ? `${s.min === 0 ? '' : `From${s.min}`}${s.max === U32_MAX ? 'U32' : s.max === 0xffff ? 'U16' : `To${s.max}`}` : s.kind === 'ref' && s.max !== U32_MAX ? (s.max === 0xffff ? 'U16' : `To${s.max}`) : ''}`;
    let name = base;
    for (let n = 2; [...this.byKey.values()].some((h) => h.name === name); n++) name = `${base}${n}`;
    this.byKey.set(body, { name, type: opt ? `${printType(s)} | undefined` : printType(s), body });
    return name;
  }
  /** The helpers used so far: name, asserted type and body of each, in order of first use. */
  list(): { name: string; type: string; body: string }[] {
    return [...this.byKey.values()];
  }
}
const HELPER_NAMES: Readonly<Record<S.Schema['kind'], string>> = {
  string: 'String',
  hex: 'Hex',
  int: 'Int',
  boolean: 'Boolean',
  enum: 'OneOf',
  ref: 'Ref',
  array: 'Array',
  nullable: 'Nullable',
  optional: 'Optional',
  object: 'Object',
  tagged: 'Tagged',
  union: 'Union',
};
export interface ObjectOptions extends PrintOptions {
  /** fields read into locals of these names (checked, and narrowed, there); other leaves are checked in place */
  names?: Readonly<Record<string, string>>;
  /** fields not checked (e.g. the tag, already dispatched on) */
  skip?: ReadonlySet<string>;
  /** fields whose array is checked but not its elements (the caller checks them as it reads them) */
  shallow?: ReadonlySet<string>;
  /** the value is known to be an object already */
  isObject?: boolean;
  /** the message when the value is not an object (default the node's: a union's when it is the union's object) */
  message?: string;
}

/** Fresh local names within one printed function. */
class Locals {
  private n = 0;
  next(prefix: string): string {
    return `${prefix}${++this.n}`;
  }
}

/** A check that is one condition and one call (a leaf, an optional leaf, a named function): `if (cond) call;`. */
function simpleCheck(s: S.Schema, v: string, path: Path, options: PrintOptions): { cond: string; call: string } | undefined {
  const fn = options.functions?.get(s);
  if (fn !== undefined) return { cond: 'true', call: `${fn}(${v}, ${pathCode(path)})` };
  const leaf = fails(s, v);
  // a helper takes the path as an argument: only a constant one (a path built per call would cost on the happy path)
  const helpers = path.every((x) => typeof x === 'string') ? options.helpers : undefined;
  if (leaf !== undefined) return helpers ? { cond: 'true', call: `${helpers.name(s)}(${v}, ${pathCode(path)})` } : { cond: leaf, call: failure(s, v, path) };
  if (s.kind !== 'optional') return undefined;
  if (helpers && fails(s.of, v) !== undefined) return { cond: 'true', call: `${helpers.name(s)}(${v}, ${pathCode(path)})` };
  const inner = simpleCheck(s.of, v, path, options);
  if (inner === undefined) return undefined;
  return { cond: inner.cond === 'true' ? `${v} !== undefined` : `${v} !== undefined && (${inner.cond})`, call: inner.call };
}
const ifLine = (c: { cond: string; call: string }): string => (c.cond === 'true' ? `${c.call};` : `if (${c.cond}) ${c.call};`);

/** Statements that check the value of the expression `v` (an identifier, or a property of one) at `path`. */
export function printCheck(s: S.Schema, v: string, path: Path, options: PrintOptions = {}, locals = new Locals()): string[] {
  const simple = simpleCheck(s, v, path, options);
  if (simple !== undefined) return [ifLine(simple)];
  switch (s.kind) {
    case 'optional':
      return [`if (${v} !== undefined) {`, ...printCheck(s.of, v, path, options, locals), '}'];
    case 'array': {
      const i = locals.next('i');
      const e = locals.next('e');
      return [
        `if (!Array.isArray(${v})) bad(${pathCode(path)}, ${lit(s.message)});`,
        `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {`,
        `const ${e}: unknown = ${v}[${i}];`,
        ...printCheck(s.of, e, child(path, { expr: i }), options, locals),
        '}',
      ];
    }
    case 'object':
      return printObject(s, v, path, options, locals);
    case 'union':
      return [`if (typeof ${v} !== 'string') {`, ...printObject(s.object, v, path, { ...options, message: s.message }, locals), '}'];
    default:
      throw new Error(`schema-checks: a ${s.kind} node is not printed`);
  }
}

/** Statements that check an object: its kind, its unrecognized keys, then its fields in order. */
export function printObject(s: S.ObjectNode, v: string, path: Path, options: ObjectOptions = {}, locals = new Locals()): string[] {
  const out: string[] = [];
  const message = options.message ?? s.message;
  if (!options.isObject) out.push(`if (!isObj(${v})) bad(${pathCode(path)}, ${lit(message)});`);
  if (s.strict) out.push(`for (const k in ${v}) if (${s.keys.map((k) => `k !== ${lit(k)}`).join(' && ')}) bad(${pathCode(child(path, { expr: 'k' }))}, 'unrecognized key');`);
  const inner: PrintOptions = { ...(options.functions ? { functions: options.functions } : {}), ...(options.helpers ? { helpers: options.helpers } : {}) };
  s.keys.forEach((k, i) => {
    if (options.skip?.has(k)) return;
    const node = s.nodes[i]!;
    const at = child(path, k);
    const access = `${v}.${k}`;
    const named = options.names?.[k];
    if (options.shallow?.has(k)) {
      if (node.kind !== 'array') throw new Error('schema-checks: only arrays are checked shallowly');
      const local = named ?? locals.next('v');
      out.push(`const ${local} = ${access};`, `if (!Array.isArray(${local})) bad(${pathCode(at)}, ${lit(node.message)});`);
      return;
    }
    if (named !== undefined) {
      out.push(`const ${named} = ${access};`, ...printCheck(node, named, at, inner, locals));
      return;
    }
    if (simpleCheck(node, access, at, inner) !== undefined) {
      out.push(...printCheck(node, access, at, inner, locals));
      return;
    }
    const local = locals.next('v');
    out.push(`const ${local} = ${access};`, ...printCheck(node, local, at, inner, locals));
  });
  return out;
}

/** The body of an assertion function `name(x: unknown, path: string): asserts x is T` checking `s` at `path`. */
export function printCheckFunctionBody(s: S.Schema, options: PrintOptions = {}): string {
  const functions = new Map(options.functions ?? []);
  functions.delete(s);
  return printCheck(s, 'x', [{ expr: 'path' }], { ...options, functions }).join('\n');
}

/** The TypeScript type of the values a node accepts (`named`: nodes whose type has a name, e.g. `readonly Claim[]`). */
export function printType(s: S.Schema, named?: ReadonlyMap<S.Schema, string>, omit?: ReadonlySet<string>): string {
  const name = named?.get(s);
  if (name !== undefined) return name;
  switch (s.kind) {
    case 'string':
    case 'hex':
      return 'string';
    case 'int':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'ref':
      return 'number | string';
    case 'enum':
      return s.values.map(lit).join(' | ');
    case 'array':
      return `readonly (${printType(s.of, named)})[]`;
    case 'nullable':
      return `${printType(s.of, named)} | null`;
    case 'optional':
      return printType(s.of, named);
    case 'object':
      return `{ ${s.keys
        .filter((k) => !omit?.has(k))
        .map((k) => {
          const n = s.fields[k]!;
          return `${k}${n.kind === 'optional' ? '?' : ''}: ${printType(n, named)}`;
        })
        .join('; ')} }`;
    case 'tagged':
      return [...s.cases.values()].map((c) => printType(c, named)).join(' | ');
    case 'union':
      return `string | ${printType(s.object, named)}`;
  }
}

