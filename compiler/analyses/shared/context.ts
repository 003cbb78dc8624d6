/**
 * What an analysis sees (STYLE.md §4): the policy IR, its provenance when it came from source (absent
 * for wire and JSON input: findings then have no span), the shared role model and escalation graph
 * (built once, on first use), and `report`, which turns a finding into a diagnostic of the analysis's
 * kind with the roles involved and, for path-shaped findings, the witness path.
 */
import { diagnostic, type Diagnostic, type DiagnosticKind, type DiagnosticLabel, type PathStep } from '../../../runtime/diagnostics.js';
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

export class AnalysisContext {
  readonly policy: Policy;
  readonly file: string;
  readonly provenance?: Provenance;
  readonly model: RoleModel;
  readonly spans: Spans;
  private escalation?: EscalationGraph;
  private current?: Analysis;
  private readonly out: Diagnostic[];

  constructor(policy: Policy, file: string, provenance: Provenance | undefined, out: Diagnostic[], model?: RoleModel) {
    this.policy = policy;
    this.file = file;
    this.provenance = provenance;
    this.model = model ?? new RoleModel(policy);
    this.spans = new Spans(this.model, provenance);
    this.out = out;
  }

  /** The escalation graph, built on first use and shared. */
  graph(): EscalationGraph {
    return (this.escalation ??= new EscalationGraph(this.model));
  }

  /** Run one analysis, its findings reported under its kind. */
  run(a: Analysis): void {
    this.current = a;
    a.run(this);
    this.current = undefined;
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
    const where = f.span;
    // a label on the primary span itself says nothing the code frame does not
    const labels = f.labels?.filter((l) => !where || l.span.file !== where.file || l.span.start !== where.start || l.span.end !== where.end);
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
