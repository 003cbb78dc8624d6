/**
 * The generated evaluator: one policy compiled into a standalone TypeScript module (no imports) that
 * answers "may this happen?" with the same decisions as the interpreter (runtime/evaluator), at the
 * speed of array lookups. The policy becomes data — capability bitsets, dense transition tables,
 * constraint arrays — and each action's plan (runtime/semantics.ts PLANS) becomes a straight-line block
 * of checks; the preauth list becomes straight-line claim comparisons. What the semantics decide
 * without state (canTransition) is computed here by the interpreter and emitted as a table.
 *
 * Built with ts-morph (declarations) and formatted by prettier; the output depends only on the policy
 * and the options, so the same input gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { OptionalKind, ParameterDeclarationStructure, Project, StatementStructures } from 'ts-morph';

// ts-morph (with its own TypeScript) costs ~0.6 s to load: loaded on the first emit, not with the
// package or the CLI, most of whose commands never emit TypeScript. One in-memory Project serves every
// emit (its source file is removed before the emit awaits anything).
let tsMorph: typeof import('ts-morph') | undefined;
let project: Project | undefined;
const morph = (): typeof import('ts-morph') => {
  if (!tsMorph) throw new Error('emitTypeScript: ts-morph used before it was loaded');
  return tsMorph;
};
/**
 * prettier's standalone build with the two plugins TypeScript needs (Babel's parser, the ESTree
 * printer): the same output as prettier's main entry for a third less code to load, and no
 * configuration files looked up. Loaded on the first formatted emit, while ts-morph loads.
 */
let prettierFormat: Promise<(text: string) => Promise<string>> | undefined;
function loadPrettier(): Promise<(text: string) => Promise<string>> {
  if (!prettierFormat) {
    prettierFormat = Promise.all([import('prettier/standalone'), import('prettier/plugins/babel'), import('prettier/plugins/estree')]).then(
      ([prettier, babel, estree]) =>
        (text: string) =>
          // embedded languages off: no tagged template to format in generated code, and the search for
          // them costs ~15% of a cold format
          prettier.format(text, { parser: 'babel-ts', plugins: [babel, estree as import('prettier').Plugin], printWidth: 120, singleQuote: true, trailingComma: 'all', embeddedLanguageFormatting: 'off' }),
    );
    // awaited by the emit; a failure to load is reported there, not as an unhandled rejection
    prettierFormat.catch(() => undefined);
  }
  return prettierFormat;
}
import { encodePolicy } from '../../runtime/codec/index.js';
import { canTransition, indexPolicy, type IndexedPolicy } from '../../runtime/evaluator/index.js';
import type { Policy } from '../../runtime/ir.js';
import { capabilities as registry, hex16 } from '../../runtime/registry.js';
import {
  ACTION_TYPES,
  ACTIONS,
  actionFields,
  DENY_REASONS,
  EFFECTS,
  JOIN_VIAS,
  PLAN_KEYS,
  PLANS,
  okRule,
  roleLabel,
  UPDATE_ORDER,
  updateActions,
  type ActionType,
  type ReasonPart,
  type ReasonVar,
} from '../../runtime/semantics.js';
import type { Symbols } from '../lower.js';
import { UPDATE_CORE } from './embedded.js';
import { Denials, printPlan } from './plan-printer.js';
import { Helpers, printCheck, printCheckFunctionBody, printObject } from './schema-checks.js';
import { ActionInputShape, ClaimsInputShape, ParticipantInputShape, SenderInputShape, StateInputShape, UpdateInputShape } from '../../runtime/evaluator/inputs.js';

export interface TypeScriptEmitOptions {
  /**
   * The policy's source, named in the header and in `SOURCE` by its base name only (`examples/x.mimi`,
   * `./x.mimi` and `/abs/x.mimi` all give `x.mimi`), so the output does not depend on how a path was typed.
   */
  source: string;
  /** the generator and version, for the header */
  generator?: string;
  /** declared private-use capability names (name → code) */
  capabilityNames?: ReadonlyMap<string, number>;
  /** capability codes of `required package`s: an app that does not understand one must refuse the room */
  requiredCapabilities?: readonly number[];
  /** transition tables are dense bit matrices up to this many role slots, sparse sets above (default 64) */
  denseRoleLimit?: number;
  /** format with prettier (default true; the differential fuzz turns it off to go faster) */
  format?: boolean;
}

/** The emit options a compiled source provides: its private capability names and required packages. */
export function emitOptionsFromSymbols(symbols: Symbols | undefined): Pick<TypeScriptEmitOptions, 'capabilityNames' | 'requiredCapabilities'> {
  if (!symbols) return {};
  const capabilityNames = new Map([...symbols.privateCapabilities].map(([n, v]) => [n, v.code] as [string, number]));
  const required = new Set<number>();
  for (const p of symbols.packages.values()) if (p.required) for (const c of p.capabilities) required.add(c);
  return { capabilityNames, requiredCapabilities: [...required].sort((a, b) => a - b) };
}

const lit = (v: unknown): string => JSON.stringify(v);
/** The path-independent name of a source: its base name (a name without separators is kept as is). */
export const sourceName = (source: string): string => source.split(/[\\/]/).filter((s) => s !== '').pop() ?? source;
/** Text inside a template literal. */
const tplText = (s: string): string => s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
const isIdent = (s: string): boolean => /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) && s !== '__proto__';
/** An object-literal key; `__proto__` is computed so that it names a property, not the prototype. */
const key = (s: string): string => (isIdent(s) ? s : s === '__proto__' ? `[${lit(s)}]` : lit(s));
/** Text safe inside a `//` comment. */
const oneLine = (s: string): string => s.replace(/[\r\n\u2028\u2029]/g, ' ');
const chunked = (xs: readonly (number | string)[], per = 16): string => {
  const rows: string[] = [];
  for (let i = 0; i < xs.length; i += per) rows.push(xs.slice(i, i + per).join(', '));
  return rows.join(',\n');
};

/** What the generator knows about the policy, statically. */
interface Model {
  ip: IndexedPolicy;
  /** role indexes with a slot, ascending: 0, every defined role, every index a transition names */
  slots: number[];
  slotOf: Map<number, number>;
  dense: boolean;
  /** capability codes the policy's roles hold, ascending; bit = position */
  used: number[];
  bitOf: Map<number, number>;
  words: number;
  transWords: number;
  banned: boolean;
  fixed: boolean;
  any: { minP: boolean; maxP: boolean; minA: boolean; maxA: boolean };
  capNames: Map<string, number>;
  nameOfCap: Map<number, string>;
  denials?: Denials;
}

function model(policy: Policy, options: TypeScriptEmitOptions): Model {
  const ip = indexPolicy(policy, options.capabilityNames ? { capabilityNames: options.capabilityNames } : {});
  const idx = new Set<number>([0, ...ip.roles.keys()]);
  for (const r of ip.roles.values()) for (const ch of r.changes) for (const i of [ch.from, ...ch.to]) idx.add(i);
  const slots = [...idx].sort((a, b) => a - b);
  const used = [...new Set([...ip.roles.values()].flatMap((r) => r.capabilities))].sort((a, b) => a - b);
  const roles = [...ip.roles.values()];
  const capNames = new Map<string, number>([...registry.map((c) => [c.name, c.code] as [string, number]), ...(options.capabilityNames ?? new Map())]);
  const nameOfCap = new Map<number, string>();
  for (const [n, c] of capNames) if (!nameOfCap.has(c)) nameOfCap.set(c, n);
  return {
    ip,
    slots,
    slotOf: new Map(slots.map((s, i) => [s, i])),
    dense: slots.length <= (options.denseRoleLimit ?? 64),
    used,
    bitOf: new Map(used.map((c, i) => [c, i])),
    words: Math.max(1, Math.ceil(used.length / 32)),
    transWords: Math.max(1, Math.ceil(slots.length / 32)),
    banned: ip.bannedRole,
    fixed: ip.base.fixedMembership,
    any: {
      minP: roles.some((r) => r.minParticipants > 0),
      maxP: roles.some((r) => r.maxParticipants !== null),
      minA: roles.some((r) => r.minActive > 0),
      maxA: roles.some((r) => r.maxActive !== null),
    },
    capNames,
    nameOfCap,
  };
}

// ---- Plans as code ----------------------------------------------------------------------------------

/** A constant expression's text (a number or string literal), folded into a template at generation time. */
const constantText = (expr: string): string | undefined =>
  /^-?\d+$/.test(expr) ? expr : /^"(?:[^"\\]|\\.)*"$/.test(expr) ? (JSON.parse(expr) as string) : undefined;

const tplOf = (parts: readonly ReasonPart[], exprs: Partial<Record<ReasonVar, string>>): string =>
  '`' +
  parts
    .map((p) => {
      if (typeof p === 'string') return tplText(p);
      const c = constantText(exprs[p.v]!);
      return c === undefined ? '${' + exprs[p.v]! + '}' : tplText(c);
    })
    .join('') +
  '`';

// ---- Claims -------------------------------------------------------------------------------------------

/** The body of a preauth matcher, and whether it reads the claims (an entry with no claims matches anyone). */
function matcher(m: Model, nonZero: boolean): { code: string; readsClaims: boolean } {
  const lines: string[] = [];
  let readsClaims = false;
  m.ip.preauth.forEach((e, i) => {
    if (nonZero && e.role.index === 0) return;
    if (e.claims.length) readsClaims = true;
    const conds = e.claims.map((c) => `hasClaim(claims, ${c.credentialType}, ${lit(c.id)}, ${lit(c.value)})`);
    lines.push(`// entry ${i}: ${oneLine(roleLabel(e.role.index, m.ip.roleName(e.role.index)))}`);
    lines.push(conds.length ? `if (${conds.join(' && ')}) return ${e.role.index};` : `return ${e.role.index};`);
  });
  lines.push('return -1;');
  return { code: lines.join('\n'), readsClaims };
}

// ---- The module ----------------------------------------------------------------------------------------

function bits(rows: number, words: number, set: (row: number) => Iterable<number>): number[] {
  const a = new Array<number>(rows * words).fill(0);
  for (let r = 0; r < rows; r++) for (const b of set(r)) a[r * words + (b >>> 5)] = (a[r * words + (b >>> 5)] | (1 << (b & 31))) >>> 0;
  return a;
}

function roleTables(m: Model, which: 'lists' | 'can'): { kind: 'dense'; data: number[] } | { kind: 'sparse'; keys: number[] } {
  const N = m.slots.length;
  const triples: [number, number, number][] = [];
  for (const r of m.ip.roles.values()) {
    const hs = m.slotOf.get(r.index)!;
    for (const [from, tos] of m.ip.changes.get(r.index) ?? [])
      for (const to of tos) {
        if (which === 'can' && !canTransition(m.ip, r.index, from, to)) continue;
        triples.push([hs, m.slotOf.get(from)!, m.slotOf.get(to)!]);
      }
  }
  if (!m.dense) return { kind: 'sparse', keys: [...new Set(triples.map(([h, f, t]) => (h * N + f) * N + t))].sort((a, b) => a - b) };
  const data = new Array<number>(N * N * m.transWords).fill(0);
  for (const [h, f, t] of triples) {
    const i = (h * N + f) * m.transWords + (t >>> 5);
    data[i] = (data[i] | (1 << (t & 31))) >>> 0;
  }
  return { kind: 'dense', data };
}

/**
 * About how many bytes emitTypeScript will produce for `policy`, without generating it: a fixed part
 * (the evaluator's functions), the policy's wire bytes (embedded as base64: 4/3 of them), and per role and per
 * role-change target the size of their table entries. Within a factor of two of the real size (a test
 * keeps it so); `build --emit ts` refuses above `--max-emit-bytes` before the expensive generation.
 */
export function estimateEvaluatorBytes(policy: Policy, wireBytes = encodePolicy(policy).length): number {
  let targets = 0;
  for (const r of policy.roles) for (const c of r.changes) targets += c.to.length;
  return 50_000 + Math.ceil((4 * wireBytes) / 3) + 200 * policy.roles.length + 24 * targets + 150 * (policy.preauth?.length ?? 0);
}

export async function emitTypeScript(policy: Policy, options: TypeScriptEmitOptions): Promise<string> {
  const format = options.format === false ? undefined : loadPrettier();
  // required, not imported: importing the CommonJS ts-morph from ESM first scans its 1 MB for export names (~80 ms)
  tsMorph ??= createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph');
  const m = model(policy, options);
  const bytes = encodePolicy(policy);
  const sha = createHash('sha256').update(bytes).digest('hex');
  const N = m.slots.length;
  const ip = m.ip;
  const roleNames = [...ip.roleByName].sort((a, b) => a[1] - b[1]);
  const required = [...new Set(options.requiredCapabilities ?? [])].sort((a, b) => a - b);
  const capList = [...m.capNames].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));

  // Declarations are collected as ts-morph structures and printed once (no re-parsing per addition).
  const statements: (string | StatementStructures)[] = [];
  const konst = (name: string, init: string, opts: { exported?: boolean; type?: string; docs?: string } = {}) =>
    statements.push({
      kind: morph().StructureKind.VariableStatement,
      isExported: !!opts.exported,
      declarationKind: morph().VariableDeclarationKind.Const,
      declarations: [{ name, initializer: init, ...(opts.type ? { type: opts.type } : {}) }],
      ...(opts.docs ? { docs: [opts.docs] } : {}),
    });
  const fn = (name: string, params: OptionalKind<ParameterDeclarationStructure>[], returnType: string, body: string, opts: { exported?: boolean; docs?: string } = {}) =>
    statements.push({ kind: morph().StructureKind.Function, name, isExported: !!opts.exported, parameters: params, returnType, statements: body, ...(opts.docs ? { docs: [opts.docs] } : {}) });
  const sf = {
    addStatements: (s: string[]) => statements.push(...s),
    addTypeAlias: (a: { name: string; isExported: boolean; type: string; docs?: string[] }) => statements.push({ kind: morph().StructureKind.TypeAlias, ...a }),
    addInterface: (i: Omit<import('ts-morph').InterfaceDeclarationStructure, 'kind'>) => statements.push({ kind: morph().StructureKind.Interface, ...i }),
    addClass: (c: Omit<import('ts-morph').ClassDeclarationStructure, 'kind'>) => statements.push({ kind: morph().StructureKind.Class, ...c }),
  };
  const p = (name: string, type: string, hasQuestionToken = false): OptionalKind<ParameterDeclarationStructure> => ({ name, type, hasQuestionToken });
  /** the input checks' shared leaf helpers (compiler/emit/schema-checks.ts), emitted once every check is printed */
  const helpers = new Helpers();

  const source = sourceName(options.source);
  sf.addStatements([
    `// @generated by ${oneLine(options.generator ?? 'mimi-policy')} from ${oneLine(source)}. Do not edit: rebuild with \`mimi-policy build --emit ts\`.`,
    `// Policy SHA-256 ${sha}: ${ip.roles.size} roles, ${ip.preauth.length} preauth entries, ${bytes.length} wire bytes.`,
    '// Decisions follow docs/semantics.md (draft-ietf-mimi-room-policy-03); no imports, no shared mutable state.',
  ]);

  // -- the policy itself
  konst('POLICY_SHA256', lit(sha), { exported: true, docs: 'SHA-256 of the policy wire bytes (the AppDataDictionary), lowercase hex.' });
  konst('POLICY_BASE64', lit(Buffer.from(bytes).toString('base64')), { exported: true, docs: 'The policy wire bytes (the AppDataDictionary of its components), base64.' });
  konst('SOURCE', lit(source), { exported: true, docs: 'What this module was generated from.' });
  fn('policyBytes', [], 'Uint8Array', [
    "const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';",
    "const s = POLICY_BASE64.replace(/=+$/, '');",
    'const out = new Uint8Array((s.length * 3) >> 2);',
    'let bits = 0;',
    'let n = 0;',
    'let j = 0;',
    'for (let i = 0; i < s.length; i++) {',
    '  bits = (bits << 6) | digits.indexOf(s.charAt(i));',
    '  n += 6;',
    '  if (n >= 8) {',
    '    n -= 8;',
    '    out[j++] = (bits >> n) & 255;',
    '  }',
    '}',
    'return out;',
  ].join('\n'), { exported: true, docs: 'A fresh copy of the policy wire bytes.' });
  fn('isPolicy', [p('bytes', 'Uint8Array')], 'boolean', 'const own = policyBytes();\nif (bytes.length !== own.length) return false;\nfor (let i = 0; i < own.length; i++) if (bytes[i] !== own[i]) return false;\nreturn true;', {
    exported: true,
    docs: 'Are these the bytes of the policy this module was generated from (e.g. the ones the room holds)?',
  });

  // -- names
  konst('roles', `{\n${roleNames.map(([n, i]) => `${key(n)}: ${i},`).join('\n')}\n} as const`, { exported: true, docs: 'The roles, by name (roles whose name is unique in the policy).' });
  sf.addTypeAlias({ name: 'RoleName', isExported: true, type: roleNames.length ? 'keyof typeof roles' : 'never' });
  konst('capabilities', `{\n${capList.map(([n, c]) => `${key(n)}: ${hex16(c)},`).join('\n')}\n} as const`, {
    exported: true,
    docs: 'Every capability name this module knows: the registry and the policy’s declared private-use capabilities.',
  });
  sf.addTypeAlias({ name: 'CapabilityName', isExported: true, type: 'keyof typeof capabilities' });
  konst('capabilitiesUsed', `Object.freeze([${m.used.map(hex16).join(', ')}])`, { exported: true, type: 'readonly number[]', docs: 'The capability codes the policy’s roles hold, ascending.' });
  konst('requiredCapabilities', `Object.freeze([${required.map(hex16).join(', ')}])`, {
    exported: true,
    type: 'readonly number[]',
    docs: 'Capability codes of the policy’s `required package`s: an app that does not understand one of them must not run this policy.',
  });

  // -- types
  sf.addTypeAlias({ name: 'RoleRef', isExported: true, type: 'number | RoleName', docs: ['A role by index or by name.'] });
  sf.addTypeAlias({ name: 'CapabilityRef', isExported: true, type: 'number | CapabilityName', docs: ['A capability by code or by name.'] });
  sf.addInterface({ name: 'Participant', isExported: true, properties: [{ name: 'user', type: 'string', isReadonly: true }, { name: 'role', type: 'RoleRef', isReadonly: true }, { name: 'clients', type: 'number', isReadonly: true, docs: ['how many of the user’s clients are in the MLS group'] }] });
  sf.addInterface({ name: 'State', isExported: true, properties: [{ name: 'participants', type: 'readonly Participant[]', isReadonly: true }] });
  sf.addInterface({
    name: 'Claim',
    isExported: true,
    docs: ['A credential claim; `id` and `value` are the exact bytes as lowercase hex.'],
    properties: [{ name: 'credentialType', type: 'number', isReadonly: true }, { name: 'id', type: 'string', isReadonly: true }, { name: 'value', type: 'string', isReadonly: true }],
  });
  const actionType = ACTION_TYPES.map((t) => {
    const f = actionFields(t);
    const props = [`readonly type: ${lit(t)}`, 'readonly actor: string'];
    if (f.target) props.push('readonly target: string');
    if (f.via) props.push(`readonly via: ${JOIN_VIAS.map(lit).join(' | ')}`);
    if (f.to) props.push('readonly to?: RoleRef');
    if (f.clients) props.push('readonly clients?: number');
    if (f.capability) props.push('readonly capability: CapabilityRef');
    props.push('readonly claims?: readonly Claim[]');
    return `{ ${props.join('; ')} }`;
  }).join('\n| ');
  sf.addTypeAlias({ name: 'Action', isExported: true, type: actionType, docs: ['An action to authorize (docs/semantics.md, "Actions").'] });
  sf.addInterface({
    name: 'Decision',
    isExported: true,
    properties: [
      { name: 'allowed', type: 'boolean', isReadonly: true },
      { name: 'rule', type: 'string', isReadonly: true, docs: ['`ok:<capability>` when allowed, else the stable name of the check that failed'] },
      { name: 'reason', type: 'string', isReadonly: true },
    ],
  });
  sf.addInterface({
    name: 'ParticipantListUpdate',
    isExported: true,
    properties: [
      { name: 'changed', type: 'readonly { readonly userIndex: number; readonly role: RoleRef }[]', isReadonly: true },
      { name: 'removed', type: 'readonly number[]', isReadonly: true },
      { name: 'added', type: 'readonly { readonly user: string; readonly role: RoleRef }[]', isReadonly: true },
    ],
  });
  sf.addInterface({
    name: 'ChangeDecision',
    isExported: true,
    properties: [
      { name: 'change', type: UPDATE_ORDER.map(lit).join(' | '), isReadonly: true },
      { name: 'position', type: 'number', isReadonly: true },
      { name: 'user', type: 'string', isReadonly: true },
      { name: 'action', type: PLAN_KEYS.map(lit).join(' | '), isReadonly: true },
      { name: 'decision', type: 'Decision', isReadonly: true },
    ],
  });
  sf.addInterface({ name: 'UpdateDecision', isExported: true, extends: ['Decision'], properties: [{ name: 'changes', type: 'readonly ChangeDecision[]', isReadonly: true }] });
  sf.addClass({
    name: 'InvalidInputError',
    isExported: true,
    extends: 'Error',
    docs: ['Malformed input: an error, never a decision.'],
    properties: [
      { name: 'name', type: 'string', initializer: "'InvalidInputError'", isReadonly: true, hasOverrideKeyword: true },
      { name: 'path', type: 'string', isReadonly: true, docs: ['the offending field, e.g. `participants.2.role`'] },
    ],
    ctors: [{ parameters: [p('path', 'string'), p('detail', 'string')], statements: 'super(path ? `\\`${path}\\`: ${detail}` : detail);\nthis.path = path;' }],
  });

  // -- tables
  const maxIndex = m.slots[m.slots.length - 1];
  if (maxIndex < 4096) {
    const dense = new Array<number>(maxIndex + 1).fill(-1);
    m.slots.forEach((s, i) => (dense[s] = i));
    konst('SLOT', `new Int32Array([${chunked(dense)}])`, { docs: 'role index → slot (−1: no slot)' });
    const identity = m.slots.every((s, i) => s === i);
    // `i >>> 0 < n` also sends −1 (no role) and other non-indexes to −1
    fn('slotOf', [p('i', 'number')], 'number', identity ? `return i >>> 0 < ${N} ? i : -1;` : `return i >>> 0 < ${dense.length} ? SLOT[i]! : -1;`);
  } else {
    konst('SLOT', `new Map<number, number>([${m.slots.map((s, i) => `[${s}, ${i}]`).join(', ')}])`, { type: 'ReadonlyMap<number, number>', docs: 'role index → slot' });
    fn('slotOf', [p('i', 'number')], 'number', 'const s = SLOT.get(i);\nreturn s === undefined ? -1 : s;');
  }
  konst('BANNED', '1', { type: 'number', docs: 'the banned role (typed `number` so that comparing with it does not narrow)' });
  konst('N', String(N), { docs: 'role slots: role 0, every defined role, and every index a transition names' });
  konst('DEFINED', `new Uint8Array([${chunked(m.slots.map((s) => (ip.roles.has(s) ? 1 : 0)), 32)}])`);
  konst('LABELS', `[${m.slots.map((s) => lit(roleLabel(s, ip.roleName(s)))).join(', ')}]`, { type: 'readonly string[]' });
  konst('ROLE_BY_NAME', `new Map<string, number>([${roleNames.map(([n, i]) => `[${lit(n)}, ${i}]`).join(', ')}])`, { type: 'ReadonlyMap<string, number>' });
  konst('CAP_BY_NAME', `new Map<string, number>(Object.entries(capabilities))`, { type: 'ReadonlyMap<string, number>' });
  // code → name: the first name of each code in `capabilities` (built at load) unless the policy's
  // declared names say otherwise (a private name given a registry code keeps the registry's name)
  const firstByCode = new Map<number, string>();
  for (const [n, c] of capList) if (!firstByCode.has(c)) firstByCode.set(c, n);
  const derived = firstByCode.size === m.nameOfCap.size && [...m.nameOfCap].every(([c, n]) => firstByCode.get(c) === n);
  konst(
    'NAME_OF_CAP',
    derived
      ? `((): ReadonlyMap<number, string> => {\nconst a = new Map<number, string>();\nfor (const [n, c] of Object.entries(capabilities)) if (!a.has(c)) a.set(c, n);\nreturn a;\n})()`
      : `new Map<number, string>([${[...m.nameOfCap].sort((a, b) => a[0] - b[0]).map(([c, n]) => `[${hex16(c)}, ${lit(n)}]`).join(', ')}])`,
    { type: 'ReadonlyMap<number, string>', docs: 'capability code → name' },
  );
  konst('CAP_BIT', `((): Int16Array => { const a = new Int16Array(65536).fill(-1); capabilitiesUsed.forEach((c, i) => (a[c] = i)); return a; })()`, { docs: 'capability code → bit in a role’s capability set (−1: no role holds it)' });
  konst('W', String(m.words), { docs: 'words per capability set' });
  konst('CAPS', `new Uint32Array([${chunked(bits(N, m.words, (s) => (ip.roles.get(m.slots[s])?.capabilities ?? []).map((c) => m.bitOf.get(c)!)).map((x) => `0x${x.toString(16)}`), 8)}])`, {
    docs: 'capability bitsets by slot',
  });
  const constraintArray = (get: (s: number) => number | null) => `new Float64Array([${chunked(m.slots.map((s) => (ip.roles.has(s) ? (get(s) ?? -1) : -1)), 16)}])`;
  konst('MIN_P', constraintArray((s) => ip.roles.get(s)!.minParticipants), { docs: 'participants minimum by slot' });
  konst('MAX_P', constraintArray((s) => ip.roles.get(s)!.maxParticipants), { docs: 'participants maximum by slot (−1: none)' });
  konst('MIN_A', constraintArray((s) => ip.roles.get(s)!.minActive), { docs: 'active participants minimum by slot' });
  konst('MAX_A', constraintArray((s) => ip.roles.get(s)!.maxActive), { docs: 'active participants maximum by slot (−1: none)' });
  for (const [name, which] of [
    ['TRANS', 'lists'],
    ['CAN', 'can'],
  ] as const) {
    const t = roleTables(m, which);
    const doc = which === 'lists' ? 'authorized_role_changes: holder slot × from slot → to slots' : 'canTransition: actor slot × from slot → to slots';
    if (t.kind === 'dense') konst(name, `new Uint32Array([${chunked(t.data.map((x) => `0x${x.toString(16)}`), 8)}])`, { docs: `${doc} (bit matrix, ${m.transWords} word(s) per row)` });
    else konst(name, `new Set<number>([${chunked(t.keys, 12)}])`, { type: 'ReadonlySet<number>', docs: `${doc} (keys (h × N + f) × N + t)` });
  }
  const bitTest = (name: string) =>
    !m.dense
      ? `return hs >= 0 && fs >= 0 && ts >= 0 && ${name}.has((hs * N + fs) * N + ts);`
      : m.transWords === 1
        ? `return fs >= 0 && ts >= 0 && ((${name}[hs * N + fs]! >>> ts) & 1) === 1;`
        : `return fs >= 0 && ts >= 0 && ((${name}[(hs * N + fs) * ${m.transWords} + (ts >>> 5)]! >>> (ts & 31)) & 1) === 1;`;
  fn('lists', [p('hs', 'number'), p('fs', 'number'), p('ts', 'number')], 'boolean', bitTest('TRANS'), { docs: 'Does the role in slot hs list the change fs → ts?' });
  fn('can', [p('hs', 'number'), p('fs', 'number'), p('ts', 'number')], 'boolean', (m.dense ? 'if (hs < 0) return false;\n' : '') + bitTest('CAN'));
  konst('NO_CLAIMS', 'Object.freeze([])', { type: 'readonly Claim[]' });
  const upd = (kind: (typeof UPDATE_ORDER)[number]) =>
    `[${[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `[${updateActions(kind, (i & 4) !== 0, (i & 2) !== 0, (i & 1) !== 0).map(lit).join(', ')}]`).join(', ')}]`;
  konst('UPDATE_ACTIONS', `{ ${UPDATE_ORDER.map((k) => `${k}: ${upd(k)}`).join(', ')} }`, {
    type: 'Readonly<Record<ChangeDecision["change"], readonly (readonly ChangeDecision["action"][])[]>>',
    docs: 'the actions a ParticipantListUpdate change may be authorized as, by [self × 4 + fromBanned × 2 + toBanned]',
  });
  konst('EFFECT', `{\n${PLAN_KEYS.map((k) => {
    const e = EFFECTS[PLANS[k].type];
    return `${lit(k)}: { target: ${e.mover === 'target'}, keep: ${e.clients === 'keep'}, clients: ${e.clients === 'zero' ? 0 : e.clientsDefault}, to: ${PLANS[k].destination === 'zero' ? 0 : PLANS[k].destination === 'banned' ? 1 : -1} },`;
  }).join('\n')}\n}`, { type: 'Readonly<Record<ChangeDecision["action"], { readonly target: boolean; readonly keep: boolean; readonly clients: number; readonly to: number }>>', docs: 'what an allowed update change does to its user' });

  // -- small helpers
  fn('bad', [p('path', 'string'), p('detail', 'string')], 'never', 'throw new InvalidInputError(path, detail);');
  fn('isU32', [p('x', 'unknown')], 'x is number', "return typeof x === 'number' && x >>> 0 === x;");
  fn('isObj', [p('x', 'unknown')], 'x is Record<string, unknown>', "return typeof x === 'object' && x !== null && !Array.isArray(x);");
  fn('oneOf', [p('path', 'string'), p('x', 'unknown'), p('what', 'string'), p('expected', 'string')], 'never', "return bad(path, typeof x === 'string' ? 'unknown ' + what + ' `' + x + '`; ' + expected : expected);");
  fn('q', [p('user', 'string | undefined')], 'string', "return '`' + (user === undefined ? '' : user) + '`';");
  fn('label', [p('i', 'number')], 'string', "if (i < 0) return 'no role';\nconst s = slotOf(i);\nreturn s >= 0 ? LABELS[s]! : 'role ' + i;");
  fn('capName', [p('code', 'number')], 'string', "const n = NAME_OF_CAP.get(code);\nreturn n !== undefined ? n : '0x' + code.toString(16).padStart(4, '0');");
  fn('deny', [p('rule', 'string'), p('reason', 'string')], 'Decision', 'return { allowed: false, rule, reason };');
  fn('roleOf', [p('r', 'RoleRef')], 'number', "return typeof r === 'number' ? r : (ROLE_BY_NAME.get(r) as number);");
  fn('roleRef', [p('r', 'unknown'), p('path', 'string')], 'number', [
    'if (isU32(r)) return r;',
    "if (typeof r !== 'string') return bad(path, 'expected a role index or name');",
    'const i = ROLE_BY_NAME.get(r);',
    'return i === undefined ? bad(path, `unknown role name \\`${r}\\``) : i;',
  ].join('\n'));
  fn('capabilityRef', [p('c', 'unknown'), p('path', 'string')], 'number', [
    "if (typeof c === 'number') return c >>> 0 === c && c <= 0xffff ? c : bad(path, 'expected a capability code from 0 to 65535');",
    "if (typeof c !== 'string') return bad(path, 'expected a capability code or name');",
    'const code = CAP_BY_NAME.get(c);',
    'return code === undefined ? bad(path, `unknown capability \\`${c}\\``) : code;',
  ].join('\n'));
  // the input checks, printed from the shapes the interpreter checks with (compiler/emit/schema-checks.ts)
  fn('checkClaims', [p('x', 'unknown'), p('path', 'string')], 'asserts x is readonly Claim[]', printCheckFunctionBody(ClaimsInputShape, { helpers }));
  konst('HEX', '/^(?:[0-9a-f]{2})*$/');
  fn('hasClaim', [p('claims', 'readonly Claim[]'), p('type', 'number'), p('id', 'string'), p('value', 'string')], 'boolean', [
    'for (let i = 0; i < claims.length; i++) {',
    '  const c = claims[i]!;',
    '  if (c.credentialType === type && c.id === id && c.value === value) return true;',
    '}',
    'return false;',
  ].join('\n'));
  const claimsParam = (mt: { readsClaims: boolean }) => [p(mt.readsClaims ? 'claims' : '_claims', 'readonly Claim[]')];
  const [anyMatch, nonZeroMatch] = [matcher(m, false), matcher(m, true)];
  fn('firstMatch', claimsParam(anyMatch), 'number', anyMatch.code, { docs: 'The role index of the first preauth entry the claims match (−1: none).' });
  fn('firstNonZeroMatch', claimsParam(nonZeroMatch), 'number', nonZeroMatch.code, { docs: 'The first match among the entries with a non-zero role (changeOwnRole).' });
  // -- the four questions
  fn('authorize', [p('state', 'State | PreparedState'), p('action', 'Action')], 'Decision', authorizeBody(), {
    exported: true,
    docs: 'May this action happen in this state? `{ allowed, rule, reason }`; malformed input throws InvalidInputError. Pass a prepareState result to skip re-validating an unchanged list.',
  });
  konst('CAP_LABEL', 'capabilitiesUsed.map(capName)', { type: 'readonly string[]', docs: 'the name of each capability a role holds, by bit' });
  const [okPre, okPost] = okRule('\u0000').split('\u0000');
  konst('OK_RULE', `CAP_LABEL.map((n) => ${lit(okPre)} + n${okPost ? ` + ${lit(okPost)}` : ''})`, { type: 'readonly string[]', docs: 'the rule of an allowed `capability` action, by bit' });
  // the deciders, their recurring denials shared (printed after them)
  const denials = new Denials();
  const deciders = ACTION_TYPES.map((t) => ({ t, ...deciderBody({ ...m, denials }, t, helpers) }));
  for (const { t, body, readsState } of deciders)
    fn(deciderName(t), [p(readsState ? 'st' : '_st', 'PreparedState'), p('x', 'Record<string, unknown>')], 'Decision', denials.resolve(body), { docs: `authorize for \`${t}\` actions (${ACTIONS[t].summary}).` });
  for (const d of denials.functions()) fn(d.name, d.params.map((x) => p(x, 'string | number')), 'Decision', d.body);
  sf.addTypeAlias({ name: 'ByUser', isExported: true, type: '{ readonly [user: string]: { readonly role: number; readonly clients: number } | undefined }', docs: ['Participants by user (a null-prototype object).'] });
  sf.addClass({
    name: 'PreparedState',
    isExported: true,
    docs: ['A validated participant list with what the checks count precomputed (make one with prepareState). Immutable.'],
    ctors: [
      {
        parameters: [
          { name: 'participants', type: 'readonly Participant[]', isReadonly: true, scope: morph().Scope.Public },
          { name: 'byUser', type: 'ByUser', isReadonly: true, scope: morph().Scope.Public },
          { name: 'count', type: 'Int32Array', isReadonly: true, scope: morph().Scope.Public },
          { name: 'active', type: 'Int32Array', isReadonly: true, scope: morph().Scope.Public },
          { name: 'users', type: 'number', isReadonly: true, scope: morph().Scope.Public },
          { name: 'clients', type: 'number', isReadonly: true, scope: morph().Scope.Public },
        ],
        statements: 'Object.freeze(this);',
      },
    ],
  });
  fn('prepareState', [p('state', 'State')], 'PreparedState', 'return indexState(state, true);', {
    exported: true,
    docs: 'Validate a participant list (shapes, role names, no role 0, no user listed twice; InvalidInputError otherwise) and index it. Pass the result to authorize while the list does not change.',
  });
  fn('indexState', [p('state', 'State'), p('keep', 'boolean')], 'PreparedState', [
    // the state's shape (its entries: checkParticipant, as the loop reads them)
    ...printObject(StateInputShape, 'state', [], { names: { participants: 'ps' }, shallow: new Set(['participants']), helpers }),
    '// a role name the policy lacks, role 0 or a user listed twice is reported once every entry has its shape (as the interpreter does)',
    'let laterPath: string | undefined;',
    "let laterDetail = '';",
    '// a null-prototype object rather than a Map: property lookups by user are faster here',
    'const byUser: { [user: string]: { readonly role: number; readonly clients: number } | undefined } = Object.create(null);',
    'const count = new Int32Array(N);',
    'const active = new Int32Array(N);',
    'let users = 0;',
    'let clients = 0;',
    'for (let i = 0; i < ps.length; i++) {',
    '  const role = checkParticipant(ps[i], i);',
    '  const p = ps[i];',
    '  if (role <= 0 || byUser[p.user] !== undefined) {',
    '    if (laterPath === undefined) {',
    '      laterPath = role <= 0 ? `participants.${i}.role` : `participants.${i}.user`;',
    "      laterDetail = role < 0 ? `unknown role name \\`${p.role}\\`` : role === 0 ? 'a listed participant cannot have role 0' : `user \\`${p.user}\\` is listed twice`;",
    '    }',
    '    continue;',
    '  }',
    '  byUser[p.user] = keep ? Object.freeze({ role, clients: p.clients }) : { role, clients: p.clients };',
    '  const s = slotOf(role);',
    '  if (s >= 0) {',
    '    count[s]!++;',
    '    if (p.clients > 0) active[s]!++;',
    '  }',
    m.banned ? '  if (role !== 1) users++;' : '  users++;',
    '  clients += p.clients;',
    '}',
    'if (laterPath !== undefined) bad(laterPath, laterDetail);',
    'const list = keep ? Object.freeze(ps.map((p) => Object.freeze({ user: p.user, role: p.role, clients: p.clients }))) : NO_PARTICIPANTS;',
    'return new PreparedState(list, byUser, count, active, users, clients);',
  ].join('\n'), {
    docs: 'prepareState, or (keep false) the index of a list for one decision only: no copy of the list, nothing frozen — it never leaves this module.',
  });
  konst('NO_PARTICIPANTS', 'Object.freeze([])', { type: 'readonly Participant[]' });
  fn('checkParticipant', [p('x', 'unknown'), p('i', 'number')], 'number', [
    ...printObject(ParticipantInputShape, 'x', ['participants', '.', { expr: 'i' }], { helpers }),
    'const role = x.role;',
    "const r = typeof role === 'number' ? role : ROLE_BY_NAME.get(role);",
    'return r === undefined ? -1 : r;',
  ].join('\n'), { docs: 'A participant entry of the right shape (InvalidInputError otherwise): its role index, or −1 for a role name the policy lacks (the caller reports it, and role 0, once every entry has its shape).' });
  sf.addStatements(['// How a whole ParticipantListUpdate is decided: runtime/evaluator/update-core.ts of mimi-policy, verbatim.', UPDATE_CORE]);
  fn('authorizeUpdate', [p('state', 'State | PreparedState'), p('sender', 'string | { readonly user: string; readonly claims?: readonly Claim[] }'), p('update', 'ParticipantListUpdate')], 'UpdateDecision', updateBody(m, helpers), {
    exported: true,
    docs: 'A whole ParticipantListUpdate: role changes, then removals (indexes into the list before the update), then additions, each user at most once, each change authorized against the state as it evolves.',
  });
  fn('preauthorizedRole', [p('claims', 'readonly Claim[]')], 'number | null', "checkClaims(claims, 'claims');\nconst r = firstMatch(claims);\nreturn r < 0 ? null : r;", {
    exported: true,
    docs: 'The role index of the first preauth entry the claims match, or null.',
  });
  const identity = m.slots.every((x, i) => x === i);
  const full = N <= 32;
  if (full)
    konst('FULL', `((): Uint32Array => {\nconst a = new Uint32Array(${32 * 2048});\nfor (let s = 0; s < ${N}; s++) capabilitiesUsed.forEach((c, b) => { if ((CAPS[s * W + (b >>> 5)]! >>> (b & 31)) & 1) a[(s << 11) | (c >>> 5)]! |= 1 << (c & 31); });\nreturn a;\n})()`, {
      docs: 'each role slot’s capabilities as a 65,536-bit set (32 rows, so any index below 32 is a row): one load per hasCapability',
    });
  // Each question has a general function (names, any index) and, where the tables allow it, a tiny
  // exported fast path in front of it: small enough that V8 always inlines it into the caller's loop.
  const general = (name: string, params: OptionalKind<ParameterDeclarationStructure>[], body: string, fast: string | undefined, docs: string) => {
    if (fast === undefined) return fn(name, params, 'boolean', body, { exported: true, docs });
    fn(name, params, 'boolean', `${fast}\nreturn ${name}General(${params.map((q) => q.name).join(', ')});`, { exported: true, docs });
    fn(`${name}General`, params, 'boolean', body, { docs: `${name} for any input (role and capability names, indexes beyond the fast path's)` });
  };
  general(
    'hasCapability',
    [p('role', 'RoleRef'), p('capability', 'CapabilityRef')],
    [
      "const r = typeof role === 'number' && role >>> 0 === role ? role : roleRef(role, 'role');",
      "const c = typeof capability === 'number' && (capability & 0xffff) === capability ? capability : capabilityRef(capability, 'capability');",
      'const s = slotOf(r);',
      ...(full
        ? ['return s >= 0 && ((FULL[(s << 11) | (c >>> 5)]! >>> (c & 31)) & 1) === 1;']
        : ['const b = CAP_BIT[c]!;', 'return s >= 0 && b >= 0 && ((CAPS[s * W + (b >>> 5)]! >>> (b & 31)) & 1) === 1;']),
    ].join('\n'),
    full && identity
      ? [
          '// fast path: role indexes are the slots 0..N−1',
          "if (typeof role === 'number' && typeof capability === 'number' && (role & 31) === role && (capability & 0xffff) === capability)",
          '  return ((FULL[(role << 11) | (capability >>> 5)]! >>> (capability & 31)) & 1) === 1;',
        ].join('\n')
      : undefined,
    'Does the role hold the capability? An undefined role holds nothing; an unknown name throws.',
  );
  if (full && identity && m.dense)
    konst('CAN32', `((): Uint32Array => {\nconst a = new Uint32Array(${32 * 32});\nfor (let h = 0; h < N; h++) for (let f = 0; f < N; f++) for (let t = 0; t < N; t++) if (can(h, f, t)) a[(h << 5) | f]! |= 1 << t;\nreturn a;\n})()`, {
      docs: 'canTransition as 32 × 32 rows of 32 bits: one load for indexes below 32',
    });
  general(
    'canTransition',
    [p('actorRole', 'RoleRef'), p('fromRole', 'RoleRef'), p('toRole', 'RoleRef')],
    [
      "const a = typeof actorRole === 'number' && actorRole >>> 0 === actorRole ? actorRole : roleRef(actorRole, 'actorRole');",
      "const f = typeof fromRole === 'number' && fromRole >>> 0 === fromRole ? fromRole : roleRef(fromRole, 'fromRole');",
      "const t = typeof toRole === 'number' && toRole >>> 0 === toRole ? toRole : roleRef(toRole, 'toRole');",
      'return can(slotOf(a), slotOf(f), slotOf(t));',
    ].join('\n'),
    full && identity && m.dense
      ? [
          '// fast path: three role indexes below 32',
          "if (typeof actorRole === 'number' && typeof fromRole === 'number' && typeof toRole === 'number' && (actorRole & 31) === actorRole && (fromRole & 31) === fromRole && (toRole & 31) === toRole)",
          '  return ((CAN32[(actorRole << 5) | fromRole]! >>> toRole) & 1) === 1;',
        ].join('\n')
      : undefined,
    'Is there an action by which a holder of actorRole may move a user from fromRole to toRole (role 0 = not listed), state and constraints aside?',
  );
  fn('allowedTargets', [p('actorRole', 'RoleRef'), p('fromRole', 'RoleRef')], 'number[]', [
    "const as = slotOf(roleRef(actorRole, 'actorRole'));",
    "const fs = slotOf(roleRef(fromRole, 'fromRole'));",
    'const out: number[] = [];',
    'for (let ts = 0; ts < N; ts++) if (can(as, fs, ts)) out.push(SLOT_INDEX[ts]!);',
    'return out;',
  ].join('\n'), { exported: true, docs: 'Every role a holder of actorRole may move a user in fromRole to, ascending (0 = out of the list).' });
  konst('SLOT_INDEX', `[${m.slots.join(', ')}]`, { type: 'readonly number[]' });
  fn('checkCapabilities', [p('understood', 'Iterable<CapabilityRef>')], '{ ok: boolean; unknown: number[]; unknownRequired: number[] }', [
    'const known = new Set<number>();',
    "for (const c of understood) known.add(typeof c === 'number' ? c : capabilityRef(c, 'understood'));",
    'const unknown = capabilitiesUsed.filter((c) => !known.has(c));',
    'const unknownRequired = requiredCapabilities.filter((c) => !known.has(c));',
    'return { ok: unknownRequired.length === 0, unknown, unknownRequired };',
  ].join('\n'), {
    exported: true,
    docs: 'Which capabilities the policy uses (or requires) that an app does not understand; `ok` is false when a required one is unknown.',
  });

  for (const h of helpers.list()) fn(h.name, [p('v', 'unknown'), p('path', 'string')], `asserts v is ${h.type}`, h.body);
  project ??= new (morph().Project)({ useInMemoryFileSystem: true, compilerOptions: { strict: true } });
  const file = project.createSourceFile('evaluator.ts', { statements }, { overwrite: true });
  // drop what nothing reads (a table or helper this policy does not need): cut out of the printed text
  // with its comments, keeping the larger of the line breaks around it (as ts-morph's remove() does,
  // which re-prints and re-parses the whole file for each statement: ~0.2 s for three)
  let text = file.getFullText();
  const cuts = unread(file).map((st) => [st.getFullStart(), st.getEnd()] as const);
  for (const [start, end] of cuts.sort((a, b) => b[0] - a[0])) {
    const before = /^\s*/.exec(text.slice(start, end))![0];
    const after = /^\s*/.exec(text.slice(end, end + 64))![0];
    text = text.slice(0, start) + (before.length > after.length ? before : after) + text.slice(end + after.length);
  }
  project.removeSourceFile(file);
  return format ? (await format)(text) : text;
}

/**
 * The module's non-exported functions and constants that nothing exported reads, directly or through
 * others: found on the syntax tree (identifiers that are not property names), from the exported
 * declarations, types and free statements outward.
 */
function unread(file: import('ts-morph').SourceFile): import('ts-morph').Statement[] {
  const ts = morph().ts;
  const optional = new Map<string, import('ts-morph').Statement>();
  for (const st of file.getStatements()) {
    const n = st.compilerNode;
    const exported = ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (exported) continue;
    if (ts.isFunctionDeclaration(n) && n.name) optional.set(n.name.text, st);
    else if (ts.isVariableStatement(n) && n.declarationList.declarations.length === 1 && ts.isIdentifier(n.declarationList.declarations[0]!.name))
      optional.set(n.declarationList.declarations[0]!.name.text, st);
  }
  /** The names a statement reads (not the names it declares, not property names). */
  const reads = (root: import('typescript').Node): Set<string> => {
    const out = new Set<string>();
    const visit = (n: import('typescript').Node): void => {
      if (ts.isIdentifier(n)) {
        const p = n.parent;
        const named = (ts.isPropertyAccessExpression(p) || ts.isPropertyAssignment(p) || ts.isPropertySignature(p) || ts.isPropertyDeclaration(p) || ts.isMethodSignature(p) || ts.isMethodDeclaration(p) || ts.isFunctionDeclaration(p) || ts.isVariableDeclaration(p) || ts.isParameter(p)) && p.name === n;
        if (!named) out.add(n.text);
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(root);
    return out;
  };
  const reached = new Set<string>();
  const queue: string[] = [];
  const reach = (names: Set<string>) => {
    for (const name of names) if (optional.has(name) && !reached.has(name)) reached.add(name), queue.push(name);
  };
  for (const st of file.getStatements()) if (![...optional.values()].includes(st)) reach(reads(st.compilerNode));
  while (queue.length) reach(reads(optional.get(queue.pop()!)!.compilerNode));
  return [...optional].filter(([name]) => !reached.has(name)).map(([, st]) => st);
}

/** The name of the generated function that decides one action type. */
const deciderName = (t: ActionType): string => `decide_${t}`;

/**
 * `authorize` only dispatches on the type: each type has its own function that validates exactly the
 * fields it takes and runs its plan(s) straight-line, so the property loads in each see one action
 * shape (fast in V8) instead of every shape at once.
 */
function authorizeBody(): string {
  return `
// the state first, then the action (the interpreter's order)
const st = state instanceof PreparedState ? state : indexState(state, false);
const x: unknown = action;
if (!isObj(x)) return bad('action', ${lit(ActionInputShape.message)});
switch (x.type) {
${ACTION_TYPES.map((t) => `case ${lit(t)}: return ${deciderName(t)}(st, x);`).join('\n')}
}
return oneOf('action.type', x.type, ${lit(ActionInputShape.tagNode.what)}, ${lit(ActionInputShape.tagNode.message)});`;
}

/** The body of one action type's decider: validation in the interpreter's order, then the plan. */
function deciderBody(m: Model, type: ActionType, helpers: Helpers): { body: string; readsState: boolean } {
  const f = actionFields(type);
  const keys = PLAN_KEYS.filter((k) => PLANS[k].type === type);
  const plans = keys.map((k) => printPlan(m, PLANS[k]));
  // what the plans read (the printer tracks it as it prints the IR)
  const read = new Set<string>(plans.flatMap((pl) => [...pl.reads]));
  // the action's shape, printed from the one the interpreter checks (shapes first, then names: its order);
  // straight-line here, so that the property loads see this type's shape only
  const out = printObject(ActionInputShape.cases.get(type)!, 'x', ['action'], { isObject: true, skip: new Set(['type']), functions: new Map([[ClaimsInputShape, 'checkClaims']]), helpers });
  // A value the plans of this type may not read: declared when they read it (an unused local would not
  // compile under noUnusedLocals).
  const lazy: { name: string; used: string; unused: string }[] = [
    { name: 'actor', used: 'const actor = x.actor;', unused: '' },
    ...(f.target ? [{ name: 'target', used: 'const target = x.target;', unused: '' }] : []),
    { name: 'claims', used: 'const claims = x.claims;', unused: '' },
  ];
  if (f.clients) lazy.push({ name: 'clients', used: `const clients = x.clients ?? ${EFFECTS[type].clientsDefault};`, unused: '' });
  if (f.to) lazy.push({ name: 'req', used: "const req = x.to === undefined ? -1 : typeof x.to === 'number' ? x.to : roleRef(x.to, 'action.to');", unused: "if (typeof x.to === 'string') roleRef(x.to, 'action.to');" });
  if (f.capability) lazy.push({ name: '', used: "const capability = typeof x.capability === 'number' ? x.capability : capabilityRef(x.capability, 'action.capability');", unused: '' });
  const body =
    keys.length === 1
      ? plans[0]!.code
      : `switch (x.via) {\n${keys.map((k, i) => `case ${lit(PLANS[k].via)}: {\n${plans[i]!.code}\n}`).join('\n')}\n}`;
  const chosen = lazy.map((l) => (l.name === '' || read.has(l.name) ? l.used : l.unused));
  return { body: [...out, ...chosen.filter((c) => c !== ''), body].join('\n'), readsState: read.has('st') };
}

function updateBody(m: Model, helpers: Helpers): string {
  const functions = new Map([[ClaimsInputShape, 'checkClaims']]);
  // the inputs' shapes, printed from the ones the interpreter checks, in its order (state, sender, update); then names
  return `
const st0 = state instanceof PreparedState ? state : prepareState(state);
const sv: unknown = sender;
${printCheck(SenderInputShape, 'sv', ['sender'], { functions, helpers }).join('\n')}
const uv: unknown = update;
${printCheck(UpdateInputShape, 'uv', ['update'], { helpers }).join('\n')}
const user = typeof sender === 'string' ? sender : sender.user;
const claims = typeof sender === 'string' ? undefined : sender.claims;
const pre = st0.participants;
const changedRoles = update.changed.map((c, i) => roleRef(c.role, 'update.changed.' + i + '.role'));
const addedRoles = update.added.map((a, i) => roleRef(a.role, 'update.added.' + i + '.role'));
type Entry = { readonly user: string; readonly role: number; readonly clients: number };
const ops: UpdateOps<readonly Entry[], ChangeDecision['action'], Decision> = {
  roleOf: (cur, u) => {
    for (const p of cur) if (p.user === u) return p.role;
    return 0;
  },
  isBanned: ${m.banned ? '(r) => r === 1' : '(_r) => false'},
  actions: (change, self, fromBanned, toBanned) => UPDATE_ACTIONS[change][(self ? 4 : 0) + (fromBanned ? 2 : 0) + (toBanned ? 1 : 0)]!,
  decide: (cur, k, s) => {
    const e = EFFECT[k];
    const type = k.startsWith('join:') ? 'join' : k;
    const a: Record<string, unknown> = { type, actor: user };
    if (type === 'join') a.via = k.slice(5);
    if (e.target) a.target = s.user;
    if (e.to < 0) a.to = s.role;
    if (claims !== undefined) a.claims = claims;
    const decision = authorize({ participants: cur }, a as unknown as Action);
    if (!decision.allowed) return { decision, next: cur };
    const at = cur.findIndex((p) => p.user === s.user);
    const role = e.to >= 0 ? e.to : s.role;
    const moved = { user: s.user, role, clients: e.keep && at >= 0 ? cur[at]!.clients : e.clients };
    const next = role === 0 ? cur.filter((p) => p.user !== s.user) : at >= 0 ? cur.map((p, j) => (j === at ? moved : p)) : [...cur, moved];
    return { decision, next };
  },
  badIndex: (i, n) => ${tplOf(DENY_REASONS.bad_user_index, { count: 'i', limit: 'n' })},
  touchedTwice: (u) => ${tplOf(DENY_REASONS.user_touched_twice, { target: 'q(u)' })},
  label: q,
};
const cur = pre.map((p) => ({ user: p.user, role: roleOf(p.role), clients: p.clients }));
const changed = update.changed.map((c, i) => ({ userIndex: c.userIndex, role: changedRoles[i]! }));
const added = update.added.map((a, i) => ({ user: a.user, role: addedRoles[i]! }));
return decideUpdate(cur, pre.map((p) => p.user), user, { changed, removed: update.removed, added }, ops);`;
}
