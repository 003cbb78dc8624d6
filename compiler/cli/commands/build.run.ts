import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { COMPONENT_KINDS } from '../../../runtime/codec/index.js';
import type { WireKind } from '../../compile.js';
import { wireArtifacts } from '../../emit/wire.js';
import { loadPolicyFile } from '../../input.js';
import { DEFAULT_LIMITS, formatBytes, LIMIT_FLAGS, limitMessage } from '../../../runtime/limits.js';
import { diagnostic } from '../../../runtime/diagnostics.js';
import { packageRoot } from '../../resolve.js';
import { summaryLine } from '../../render.js';
import { intOption, EXIT_INPUT, EXIT_OK, fails, formatOf, inputName, jsonDiagnostics, inputLimits, noteDetected, oneOf, printFindings, UsageError, type ParsedArgs, type CliIO } from '../command.js';
import { displayPath, relativeSources, relativize } from '../paths.js';
import { writeAllOrNothing } from '../write.js';

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** `room.mimi` → `room`, `room.policy.bin` → `room`. */
export const artifactName = (file: string): string => basename(file).replace(/(\.policy)?\.(mimi|bin|json)$/, '');

/** The characters --name allows. */
const NAME_RE = /^[A-Za-z0-9._-]+$/;

/**
 * The default base name of the output files, from the input's name made valid: accents dropped
 * (`rööm é.mimi` → `room-e`), other characters outside letters, digits, `.`, `_`, `-` as `-`.
 */
export function defaultArtifactName(file: string): string {
  const raw = file === '-' ? 'stdin' : artifactName(file);
  if (NAME_RE.test(raw)) return raw;
  const ascii = raw.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const name = ascii.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return name === '' || /^\.+$/.test(name) ? 'policy' : name;
}

/** `mimi-policy build` (its options and help: ./build.ts). */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('build takes exactly one input file');
  const out = args.values.out;
  if (typeof out !== 'string' || out === '') throw new UsageError('build needs --out <dir>');
  if (out === '-') throw new UsageError('build writes several files: --out takes a folder, not `-`');
  const format = formatOf(args, ['text', 'json'] as const, 'text');
  const component = args.values.component === undefined ? undefined : (oneOf(args.values.component, COMPONENT_KINDS, 'component', 'dictionary') as WireKind);
  const emitTs = args.values.emit === undefined ? false : oneOf(args.values.emit, ['ts'] as const, 'emit', 'ts') === 'ts';
  const file = args.positionals[0];
  const name = typeof args.values.name === 'string' ? args.values.name : defaultArtifactName(file);
  if (!NAME_RE.test(name) || /^\.+$/.test(name)) throw new UsageError(`--name \`${name}\` may only contain letters, digits, '.', '_' and '-'`);
  const limits = { ...inputLimits(args), maxEmitBytes: intOption(args, 'max-emit-bytes', DEFAULT_LIMITS.maxEmitBytes) };
  const r = loadPolicyFile(file, { ...(component ? { component } : {}), limits });
  const deny = !!args.values['deny-warnings'];
  const ds = relativize(r.diagnostics, io.cwd);
  let failed = fails(r.diagnostics, deny) || !r.policy;
  const artifacts = failed ? [] : wireArtifacts(r.policy!, name);
  if (!failed && emitTs) {
    // loaded only when asked for: ts-morph and prettier take a moment to load
    const { emitTypeScript, emitOptionsFromSymbols, estimateEvaluatorBytes } = await import('../../emit/typescript.js');
    const wire = artifacts.find((a) => a.name.endsWith('.policy.bin'))?.bytes.length;
    const estimate = estimateEvaluatorBytes(r.policy!, wire);
    if (estimate > limits.maxEmitBytes) {
      // decided before generating (which takes ~3 s per MB): nothing is written
      const { message, help } = limitMessage('the generated evaluator', `about ${formatBytes(estimate)}`, formatBytes(limits.maxEmitBytes), LIMIT_FLAGS.maxEmitBytes);
      const d = diagnostic('limit-exceeded', message, displayPath(inputName(file), io.cwd), undefined, { help });
      r.diagnostics.push(d);
      ds.push(d);
      failed = true;
      artifacts.length = 0;
    } else {
      const text = await emitTypeScript(r.policy!, { source: displayPath(inputName(file), io.cwd), generator: `mimi-policy ${packageVersion()}`, ...emitOptionsFromSymbols(r.symbols) });
      artifacts.push({ name: `${name}.evaluator.ts`, what: 'the generated evaluator (TypeScript, no imports)', bytes: new TextEncoder().encode(text) });
    }
  }
  if (!failed) writeAllOrNothing(out, artifacts);
  const outputs = artifacts.map((a) => ({ file: displayPath(join(out, a.name), io.cwd), what: a.what, bytes: a.bytes.length, sha256: createHash('sha256').update(a.bytes).digest('hex') }));
  if (format === 'json') io.out(`${JSON.stringify({ ok: !failed, outputs, diagnostics: jsonDiagnostics(ds, args) }, null, 2)}\n`);
  else {
    noteDetected(r, file, args, io);
    // the errors in full, the other findings counted in one line (`check` shows them)
    printFindings(ds, relativeSources(r.sources, io.cwd), inputName(file), args, io);
    if (failed) io.err(`${inputName(file)}: not built (${summaryLine(r.diagnostics)}); no files written\n`);
    else if (!args.values.quiet) {
      for (const o of outputs) io.out(`${o.file.padEnd(40)} ${String(o.bytes).padStart(7)} bytes  ${o.what}\n`);
      io.err(`${inputName(file)}: built ${outputs.length} files (${summaryLine(r.diagnostics)})\n`);
    }
  }
  return failed ? EXIT_INPUT : EXIT_OK;
}
