import { loadPolicyFile } from '../../input.js';
import { namesOf, roleNamesOf } from '../../compare.js';
import { runWithCoverage, type ScenarioResult, type StepResult } from '../../scenarios.js';
import { capabilityName } from '../../../runtime/registry.js';
import { EXIT_INPUT, EXIT_OK, inputLimits, oneOf, printDiagnostics, UsageError, type ParsedArgs, type CliIO } from '../command.js';
import { displayPath, relativeSources, relativize } from '../paths.js';

/** `mimi-policy test` (its options and help: ./test.ts). */
export function run(args: ParsedArgs, io: CliIO): number {
  if (args.positionals.length === 0) throw new UsageError('test needs at least one .mimi file');
  const format = oneOf(args.values.format, ['text', 'json'] as const, 'format', 'text');
  let failed = false;
  const json: unknown[] = [];
  for (const file of args.positionals) {
    if (!file.endsWith('.mimi')) throw new UsageError(`\`${file}\`: scenarios live in .mimi files`);
    const r = loadPolicyFile(file, { limits: inputLimits(args) });
    if (!r.ok || !r.policy) {
      printDiagnostics(relativize(r.diagnostics, io.cwd), relativeSources(r.sources, io.cwd), args, io);
      io.err(`${file}: the policy has errors; no scenario run\n`);
      failed = true;
      continue;
    }
    const scenarios = r.scenarios ?? [];
    if (scenarios.length === 0) {
      io.err(`${file}: no scenarios\n`);
      failed = true;
      continue;
    }
    const roleNames = roleNamesOf(r.symbols);
    const names = namesOf({ policy: r.policy, ...(roleNames ? { roleNames } : {}) });
    const capabilityNames = new Map([...(r.symbols?.privateCapabilities ?? [])].map(([n, v]) => [n, v.code] as [string, number]));
    const declared = new Map([...capabilityNames].map(([n, c]) => [c, n]));
    const { results, coverage } = runWithCoverage(r.policy, scenarios, names, { capabilityNames });
    const roleName = (i: number) => r.policy!.roles.find((x) => x.index === i)?.name ?? (i === 0 ? 'none' : `#${i}`);
    const steps = results.flatMap((s) => s.steps);
    const passed = steps.filter((s) => s.passed).length;
    const bad = results.filter((s) => !s.passed).length;
    if (bad > 0) failed = true;
    if (format === 'json') {
      json.push({
        file,
        passed: bad === 0,
        scenarios: results.map((s) => ({ name: s.name, passed: s.passed, ...(s.error ? { error: s.error } : {}), steps: s.steps.map(stepJson) })),
        coverage: {
          roles: coverage.roles.map(roleName),
          transitions: coverage.transitions.map((t) => ({ holder: roleName(t.holder), from: roleName(t.from), to: roleName(t.to) })),
          capabilities: coverage.capabilities.map((c) => capabilityName(c, declared)),
        },
      });
      continue;
    }
    io.out(`${displayPath(file, io.cwd)}\n`);
    for (const s of results) printScenario(s, (t) => io.out(t), displayPath(s.span.file, io.cwd));
    io.out(`\n${passed}/${steps.length} expectations met in ${results.length} scenarios${bad ? `; ${bad} scenario${bad === 1 ? '' : 's'} failed` : ''}\n`);
    if (!args.values['no-coverage']) {
      io.out('coverage: not exercised by any scenario\n');
      io.out(`  roles (${coverage.roles.length}): ${coverage.roles.map(roleName).join(', ') || '-'}\n`);
      io.out(`  role changes (${coverage.transitions.length}): ${coverage.transitions.slice(0, 30).map((t) => `${roleName(t.holder)}: ${roleName(t.from)} -> ${roleName(t.to)}`).join('; ') || '-'}${coverage.transitions.length > 30 ? ` … and ${coverage.transitions.length - 30} more` : ''}\n`);
      io.out(`  capabilities (${coverage.capabilities.length}): ${coverage.capabilities.map((c) => capabilityName(c, declared)).join(', ') || '-'}\n`);
    }
    io.out('\n');
  }
  if (format === 'json') io.out(`${JSON.stringify({ files: json }, null, 2)}\n`);
  return failed ? EXIT_INPUT : EXIT_OK;
}

function stepJson(st: StepResult): Record<string, unknown> {
  const check = st.kind === 'state' || st.kind === 'list';
  return {
    step: st.text,
    line: st.span.line,
    expected: check ? 'holds' : st.expected ? 'allow' : 'deny',
    passed: st.passed,
    ...(st.decision ? { decision: st.decision } : {}),
    ...(st.changes ? { changes: st.changes.map((c) => ({ change: c.change, user: c.user, action: c.action, decision: c.decision })) } : {}),
    ...(st.check ? { check: st.check } : {}),
    ...(st.error ? { error: st.error } : {}),
  };
}

function printScenario(s: ScenarioResult, out: (t: string) => void, file: string): void {
  out(`  scenario "${s.name}" ${s.passed ? 'passed' : 'FAILED'}\n`);
  if (s.error) out(`    ✗ the given state: ${s.error}\n`);
  for (const st of s.steps) {
    const mark = st.passed ? '✓' : '✗';
    const got = st.check
      ? st.passed
        ? st.check.actual
        : `expected ${st.check.expected}; ${st.check.actual}`
      : st.decision
        ? `${st.decision.allowed ? 'allowed' : 'denied'} (${st.decision.rule}): ${st.decision.reason}`
        : `error: ${st.error}`;
    out(`    ${mark} ${st.text}${st.passed ? '' : `   [${file}:${st.span.line}]`}\n      ${got}\n`);
  }
}
