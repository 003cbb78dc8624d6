/**
 * Schemas as data: a tiny vocabulary for the shapes of JSON inputs (the policy IR, the evaluators'
 * participants, actions, claims, senders and ParticipantListUpdates), written once and read three
 * ways — `check` here (the interpreter's validation), compiler/emit/schema-checks.ts (the same checks
 * printed as straight-line TypeScript for the generated evaluator) and runtime/zod.ts (zod schemas
 * for library users who want them). No dependencies.
 *
 * Each node carries the one message used when a value does not fit it. `check` walks a value and
 * returns every problem, located by its dotted path (`participants.2.role`), in a fixed order: an
 * object's unrecognized keys in the value's order (a misspelt key is reported before the field it
 * leaves missing), then its declared fields in declaration order; an array's elements in order. It allocates nothing while the value fits.
 */

/** A problem with an input: the dotted path of the offending field and what was expected there. */
export interface SchemaIssue {
  path: string;
  message: string;
}

interface Base<T> {
  readonly message: string;
  /** phantom: the TypeScript type of the values the node accepts */
  readonly __type?: T;
}
export interface StringNode extends Base<string> {
  readonly kind: 'string';
}
/** A string of lowercase hex digits, an even number of them (bytes). */
export interface HexNode extends Base<string> {
  readonly kind: 'hex';
}
export interface IntNode extends Base<number> {
  readonly kind: 'int';
  readonly min: number;
  readonly max: number;
}
export interface BooleanNode extends Base<boolean> {
  readonly kind: 'boolean';
}
/** One of a few strings; `what` names them in the message for an unknown one (`unknown action type \`x\``). */
export interface EnumNode<T extends string = string> extends Base<T> {
  readonly kind: 'enum';
  readonly values: readonly T[];
  readonly what: string;
}
export interface ArrayNode<T = unknown> extends Base<T[]> {
  readonly kind: 'array';
  readonly of: Schema;
}
/** A role or capability reference: an integer from 0 to `max`, or a name (any string; resolved later). */
export interface RefNode extends Base<number | string> {
  readonly kind: 'ref';
  readonly max: number;
}
export interface NullableNode<T = unknown> extends Base<T | null> {
  readonly kind: 'nullable';
  readonly of: Schema;
}
/** A field that may be absent (only as an object field). */
export interface OptionalNode<T = unknown> extends Base<T> {
  readonly kind: 'optional';
  readonly of: Schema;
}
/** An object with the declared fields: strict (no others), or not (others ignored). */
export interface ObjectNode<T = unknown> extends Base<T> {
  readonly kind: 'object';
  readonly strict: boolean;
  readonly fields: Readonly<Record<string, Schema>>;
  /** the declared field names, in order, and their nodes (for walking without allocating) */
  readonly keys: readonly string[];
  readonly nodes: readonly Schema[];
  readonly keySet: ReadonlySet<string>;
}
/** Objects told apart by a string field (`type`): the tag's node and one object node per tag value. */
export interface TaggedNode<T = unknown> extends Base<T> {
  readonly kind: 'tagged';
  readonly tag: string;
  readonly tagNode: EnumNode;
  readonly cases: ReadonlyMap<string, ObjectNode>;
}
/** A string or an object (the node taken is the one for the value's kind; `message` when neither). */
export interface UnionNode<T = unknown> extends Base<T> {
  readonly kind: 'union';
  readonly string: StringNode;
  readonly object: ObjectNode;
}

export type Schema = StringNode | HexNode | IntNode | BooleanNode | EnumNode | ArrayNode | RefNode | NullableNode | OptionalNode | ObjectNode | TaggedNode | UnionNode;
/** The TypeScript type of the values a schema accepts. */
export type Infer<S> = S extends Base<infer T> ? T : never;

type Flat<T> = { [K in keyof T]: T[K] };
type OptionalKeys<F> = { [K in keyof F]: F[K] extends OptionalNode ? K : never }[keyof F];
export type InferObject<F> = Flat<{ [K in Exclude<keyof F, OptionalKeys<F>>]: Infer<F[K]> } & { [K in OptionalKeys<F>]?: Infer<F[K]> }>;

// ---- builders ---------------------------------------------------------------------------------------

export const string = (message = 'expected a string'): StringNode => ({ kind: 'string', message });
export const hex = (message = 'expected lowercase hex (an even number of digits)'): HexNode => ({ kind: 'hex', message });
export const int = (min: number, max: number, message = `expected an integer from ${min} to ${max}`): IntNode => ({ kind: 'int', min, max, message });
export const boolean = (message = 'expected true or false'): BooleanNode => ({ kind: 'boolean', message });
export const enumOf = <const T extends string>(values: readonly T[], what = 'value', message = `expected one of ${values.join(', ')}`): EnumNode<T> => ({ kind: 'enum', values, what, message });
export const array = <S extends Schema>(of: S, message = 'expected an array'): ArrayNode<Infer<S>> => ({ kind: 'array', of, message });
export const ref = (max: number, message: string): RefNode => ({ kind: 'ref', max, message });
export const nullable = <S extends Schema>(of: S, message = `${of.message}, or null`): NullableNode<Infer<S>> => ({ kind: 'nullable', of, message });
export const optional = <S extends Schema>(of: S): OptionalNode<Infer<S>> => ({ kind: 'optional', of, message: of.message });
export function object<F extends Record<string, Schema>>(fields: F, message = 'expected an object', strict = true): ObjectNode<InferObject<F>> {
  const keys = Object.keys(fields);
  return { kind: 'object', strict, fields, keys, nodes: keys.map((k) => fields[k]!), keySet: new Set(keys), message };
}
export function tagged<const C extends readonly ObjectNode[]>(tag: string, cases: C, what: string, message = 'expected an object'): TaggedNode<Infer<C[number]>> {
  const byTag = new Map<string, ObjectNode>();
  for (const c of cases) {
    const t = c.fields[tag];
    if (t?.kind !== 'enum' || t.values.length !== 1) throw new Error(`tagged: every case needs a one-value \`${tag}\``);
    byTag.set(t.values[0]!, c);
  }
  return { kind: 'tagged', tag, tagNode: enumOf([...byTag.keys()], what), cases: byTag, message };
}
export const union = <O extends ObjectNode>(s: StringNode, o: O, message: string): UnionNode<string | Infer<O>> => ({ kind: 'union', string: s, object: o, message });

// ---- the checker ------------------------------------------------------------------------------------

/** Hooks for messages the caller words itself (the interpreter adds did-you-mean to unknown names). */
export interface CheckOptions {
  /** the message for a string that is not one of an enum's values (default: `unknown <what> \`v\`; expected one of …`) */
  unknownValue?: (value: string, node: EnumNode) => string;
  /** stop collecting after this many issues (default 100) */
  maxIssues?: number;
}

/** The message for a string that is not one of an enum's values, as both evaluators word it. */
export const unknownValueMessage = (value: string, node: EnumNode): string => `unknown ${node.what} \`${value}\`; ${node.message}`;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isHex = (v: unknown): v is string => typeof v === 'string' && /^(?:[0-9a-f]{2})*$/.test(v);
export const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

// The path of the value being checked: pushed and popped as the walk descends (no allocation while
// the value fits); joined only for an issue. `check` is synchronous and not re-entered.
const PATH: (string | number)[] = [];
const NO_OPTIONS: CheckOptions = {};

class Walk {
  issues: SchemaIssue[] | undefined = undefined;
  prefix = '';
  options: CheckOptions = NO_OPTIONS;
  max = 100;
  full(): boolean {
    return this.issues !== undefined && this.issues.length >= this.max;
  }
  issue(message: string): void {
    if (this.full()) return;
    const path = this.prefix === '' ? PATH.join('.') : PATH.length ? `${this.prefix}.${PATH.join('.')}` : this.prefix;
    (this.issues ??= []).push({ path, message });
  }
  at(k: string | number, s: Schema, v: unknown): void {
    PATH.push(k);
    this.node(s, v);
    PATH.pop();
  }
  node(s: Schema, v: unknown): void {
    switch (s.kind) {
      case 'string':
        if (typeof v !== 'string') this.issue(s.message);
        return;
      case 'hex':
        if (!isHex(v)) this.issue(s.message);
        return;
      case 'int':
        if (!isInt(v, s.min, s.max)) this.issue(s.message);
        return;
      case 'boolean':
        if (typeof v !== 'boolean') this.issue(s.message);
        return;
      case 'enum':
        if (typeof v !== 'string') this.issue(s.message);
        else if (!s.values.includes(v)) this.issue((this.options.unknownValue ?? unknownValueMessage)(v, s));
        return;
      case 'ref':
        if (typeof v !== 'string' && !isInt(v, 0, s.max)) this.issue(s.message);
        return;
      case 'nullable': {
        if (v === null) return;
        // a value of the wrong kind gets the nullable's message (`…, or null`); one of the right kind, the inner problems
        const o = s.of;
        const kind = o.kind === 'array' ? Array.isArray(v) : o.kind === 'object' || o.kind === 'tagged' ? isObject(v) : leafFits(o, v);
        if (kind === false) return this.issue(s.message);
        // a container of the right kind is checked inside too (a leaf that fits is done)
        if (kind === undefined || o.kind === 'array' || o.kind === 'object' || o.kind === 'tagged') this.node(o, v);
        return;
      }
      case 'optional':
        if (v !== undefined) this.node(s.of, v);
        return;
      case 'array':
        if (!Array.isArray(v)) return this.issue(s.message);
        for (let i = 0; i < v.length && !this.full(); i++) this.at(i, s.of, v[i]);
        return;
      case 'object':
        return this.object(s, v);
      case 'tagged': {
        if (!isObject(v)) return this.issue(s.message);
        const t = v[s.tag];
        const c = typeof t === 'string' ? s.cases.get(t) : undefined;
        if (c === undefined) return this.at(s.tag, s.tagNode, t);
        return this.object(c, v);
      }
      case 'union':
        if (typeof v === 'string') return;
        if (isObject(v)) return this.object(s.object, v);
        return this.issue(s.message);
    }
  }
  object(s: ObjectNode, v: unknown): void {
    if (!isObject(v)) return this.issue(s.message);
    if (s.strict) for (const k in v) if (!s.keySet.has(k)) this.at(k, UNRECOGNIZED, undefined);
    for (let i = 0; i < s.keys.length; i++) {
      const n = s.nodes[i]!;
      const x = v[s.keys[i]!];
      if (x === undefined && n.kind === 'optional') continue;
      this.at(s.keys[i]!, n, x);
    }
  }
}
/** Whether a value fits a leaf node (undefined for the others). */
function leafFits(s: Schema, v: unknown): boolean | undefined {
  switch (s.kind) {
    case 'string':
      return typeof v === 'string';
    case 'hex':
      return isHex(v);
    case 'int':
      return isInt(v, s.min, s.max);
    case 'boolean':
      return typeof v === 'boolean';
    case 'ref':
      return typeof v === 'string' || isInt(v, 0, s.max);
    case 'enum':
      return typeof v === 'string' && s.values.includes(v);
    default:
      return undefined;
  }
}
/** What an unrecognized key of a strict object is reported as (at the key's own path). */
export const UNRECOGNIZED_KEY = 'unrecognized key';
const UNRECOGNIZED: StringNode = { kind: 'string', message: UNRECOGNIZED_KEY };

/**
 * The problems with `value` under `schema`, each at `prefix` + its dotted path; `undefined` when it
 * fits (the value is then an `Infer<typeof schema>`).
 */
export function check(schema: Schema, value: unknown, prefix = '', options: CheckOptions = NO_OPTIONS): SchemaIssue[] | undefined {
  const w = WALK;
  w.issues = undefined;
  w.prefix = prefix;
  w.options = options;
  w.max = options.maxIssues ?? 100;
  PATH.length = 0;
  try {
    w.node(schema, value);
  } finally {
    PATH.length = 0;
    w.options = NO_OPTIONS;
  }
  const issues = w.issues;
  w.issues = undefined;
  return issues;
}
const WALK = new Walk();
const ONE_ISSUE: CheckOptions = { maxIssues: 1 };

/** Does `value` fit `schema`? (a type guard) */
export const fits = <S extends Schema>(schema: S, value: unknown): value is Infer<S> => check(schema, value, '', ONE_ISSUE) === undefined;
