import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileFile } from '../../compile.js';
import { loadPolicyFile, type LoadedPolicy } from '../../input.js';
import { namesOf, roleNamesOf } from '../../compare.js';
import { runWithCoverage, type ScenarioResult, type StepResult } from '../../scenarios.js';
import { capabilityName } from '../../../runtime/registry.js';
import { EXIT_INPUT, EXIT_OK, EXIT_USAGE, formatOf, inputLimits, inputName, printDiagnostics, UsageError, type ParsedArgs, type CliIO } from '../command.js';
import { displayPath, relativeSources, relativize } from '../paths.js';

/** `mimi-policy test` (its options and help: ./test.ts); with --watch, again on every change. */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  if (!args.values.watch) return testOnce(args, io, []);
  if (args.positionals.includes('-')) throw new UsageError('--watch cannot watch stdin (`-`)');
  const { watchAndRerun } = await import('../watch.js');
  return watchAndRerun(() => {
    const files: string[] = [];
    const code = testOnce(args, io, files);
    return { code, files };
  }, io);
}

/** One run of test; `read` collects the files it read (the inputs, their imports, --policy), for --watch. */
export function testOnce(args: ParsedArgs, io: CliIO, read: string[]): number {
  if (args.positionals.length === 0) throw new UsageError('test needs at least one .mimi file');
  if (typeof args.values.policy === 'string') read.push(args.values.policy);
  const format = formatOf(args, ['text', 'json'] as const, 'text');
  const filter = args.values.filter as string | undefined;
  const minCoverage = minCoverageOf(args.values['min-coverage']);
  const policyFile = args.values.policy as string | undefined;
  if (policyFile !== undefined) {
    if (!policyFile.endsWith('.mimi')) throw new UsageError(`--policy \`${policyFile}\`: the policy must be a .mimi file`);
    if (!existsSync(policyFile) || !statSync(policyFile).isFile()) throw new UsageError(`--policy \`${policyFile}\`: no such file`);
    if (/["\\\x00-\x1f]/.test(policyFile)) throw new UsageError(`--policy \`${policyFile}\`: a path with quotes, backslashes or control characters cannot be imported; \`import\` the policy in the scenario file instead`);
  }
  let failed = false;
  let usage = false;
  let ran = 0;
  const json: unknown[] = [];
  for (const file of args.positionals) {
    read.push(file);
    let r: LoadedPolicy = loadPolicyFile(file, { limits: inputLimits(args) });
    read.push(...r.sources.keys());
    if (r.format !== 'mimi') {
      // the content decides (a .mimi text named room.txt is fine); wire bytes or IR JSON hold no scenarios
      io.err(`${inputName(file)}: error: scenarios live in .mimi source, and this file holds ${r.format === 'wire' ? 'MIMI wire bytes' : 'IR JSON'}${r.format === 'wire' ? `; \`mimi-policy decompile ${inputName(file)}\` turns it into source` : ''}\n`);
      usage = true;
      continue;
    }
    // a file of scenarios only: it needs a policy to run against (--policy, or an `import` in the file);
    // its other errors (a private capability's name …) may only say that it has none
    const scenarioOnly = r.policy !== undefined && r.policy.roles.length === 0 && (r.scenarios?.length ?? 0) > 0;
    if (policyFile !== undefined) {
      if (!scenarioOnly && r.policy && r.policy.roles.length > 0) {
        io.err(`${displayPath(file, io.cwd)}: error: this file has its own policy; --policy applies only to files of scenarios without one\n`);
        usage = true;
        continue;
      }
      // the policy joins the file as an import appended at its end (the file's own lines and columns are kept)
      const text = r.sources.get(inputName(file));
      if (text !== undefined) {
        const spec = resolve(policyFile);
        const c = compileFile(inputName(file), { text: `${text}\nimport "${spec}"\n`, analyses: false, limits: inputLimits(args) });
        read.push(...c.files.map((f) => f.file));
        r = { format: 'mimi', policy: c.policy, provenance: c.provenance, symbols: c.symbols, scenarios: c.scenarios, sources: new Map(c.files.map((f) => [f.file, f.text])), diagnostics: c.diagnostics, ok: c.ok };
      }
    } else if (scenarioOnly) {
      const at = r.scenarios![0].span;
      io.err(
        `${displayPath(at.file, io.cwd)}:${at.line}:${at.column}: error: these scenarios need a policy to run against, and this file has none (no roles)\n` +
          `  help: give one with \`mimi-policy test ${displayPath(file, io.cwd)} --policy <policy.mimi>\`, or add \`import "./<policy>.mimi"\` (a path relative to this file) to it\n`,
      );
      usage = true;
      continue;
    }
    if (!r.ok || !r.policy) {
      printDiagnostics(relativize(r.diagnostics, io.cwd), relativeSources(r.sources, io.cwd), args, io);
      io.err(`${inputName(file)}: the policy has errors; no scenario run\n`);
      failed = true;
      continue;
    }
    const all = r.scenarios ?? [];
    if (all.length === 0) {
      io.err(`${inputName(file)}: no scenarios\n`);
      failed = true;
      continue;
    }
    // --filter: the scenarios whose name contains the text
    const scenarios = filter === undefined ? all : all.filter((s) => s.name.includes(filter));
    if (scenarios.length === 0) continue;
    ran += scenarios.length;
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
    const belowMin = minCoverage !== undefined && coverage.percent < minCoverage;
    if (belowMin) failed = true;
    if (format === 'json') {
      json.push({
        file: inputName(file),
        passed: bad === 0,
        scenarios: results.map((s) => ({ name: s.name, passed: s.passed, ...(s.error ? { error: s.error } : {}), steps: s.steps.map(stepJson) })),
        coverage: {
          percent: coverage.percent,
          ...(minCoverage !== undefined ? { minimum: minCoverage, met: !belowMin } : {}),
          roles: coverage.roles.map(roleName),
          transitions: coverage.transitions.map((t) => ({ holder: roleName(t.holder), from: roleName(t.from), to: roleName(t.to) })),
          capabilities: coverage.capabilities.map((c) => capabilityName(c, declared)),
        },
      });
      continue;
    }
    // -q: only the scenarios that failed, and no coverage report
    const quiet = !!args.values.quiet;
    if (quiet && bad === 0) continue;
    io.out(`${displayPath(inputName(file), io.cwd)}\n`);
    for (const s of results) if (!quiet || !s.passed) printScenario(s, (t) => io.out(t), displayPath(s.span.file, io.cwd));
    io.out(`\n${passed}/${steps.length} expectations met in ${results.length} scenarios${bad ? `; ${bad} scenario${bad === 1 ? '' : 's'} failed` : ''}\n`);
    if (!args.values['no-coverage'] && !quiet) {
      io.out(`coverage: ${coverage.percent}% of roles, role changes and capabilities exercised; not exercised by any scenario:\n`);
      io.out(`  roles (${coverage.roles.length}): ${coverage.roles.map(roleName).join(', ') || '-'}\n`);
      io.out(`  role changes (${coverage.transitions.length}): ${coverage.transitions.slice(0, 30).map((t) => `${roleName(t.holder)}: ${roleName(t.from)} -> ${roleName(t.to)}`).join('; ') || '-'}${coverage.transitions.length > 30 ? ` … and ${coverage.transitions.length - 30} more` : ''}\n`);
      io.out(`  capabilities (${coverage.capabilities.length}): ${coverage.capabilities.map((c) => capabilityName(c, declared)).join(', ') || '-'}\n`);
    }
    if (belowMin) io.err(`${displayPath(file, io.cwd)}: coverage ${coverage.percent}% is below --min-coverage ${minCoverage}%\n`);
    io.out('\n');
  }
  if (format === 'json') io.out(`${JSON.stringify({ files: json }, null, 2)}\n`);
  if (usage) return EXIT_USAGE;
  if (filter !== undefined && ran === 0 && !failed) {
    io.err(`no scenario's name contains \`${filter}\` (--filter)\n`);
    return EXIT_INPUT;
  }
  return failed ? EXIT_INPUT : EXIT_OK;
}

/** `--min-coverage <0-100>` */
function minCoverageOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).replace(/%$/, '');
  const n = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= 100)) throw new UsageError(`--min-coverage \`${String(value)}\`: expected a percentage from 0 to 100`);
  return n;
}

function stepJson(st: StepResult): Record<string, unknown> {
  const check = st.kind === 'state' || st.kind === 'list';
  return {
    kind: st.kind,
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
