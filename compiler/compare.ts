/**
 * Comparing two policies — typically the same intent written in the two role models (the draft's
 * single-role model and the hierarchy + add-ons model) — on what they cost and where they disagree:
 * sizes, findings, every field of roles matched by name (or an explicit map) that differs —
 * capabilities, transitions, index, wire name, description, participant and active bounds —, the
 * base policy, preauth list, participant list and history policy, and every scenario's decision
 * under each. Linear in the sizes of the two policies (maps by index, name and key; no pairwise scans).
 */
import type { Diagnostic } from '../runtime/diagnostics.js';
import { decodeOid, hexUtf8 } from '../runtime/claims.js';
import { CredentialType, type Claim, type Policy, type Role } from '../runtime/ir.js';
import { encodePolicy } from '../runtime/codec/index.js';
import { capabilityName, hex16 } from '../runtime/registry.js';
import type { ScenarioIR } from './lower.js';
import { runScenarios, type ScenarioResult, type StepResult } from './scenarios.js';

export interface CompareSide {
  label: string;
  policy: Policy;
  /** identifier → role index, when the policy came from source (else wire names are used) */
  roleNames?: ReadonlyMap<string, number>;
  findings: readonly Diagnostic[];
}

export interface SideSummary {
  label: string;
  roles: number;
  /** authorized role changes: (holder, from, to) triples */
  transitions: number;
  wireBytes: number;
  findingsByKind: Record<string, number>;
}

/** A JSON value of a field: numbers, text, flags, lists; null is "absent" (no maximum, no component). */
export type FieldValue = string | number | boolean | null | readonly (string | number)[];

/** One field whose value differs between the two policies. */
export interface FieldDiff {
  /** the IR field name (`maxParticipants`, `fixedMembership`, `history.sharing`, …) */
  field: string;
  a: FieldValue;
  b: FieldValue;
}

export interface RoleDiff {
  a: string;
  b: string;
  onlyInA: string[];
  onlyInB: string[];
  /** `from -> to` in role names (of A's vocabulary, B's mapped back) */
  transitionsOnlyInA: string[];
  transitionsOnlyInB: string[];
  /** every other field that differs, in IR order: index, name (the wire name), description, minParticipants, maxParticipants, minActive, maxActive */
  fields: FieldDiff[];
}

/** The preauth lists: entries as `role when claim and claim` (role names in A's vocabulary, B's mapped back). */
export interface PreauthDiff {
  /** whether each policy carries a preauth_list component */
  present: { a: boolean; b: boolean };
  onlyInA: string[];
  onlyInB: string[];
  /** the same entries in another order (the first matching entry decides, so order matters) */
  orderDiffers: boolean;
}

/** The participant lists: users only in one, and users listed under roles that do not match. */
export interface ParticipantsDiff {
  present: { a: boolean; b: boolean };
  onlyInA: string[];
  onlyInB: string[];
  /** a user listed in both under different roles (names in A's vocabulary, B's mapped back) */
  roleDiffers: { user: string; a: string; b: string }[];
}

/** Everything outside the roles: base policy, history policy, preauth and participant lists, other components. */
export interface PolicyDiff {
  /** base policy fields, then `history.*`, then `otherComponents` (ids) */
  fields: FieldDiff[];
  preauth: PreauthDiff;
  participants: ParticipantsDiff;
}

/** What a step gave under one policy: a decision (an action, or a commit as a whole), a check of the state, or why it could not run. */
export type StepOutcome = { allowed: boolean; rule: string; reason: string } | { holds: boolean; expected: string; actual: string } | { error: string };

export interface ScenarioComparison {
  scenario: string;
  step: string;
  /** `action`, `commit` (several changes as one update), `state` or `list` (a check of the state) */
  kind: StepResult['kind'];
  /** `allow` for `expect allow` and for every check (that it holds), `deny` for `expect deny` */
  expected: 'allow' | 'deny';
  /** whether each policy meets the step's expectation */
  metA: boolean;
  metB: boolean;
  a: StepOutcome;
  b: StepOutcome;
  /** the decisions differ (allow/deny/error), or a check holds under one policy only */
  differs: boolean;
}

export interface Comparison {
  a: SideSummary;
  b: SideSummary;
  matched: RoleDiff[];
  unmatched: { a: string[]; b: string[] };
  policy: PolicyDiff;
  scenarios: ScenarioComparison[];
}

/** Does a matched role differ in anything (capabilities, transitions or another field)? */
export const roleDiffers = (m: RoleDiff): boolean => m.onlyInA.length + m.onlyInB.length + m.transitionsOnlyInA.length + m.transitionsOnlyInB.length + m.fields.length > 0;

/** Source identifiers → role indexes, from a compile's symbols. */
export const roleNamesOf = (symbols: { roles: ReadonlyMap<string, { index: number }> } | undefined): Map<string, number> | undefined =>
  symbols ? new Map([...symbols.roles].map(([n, s]) => [n, s.index])) : undefined;

/** A comparison side from a loaded policy: its findings are its non-error diagnostics. */
export function sideOf(loaded: { policy?: Policy; symbols?: { roles: ReadonlyMap<string, { index: number }> }; diagnostics: readonly Diagnostic[] }, label: string): CompareSide {
  const roleNames = roleNamesOf(loaded.symbols);
  return { label, policy: loaded.policy!, ...(roleNames ? { roleNames } : {}), findings: loaded.diagnostics.filter((d) => d.severity !== 'error') };
}

/** name → index for a side: source identifiers when known, plus wire names, plus `none`. */
export function namesOf(side: Pick<CompareSide, 'policy' | 'roleNames'>): Map<string, number> {
  const m = new Map<string, number>([['none', 0]]);
  for (const r of side.policy.roles) if (!m.has(r.name)) m.set(r.name, r.index);
  for (const [n, i] of side.roleNames ?? []) m.set(n, i);
  return m;
}

function summary(side: CompareSide): SideSummary {
  const findingsByKind: Record<string, number> = {};
  for (const d of side.findings) findingsByKind[d.kind] = (findingsByKind[d.kind] ?? 0) + 1;
  return {
    label: side.label,
    roles: side.policy.roles.length,
    transitions: side.policy.roles.reduce((n, r) => n + new Set(r.changes.flatMap((c) => c.to.map((t) => `${c.from}>${t}`))).size, 0),
    wireBytes: encodePolicy(side.policy).length,
    findingsByKind: Object.fromEntries(Object.entries(findingsByKind).sort()),
  };
}

/** Compare two policies; `map` pairs role names of A with role names of B (`--map a=b`). */
export function compare(a: CompareSide, b: CompareSide, options: { map?: ReadonlyMap<string, string>; scenarios?: readonly ScenarioIR[] } = {}): Comparison {
  const namesA = namesOf(a);
  const namesB = namesOf(b);
  const nameOfA = new Map([...namesA].map(([n, i]) => [i, n]));
  const nameOfB = new Map([...namesB].map(([n, i]) => [i, n]));
  // prefer the first name registered for an index (source identifiers override wire names)
  for (const [n, i] of a.roleNames ?? []) nameOfA.set(i, n);
  for (const [n, i] of b.roleNames ?? []) nameOfB.set(i, n);
  const map = new Map(options.map ?? []);
  // the first role of each index (a decoded policy may repeat one; the evaluator reads the first)
  const byIndex = (p: Policy) => {
    const m = new Map<number, Role>();
    for (const r of p.roles) if (!m.has(r.index)) m.set(r.index, r);
    return m;
  };
  const rolesA = byIndex(a.policy);
  const rolesB = byIndex(b.policy);
  const roleOf = (p: Policy, idx: number): Role | undefined => (p === a.policy ? rolesA : rolesB).get(idx);
  // role 0 (not in the list) and the banned role 1 mean the same in every policy: pair them by index
  for (const idx of [0, 1]) {
    const ra = roleOf(a.policy, idx);
    const rb = roleOf(b.policy, idx);
    if (!ra || !rb || (idx === 1 && (ra.name !== 'banned' || rb.name !== 'banned'))) continue;
    const na = nameOfA.get(idx) ?? ra.name;
    const nb = nameOfB.get(idx) ?? rb.name;
    if (!map.has(na)) map.set(na, nb);
  }

  const matched: RoleDiff[] = [];
  const usedB = new Set<number>();
  const unmatchedA: string[] = [];
  const aToB = new Map<number, number>();
  for (const r of a.policy.roles) {
    const nameA = nameOfA.get(r.index) ?? r.name;
    const target = map.get(nameA) ?? nameA;
    const idxB = namesB.get(target);
    if (idxB === undefined || !roleOf(b.policy, idxB)) {
      unmatchedA.push(nameA);
      continue;
    }
    aToB.set(r.index, idxB);
    usedB.add(idxB);
  }
  const bToA = new Map([...aToB].map(([x, y]) => [y, x]));
  const transitionsNamed = (p: Policy, r: Role, nameOf: (i: number) => string) =>
    new Set(r.changes.flatMap((c) => c.to.map((t) => `${nameOf(c.from)} -> ${nameOf(t)}`)));
  const nameA = (i: number) => nameOfA.get(i) ?? `#${i}`;
  const nameBinA = (i: number) => (bToA.has(i) ? nameA(bToA.get(i)!) : `${nameOfB.get(i) ?? `#${i}`} (only in ${b.label})`);
  for (const [ia, ib] of aToB) {
    const ra = roleOf(a.policy, ia)!;
    const rb = roleOf(b.policy, ib)!;
    const capsA = new Set(ra.capabilities);
    const capsB = new Set(rb.capabilities);
    const ta = transitionsNamed(a.policy, ra, nameA);
    const tb = transitionsNamed(b.policy, rb, nameBinA);
    matched.push({
      a: nameA(ia),
      b: nameOfB.get(ib) ?? rb.name,
      onlyInA: [...capsA].filter((c) => !capsB.has(c)).sort((x, y) => x - y).map((c) => capabilityName(c)),
      onlyInB: [...capsB].filter((c) => !capsA.has(c)).sort((x, y) => x - y).map((c) => capabilityName(c)),
      transitionsOnlyInA: [...ta].filter((t) => !tb.has(t)).sort(),
      transitionsOnlyInB: [...tb].filter((t) => !ta.has(t)).sort(),
      fields: fieldDiffs(ra, rb, ROLE_FIELDS),
    });
  }
  const unmatchedB = b.policy.roles.filter((r) => !usedB.has(r.index)).map((r) => nameOfB.get(r.index) ?? r.name);
  const policy = policyDiff(a.policy, b.policy, nameA, nameBinA);

  const scenarios: ScenarioComparison[] = [];
  if (options.scenarios && options.scenarios.length > 0) {
    const ra = runScenarios(a.policy, options.scenarios, namesA);
    const rename = (n: string) => map.get(n) ?? n;
    const rb = runScenarios(b.policy, options.scenarios, namesB, rename);
    // paired by scenario and step (a scenario whose `given` cannot be built under one policy has no step results there)
    const outcome = (sc: ScenarioResult | undefined, i: number): { outcome: StepOutcome; met: boolean } => {
      const st = sc?.steps[i];
      if (!st) return { outcome: { error: sc?.error ?? 'not run' }, met: false };
      if (st.check) return { outcome: { holds: st.passed, expected: st.check.expected, actual: st.check.actual }, met: st.passed };
      if (st.decision) return { outcome: { allowed: st.decision.allowed, rule: st.decision.rule, reason: st.decision.reason }, met: st.passed };
      return { outcome: { error: st.error ?? 'not run' }, met: false };
    };
    const verdict = (d: StepOutcome) => ('allowed' in d ? String(d.allowed) : 'holds' in d ? `holds:${d.holds}` : 'error');
    options.scenarios.forEach((sc, k) => {
      sc.steps.forEach((step, i) => {
        const x = outcome(ra[k], i);
        const y = outcome(rb[k], i);
        const expected = step.kind === 'action' || step.kind === 'commit' ? step.allow : true;
        scenarios.push({ scenario: sc.name, step: step.text, kind: step.kind, expected: expected ? 'allow' : 'deny', metA: x.met, metB: y.met, a: x.outcome, b: y.outcome, differs: verdict(x.outcome) !== verdict(y.outcome) });
      });
    });
    scenarios.sort((p, q) => Number(q.differs) - Number(p.differs));
  }
  return { a: summary(a), b: summary(b), matched, unmatched: { a: unmatchedA, b: unmatchedB }, policy, scenarios };
}

const ROLE_FIELDS = ['index', 'name', 'description', 'minParticipants', 'maxParticipants', 'minActive', 'maxActive'] as const;
const BASE_FIELDS = ['fixedMembership', 'parentDependant', 'parentRooms', 'multiDevice', 'maxClients', 'maxUsers', 'pseudonymsAllowed', 'persistentRoom', 'discoverable', 'policyComponentIds'] as const;

const sameValue = (x: FieldValue, y: FieldValue): boolean =>
  Array.isArray(x) && Array.isArray(y) ? x.length === y.length && x.every((v, i) => v === y[i]) : x === y;

/** The listed fields of two records whose values differ, in the listed order (`prefix` names the record). */
function fieldDiffs<T, K extends keyof T & string>(x: T, y: T, fields: readonly K[], prefix = ''): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const f of fields) {
    const va = x[f] as FieldValue;
    const vb = y[f] as FieldValue;
    if (!sameValue(va, vb)) out.push({ field: prefix + f, a: va, b: vb });
  }
  return out;
}

/** A claim as the language writes it (`basic = "alice"`, `x509 "2.5.4.3" = "…"`, `credential 0x0003 "sub" = hex"00"`). */
function claimText(c: Claim): string {
  const bytes = (hex: string) => {
    const t = hexUtf8(hex);
    return t !== undefined && !/[\u0000-\u001f\u007f]/.test(t) ? JSON.stringify(t) : `hex"${hex}"`;
  };
  if (c.credentialType === CredentialType.basic && c.id === '') return `basic = ${bytes(c.value)}`;
  if (c.credentialType === CredentialType.x509) {
    const oid = c.id === '' ? undefined : decodeOid(c.id);
    return `x509 ${oid !== undefined ? JSON.stringify(oid) : `hex"${c.id}"`} = ${bytes(c.value)}`;
  }
  return `credential ${hex16(c.credentialType)}${c.id === '' ? '' : ` ${bytes(c.id)}`} = ${bytes(c.value)}`;
}

/** Keys found in `xs` more often than in `ys` (as a multiset), in `xs`'s order. */
function onlyIn(xs: readonly string[], ys: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const y of ys) left.set(y, (left.get(y) ?? 0) + 1);
  const out: string[] = [];
  for (const x of xs) {
    const n = left.get(x) ?? 0;
    if (n > 0) left.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

/** What differs outside the roles; role indexes are named with `nameA` and `nameBinA` (B's mapped back to A's names). */
function policyDiff(a: Policy, b: Policy, nameA: (i: number) => string, nameBinA: (i: number) => string): PolicyDiff {
  const fields = fieldDiffs(a.base, b.base, BASE_FIELDS);
  const ha = a.history;
  const hb = b.history;
  if ((ha === null) !== (hb === null)) fields.push({ field: 'history', a: ha ? ha.sharing : null, b: hb ? hb.sharing : null });
  else if (ha && hb) {
    fields.push(...fieldDiffs(ha, hb, ['sharing', 'automaticallyShare', 'maxTimePeriod'], 'history.'));
    const sa = ha.rolesThatCanShare.map(nameA);
    const sb = hb.rolesThatCanShare.map(nameBinA);
    if (!sameValue([...sa].sort(), [...sb].sort())) fields.push({ field: 'history.rolesThatCanShare', a: sa, b: sb });
  }
  const ids = (p: Policy) => p.otherComponents.map((c) => `${hex16(c.id)}:${c.data}`);
  if (!sameValue(ids(a), ids(b))) fields.push({ field: 'otherComponents', a: a.otherComponents.map((c) => hex16(c.id)), b: b.otherComponents.map((c) => hex16(c.id)) });

  const entry = (nameOf: (i: number) => string) => (e: { claims: Claim[]; role: Role }) => `${nameOf(e.role.index)} when ${e.claims.length === 0 ? 'anyone' : e.claims.map(claimText).join(' and ')}`;
  const pa = (a.preauth ?? []).map(entry(nameA));
  const pb = (b.preauth ?? []).map(entry(nameBinA));
  const preOnlyA = onlyIn(pa, pb);
  const preOnlyB = onlyIn(pb, pa);
  const preauth: PreauthDiff = {
    present: { a: a.preauth !== null, b: b.preauth !== null },
    onlyInA: preOnlyA,
    onlyInB: preOnlyB,
    orderDiffers: preOnlyA.length === 0 && preOnlyB.length === 0 && !sameValue(pa, pb),
  };

  const listed = (p: Policy, nameOf: (i: number) => string) => {
    const m = new Map<string, string>();
    for (const u of p.participants ?? []) if (!m.has(u.user)) m.set(u.user, nameOf(u.role));
    return m;
  };
  const ua = listed(a, nameA);
  const ub = listed(b, nameBinA);
  const participants: ParticipantsDiff = {
    present: { a: a.participants !== null, b: b.participants !== null },
    onlyInA: [...ua.keys()].filter((u) => !ub.has(u)),
    onlyInB: [...ub.keys()].filter((u) => !ua.has(u)),
    roleDiffers: [...ua].filter(([u, r]) => ub.has(u) && ub.get(u) !== r).map(([user, r]) => ({ user, a: r, b: ub.get(user)! })),
  };
  return { fields, preauth, participants };
}

const valueText = (v: FieldValue): string => (v === null ? 'none' : Array.isArray(v) ? `[${v.join(', ')}]` : typeof v === 'string' ? JSON.stringify(v) : String(v));
/** A field difference as text: `maxParticipants: none → 5`. */
export const fieldText = (f: FieldDiff): string => `${f.field}: ${valueText(f.a)} → ${valueText(f.b)}`;

const verdictText = (d: StepOutcome) => ('allowed' in d ? `${d.allowed ? 'allow' : 'deny'} (${d.rule})` : 'holds' in d ? (d.holds ? 'holds' : `fails: ${d.actual}`) : `error: ${d.error}`);

/** Plain text or Markdown rendering of a comparison. */
export function renderComparison(c: Comparison, format: 'text' | 'markdown'): string {
  const md = format === 'markdown';
  const out: string[] = [];
  const table = (head: string[], rows: string[][]) => {
    if (md) {
      out.push(`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`);
      for (const r of rows) out.push(`| ${r.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`);
    } else {
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      out.push(head.map((h, i) => h.padEnd(widths[i])).join('  ').trimEnd());
      for (const r of rows) out.push(r.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd());
    }
    out.push('');
  };
  const h = (t: string) => out.push(md ? `### ${t}` : `== ${t}`, '');
  h('Summary');
  const kinds = [...new Set([...Object.keys(c.a.findingsByKind), ...Object.keys(c.b.findingsByKind)])].sort();
  table(
    ['', c.a.label, c.b.label],
    [
      ['roles', String(c.a.roles), String(c.b.roles)],
      ['transitions', String(c.a.transitions), String(c.b.transitions)],
      ['wire bytes', String(c.a.wireBytes), String(c.b.wireBytes)],
      ...kinds.map((k) => [`findings: ${k}`, String(c.a.findingsByKind[k] ?? 0), String(c.b.findingsByKind[k] ?? 0)]),
    ],
  );
  if (c.scenarios.length > 0) {
    const differing = c.scenarios.filter((s) => s.differs).length;
    const missed = (side: 'metA' | 'metB') => c.scenarios.filter((s) => !s[side]).length;
    h(`Scenarios (${differing} of ${c.scenarios.length} decisions differ, differing first; expectations not met: ${c.a.label} ${missed('metA')}, ${c.b.label} ${missed('metB')})`);
    table(
      ['', 'scenario', 'step', c.a.label, c.b.label],
      c.scenarios.map((s) => [s.differs ? '≠' : '=', s.scenario, s.step, `${s.metA ? '✓' : '✗'} ${verdictText(s.a)}`, `${s.metB ? '✓' : '✗'} ${verdictText(s.b)}`]),
    );
  }
  const changed = c.matched.filter(roleDiffers);
  h(`Roles matched by name (${c.matched.length}; ${changed.length} differ)`);
  if (changed.length > 0)
    table(
      ['role', `capabilities only in ${c.a.label}`, `only in ${c.b.label}`, `transitions only in ${c.a.label}`, `only in ${c.b.label}`, `other fields (${c.a.label} → ${c.b.label})`],
      changed.map((m) => [
        m.a === m.b ? m.a : `${m.a} = ${m.b}`,
        m.onlyInA.join(', ') || '-',
        m.onlyInB.join(', ') || '-',
        m.transitionsOnlyInA.join('; ') || '-',
        m.transitionsOnlyInB.join('; ') || '-',
        m.fields.map(fieldText).join('; ') || '-',
      ]),
    );
  const p = c.policy;
  const rows: string[][] = p.fields.map((f) => [f.field, valueText(f.a), valueText(f.b)]);
  const present = (x: { present: { a: boolean; b: boolean } }, what: string) => {
    if (x.present.a !== x.present.b) rows.push([what, x.present.a ? 'present' : 'absent', x.present.b ? 'present' : 'absent']);
  };
  present(p.preauth, 'preauth');
  for (const e of p.preauth.onlyInA) rows.push(['preauth entry', e, '-']);
  for (const e of p.preauth.onlyInB) rows.push(['preauth entry', '-', e]);
  if (p.preauth.orderDiffers) rows.push(['preauth order', 'the same entries', 'in another order (the first matching entry decides)']);
  present(p.participants, 'participants');
  for (const u of p.participants.onlyInA) rows.push([`participant ${JSON.stringify(u)}`, 'listed', '-']);
  for (const u of p.participants.onlyInB) rows.push([`participant ${JSON.stringify(u)}`, '-', 'listed']);
  for (const d of p.participants.roleDiffers) rows.push([`participant ${JSON.stringify(d.user)}`, d.a, d.b]);
  h(`Room policy outside the roles (${rows.length} ${rows.length === 1 ? 'difference' : 'differences'})`);
  if (rows.length > 0) table(['field', c.a.label, c.b.label], rows);
  if (c.unmatched.a.length + c.unmatched.b.length > 0) {
    h('Roles without a match');
    table(['model', 'roles'], [[c.a.label, c.unmatched.a.join(', ') || '-'], [c.b.label, c.unmatched.b.join(', ') || '-']]);
  }
  return out.join('\n');
}
