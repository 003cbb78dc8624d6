/**
 * What an analysis sees (STYLE.md §4): the policy IR, its provenance when it came from source (absent
 * for wire and JSON input: findings then have no span), the shared role model and escalation graph
 * (built once, on first use), and `report`, which turns a finding into a diagnostic of the analysis's
 * kind with the roles involved and, for path-shaped findings, the witness path.
 */
import { DEFAULT_LIMITS, LIMIT_FLAGS } from '../../../runtime/limits.js';
import { diagnostic, omittedNote, type Diagnostic, type DiagnosticKind, type DiagnosticLabel, type PathStep } from '../../../runtime/diagnostics.js';
import { changeKey, type BaseRoomPolicy, type Policy, type Provenance, type SourceSpan } from '../../../runtime/ir.js';
import { describeStep } from '../../render.js';
import { EscalationGraph } from './role-graph.js';
import { RoleModel, type Move } from './role-model.js';

export interface Finding {
  /** one line: lowercase start, names in backticks, no final period */
  message: string;
  /** role indexes involved; the first is the role the finding is about (what `allow … for <role>` names) */
  roles: number[];
  span?: SourceSpan;
  labels?: DiagnosticLabel[];
  help?: string;
  subkind?: string;
  path?: Move[];
}

export interface Analysis {
  /** the diagnostic code (the one in runtime/diagnostics.ts for `kind`) */
  readonly code: string;
  readonly kind: DiagnosticKind;
  /** a title line: what it finds */
  readonly name: string;
  run(ctx: AnalysisContext): void;
}

/** Where things are in the source, for a policy compiled from `.mimi` (all undefined otherwise). */
export class Spans {
  constructor(
    private readonly model: RoleModel,
    private readonly provenance?: Provenance,
  ) {}
  private role(index: number) {
    const pos = this.model.position.get(index);
    return pos === undefined ? undefined : this.provenance?.roles.get(pos);
  }
  /** the role's name */
  roleName(index: number): SourceSpan | undefined {
    const r = this.role(index);
    return r?.name ?? r?.span;
  }
  /** the grant that gave the role this capability (or the role's name) */
  grant(index: number, code: number): SourceSpan | undefined {
    return this.role(index)?.grants.get(code) ?? this.roleName(index);
  }
  /** the `from -> to` entry of the role's changes (or the role's name) */
  change(index: number, from: number, to: number): SourceSpan | undefined {
    return this.role(index)?.changes.get(changeKey(from, to)) ?? this.roleName(index);
  }
  /** the role's `participants` or `active` constraint (or its name) */
  constraint(index: number, which: 'participants' | 'active'): SourceSpan | undefined {
    return this.role(index)?.[which] ?? this.roleName(index);
  }
  preauth(at: number): SourceSpan | undefined {
    return this.provenance?.preauth[at]?.span;
  }
  base(key: keyof BaseRoomPolicy): SourceSpan | undefined {
    return this.provenance?.base[key] ?? this.provenance?.base.block;
  }
  /** where a step of a path is authorized: its entry, its preauth entry, or the capability's grant */
  step(m: Move): SourceSpan | undefined {
    if (m.entry) return this.change(m.actor, m.from, m.to);
    if (m.preauth !== undefined && m.action === 'join') return this.preauth(m.preauth) ?? this.grant(m.actor, m.capability);
    return this.grant(m.actor, m.capability);
  }
}

/** Labels (related places) shown per finding: the rest are in its message's count and its `roles`. */
export const MAX_LABELS = 20;

export class AnalysisContext {
  readonly policy: Policy;
  readonly file: string;
  readonly provenance?: Provenance;
  readonly model: RoleModel;
  readonly spans: Spans;
  /** findings built in full per kind (0: all); the rest are counted in one `diagnostics-omitted` note */
  readonly maxFindings: number;
  private escalation?: EscalationGraph;
  private current?: Analysis;
  private readonly out: Diagnostic[];
  /** `kind|role` of the findings an `allow` line names: always built in full, outside the budget */
  private readonly acknowledged: ReadonlySet<string>;
  /** the current kind's budget: findings built (acknowledged ones excepted), their size, and those only counted */
  private kept = 0;
  private size = 0;
  private omitted = 0;
  private shown = 0;
  private atLeast = false;

  constructor(policy: Policy, file: string, provenance: Provenance | undefined, out: Diagnostic[], model?: RoleModel, budget: { maxFindings?: number; acknowledged?: ReadonlySet<string> } = {}) {
    this.policy = policy;
    this.file = file;
    this.provenance = provenance;
    this.model = model ?? new RoleModel(policy);
    this.spans = new Spans(this.model, provenance);
    this.out = out;
    const max = budget.maxFindings ?? DEFAULT_LIMITS.maxDiagnosticsPerCode;
    this.maxFindings = max > 0 && Number.isFinite(max) ? max : 0;
    this.acknowledged = budget.acknowledged ?? new Set();
  }

  /** The escalation graph, built on first use and shared. */
  graph(): EscalationGraph {
    return (this.escalation ??= new EscalationGraph(this.model));
  }

  /** Run one analysis, its findings reported under its kind. */
  run(a: Analysis): void {
    this.current = a;
    this.kept = this.size = this.omitted = this.shown = 0;
    this.atLeast = false;
    a.run(this);
    if (this.omitted > 0 || this.atLeast) this.out.push(omittedNote(a.kind, this.omitted, this.shown, this.file, this.atLeast, LIMIT_FLAGS.maxDiagnosticsPerCode));
    this.current = undefined;
  }

  /**
   * The findings budget (issue 10): should the next finding of the current kind, about `role`, be
   * built in full? Yes for the first `maxFindings` of a kind (and while their paths, labels and role
   * lists add up to fewer than `maxFindings`² entries), and always for a finding an `allow` line names;
   * otherwise it is counted, and the count is reported as one `diagnostics-omitted` note after the
   * kind's findings. An analysis whose findings are costly to build (witness paths) asks before
   * building one, and calls it once per finding that exists; `report` applies the same rule.
   */
  wants(role: number): boolean {
    if (this.within(role)) return true;
    this.omitted++;
    return false;
  }

  /** Count `n` more findings of the current kind without building them (`atLeast`: and some were not even counted). */
  omit(n: number, atLeast = false): void {
    this.omitted += n;
    if (atLeast) this.atLeast = true;
  }

  /** Does an `allow` line name the current kind and this role? (its findings are always built) */
  acknowledges(role: number): boolean {
    return this.acknowledged.has(`${this.current?.kind}|${role}`);
  }

  private within(role: number): boolean {
    if (this.maxFindings === 0 || this.acknowledges(role)) return true;
    return this.kept < this.maxFindings && this.size < this.maxFindings * this.maxFindings;
  }

  /** Labels "step k: …" on the steps of a path that have a place in the source. */
  stepLabels(steps: readonly Move[]): DiagnosticLabel[] {
    const labels: DiagnosticLabel[] = [];
    steps.forEach((m, k) => {
      const span = this.spans.step(m);
      if (span) labels.push({ span, message: `step ${k + 1}: ${describeStep(this.model.step(m))}` });
    });
    return labels;
  }

  report(f: Finding): void {
    if (!this.current) throw new Error('analyses: report outside run');
    const kind = this.current.kind;
    if (!this.within(f.roles[0])) {
      this.omitted++;
      return;
    }
    if (!this.acknowledged.has(`${kind}|${f.roles[0]}`)) {
      this.kept++;
      this.size += Math.max(1, f.path?.length ?? 0, f.labels?.length ?? 0, f.roles.length);
    }
    this.shown++;
    const where = f.span;
    // a label on the primary span itself says nothing the code frame does not
    // and a finding about thousands of roles labels the first MAX_LABELS (its message counts them all)
    const labels = f.labels?.filter((l) => !where || l.span.file !== where.file || l.span.start !== where.start || l.span.end !== where.end).slice(0, MAX_LABELS);
    const d = diagnostic(kind, f.message, where?.file ?? this.file, where, { ...(labels ? { labels } : {}), ...(f.help ? { help: f.help } : {}) });
    d.roles = [...new Set(f.roles)];
    if (f.subkind) d.subkind = f.subkind;
    if (f.path) d.path = f.path.map((m): PathStep => this.model.step(m));
    this.out.push(d);
  }
}

/** The indefinite article for a name: `an` before a vowel. */
export const article = (name: string): string => (/^[aeiou]/i.test(name) ? 'an' : 'a');

/** `a`, `a` and `b`, `a`, `b` and `c` … in backticks (up to `max` names, then "and N more") */
export function listNames(names: readonly string[], conjunction: 'and' | 'or' = 'and', max = 4): string {
  const shown = names.slice(0, max).map((n) => `\`${n}\``);
  const rest = names.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} ${conjunction} ${rest} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} ${conjunction} ${shown[shown.length - 1]}`;
}
