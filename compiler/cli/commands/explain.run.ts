import { COMPONENT_KINDS } from '../../../runtime/codec/index.js';
import { capabilityByName, capabilityName, hex16, isPrivateUse } from '../../../runtime/registry.js';
import { Explainer, type CapabilityAnswer, type ExplainedStep, type RoleAnswer } from '../../analyses/shared/explain.js';
import type { WireKind } from '../../compile.js';
import { loadPolicyFile } from '../../input.js';
import { describeStep } from '../../render.js';
import { didYouMean } from '../../../runtime/suggest.js';
import { inputLimits, EXIT_INPUT, EXIT_OK, formatOf, oneOf, printDiagnostics, UsageError, type ParsedArgs, type CliIO } from '../command.js';
import { displayPath, relativeSources, relativize } from '../paths.js';

/** `mimi-policy explain` (its options and help: ./explain.ts). */
export function run(args: ParsedArgs, io: CliIO): number {
  if (args.positionals.length !== 1) throw new UsageError('explain takes exactly one policy');
  const format = formatOf(args, ['text', 'json'] as const, 'text');
  const roleArg = args.values.role;
  if (typeof roleArg !== 'string' || roleArg === '') throw new UsageError('explain needs --role <role>');
  const capArg = args.values.capability;
  if (capArg !== undefined && (typeof capArg !== 'string' || capArg === '')) throw new UsageError('--capability needs a capability name or code');
  const component = args.values.component === undefined ? undefined : (oneOf(args.values.component, COMPONENT_KINDS, 'component', 'dictionary') as WireKind);
  const file = args.positionals[0];
  const r = loadPolicyFile(file, { analyses: false, limits: inputLimits(args), ...(component ? { component } : {}) });
  if (!r.ok || !r.policy) {
    printDiagnostics(relativize(r.diagnostics, io.cwd), relativeSources(r.sources, io.cwd), args, io);
    io.err(`${file}: has errors; nothing to explain\n`);
    return EXIT_INPUT;
  }
  const policy = r.policy;
  // the role: a name (role 0 also as `none`) or an index
  const names = new Map(policy.roles.map((x) => [x.name, x.index]));
  if (!names.has('none')) names.set('none', 0);
  const role = /^\d+$/.test(roleArg) ? Number(roleArg) : names.get(roleArg);
  if (role === undefined || (role !== 0 && !policy.roles.some((x) => x.index === role))) {
    const hint = /^\d+$/.test(roleArg) ? undefined : didYouMean(roleArg, names.keys());
    throw new UsageError(`no role \`${roleArg}\` in ${file}${hint ? ` (${hint})` : ''}`);
  }
  const explainer = new Explainer(policy, r.provenance);
  const where = (s: ExplainedStep) => (s.at ? `  [${displayPath(s.at.file, io.cwd)}:${s.at.line}:${s.at.column}]` : '');
  const steps = (path: readonly ExplainedStep[], indent: string) => path.map((s, k) => `${indent}${k + 1}. ${describeStep(s)}${where(s)}`).join('\n');
  const json = (o: CapabilityAnswer | RoleAnswer) =>
    JSON.stringify(
      o,
      (k, v) => (k === 'at' && v ? { file: displayPath(v.file, io.cwd), line: v.line, column: v.column, endLine: v.endLine, endColumn: v.endColumn } : v),
      2,
    );
  const R = `\`${explainer.model.name(role)}\``;
  const holdersOf = role === 0 ? `non-participants (${R})` : `holders of ${R}`;
  const how = (subkind: string | undefined, n: number, isPublic: boolean | undefined) =>
    `${role === 0 || isPublic ? 'by joining' : subkind}, ${n} step${n === 1 ? '' : 's'}${isPublic && role !== 0 ? ', from a new account (anyone can)' : ''}`;
  if (capArg !== undefined) {
    const declared = new Map([...(r.symbols?.privateCapabilities ?? new Map())].map(([n, v]) => [n as string, (v as { code: number }).code]));
    const code = /^0x[0-9a-f]{1,4}$/i.test(capArg) ? parseInt(capArg, 16) : (capabilityByName.get(capArg)?.code ?? declared.get(capArg));
    if (code === undefined) {
      const hint = didYouMean(capArg, [...capabilityByName.keys(), ...declared.keys()]);
      throw new UsageError(`unknown capability \`${capArg}\`${hint ? ` (${hint})` : ''}`);
    }
    const name = [...declared].find(([, c]) => c === code)?.[0] ?? (isPrivateUse(code) ? hex16(code) : capabilityName(code));
    const a = explainer.capability(role, code, name);
    if (format === 'json') io.out(`${json(a)}\n`);
    else if (a.held) io.out(`yes: ${holdersOf} hold \`${name}\` themselves\n`);
    else if (a.answer === 'yes') io.out(`yes: ${holdersOf} can come to exercise \`${name}\` (${how(a.subkind, a.path!.length, a.public)}):\n${steps(a.path!, '  ')}\n`);
    else io.out(`no: ${holdersOf} cannot come to exercise \`${name}\`\n${a.missing!.map((m) => `  - ${m}`).join('\n')}\n`);
    return EXIT_OK;
  }
  const a = explainer.role(role);
  if (format === 'json') {
    io.out(`${json(a)}\n`);
    return EXIT_OK;
  }
  const lines = [`${holdersOf} hold ${a.holds.length} capabilit${a.holds.length === 1 ? 'y' : 'ies'}${a.holds.length ? `: ${a.holds.join(', ')}` : ''}`];
  if (a.reachable.length === 0) lines.push('and can come to exercise nothing more');
  else {
    const more = a.reachable.some((x) => x.everything) ? 'every capability' : `${a.reachable.reduce((s, x) => s + x.capabilities.length, 0)} more`;
    lines.push(`and can come to exercise ${more}:`);
    for (const x of a.reachable) {
      const what = x.everything ? 'every capability' : x.capabilities.map((c) => `\`${c}\``).join(', ');
      lines.push(`  ${what} — ${how(x.subkind, x.path.length, x.public)}:`);
      lines.push(steps(x.path, '    '));
    }
  }
  io.out(`${lines.join('\n')}\n`);
  return EXIT_OK;
}
