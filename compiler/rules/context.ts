/**
 * What a policy rule sees: the IR, its provenance when it came from source (absent for wire files),
 * and a `report` that places each finding on the best span available.
 */
import { diagnostic, type Diagnostic, type DiagnosticKind, type DiagnosticLabel } from '../../runtime/diagnostics.js';
import { changeKey, type Policy, type Provenance, type Role, type SourceSpan } from '../../runtime/ir.js';

export interface RuleContext {
  readonly policy: Policy;
  readonly provenance?: Provenance;
  /** the file reported on (the source file, or the wire file) */
  readonly file: string;
  report(kind: DiagnosticKind, message: string, where?: SourceSpan, extra?: { labels?: DiagnosticLabel[]; help?: string }): void;
  /** span of role at array position `i` (its name), or undefined */
  roleSpan(i: number): SourceSpan | undefined;
  /** span of the grant that gave role `i` capability `code` */
  grantSpan(i: number, code: number): SourceSpan | undefined;
  /** span of the `changes` entry of role `i` for from → to */
  changeSpan(i: number, from: number, to: number): SourceSpan | undefined;
  /** the first role with each index (built once, so that rules look roles up in constant time) */
  roleByIndex(): ReadonlyMap<number, Role>;
}

export interface PolicyRule {
  /** the diagnostic kinds this rule can report */
  readonly kinds: readonly DiagnosticKind[];
  /** a title line: what the rule enforces, with the draft section it follows */
  readonly title: string;
  run(ctx: RuleContext): void;
}

/**
 * `maxPerKind` (issue 10): findings of one kind past this many are only counted in `dropped`, never
 * built, so that a hostile wire file (a role listing one capability millions of times) costs a count,
 * not millions of diagnostics. Default: all kept.
 */
export function makeContext(policy: Policy, file: string, provenance: Provenance | undefined, out: Diagnostic[], maxPerKind = Infinity, dropped = new Map<DiagnosticKind, number>()): RuleContext {
  const fileOf = (s: SourceSpan | undefined) => s?.file ?? file;
  let byIndex: Map<number, Role> | undefined;
  const kept = new Map<DiagnosticKind, number>();
  return {
    policy,
    provenance,
    file,
    report(kind, message, where, extra = {}) {
      const n = kept.get(kind) ?? 0;
      if (n >= maxPerKind) {
        dropped.set(kind, (dropped.get(kind) ?? 0) + 1);
        return;
      }
      kept.set(kind, n + 1);
      out.push(diagnostic(kind, message, fileOf(where), where, extra));
    },
    roleSpan: (i) => provenance?.roles.get(i)?.name ?? provenance?.roles.get(i)?.span,
    grantSpan: (i, code) => provenance?.roles.get(i)?.grants.get(code) ?? provenance?.roles.get(i)?.name,
    changeSpan: (i, from, to) => provenance?.roles.get(i)?.changes.get(changeKey(from, to)) ?? provenance?.roles.get(i)?.name,
    roleByIndex: () => {
      if (!byIndex) {
        byIndex = new Map();
        for (const r of policy.roles) if (!byIndex.has(r.index)) byIndex.set(r.index, r);
      }
      return byIndex;
    },
  };
}
