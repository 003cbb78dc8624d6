import { createReadStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { COMPONENT_KINDS } from '../../../runtime/codec/index.js';
import { authorize, indexPolicy, InvalidInputError, parseJsonBytes, readCase, StateCache, type CaseInput, type Decision, type IndexedPolicy } from '../../../runtime/evaluator/index.js';
import { LineSplitter, type InputLine } from '../../../runtime/evaluator/lines.js';
import { formatBytes, LIMIT_FLAGS, limitMessage } from '../../../runtime/limits.js';
import type { WireKind } from '../../compile.js';
import { InputError, ioReason, loadPolicyFile, readBounded } from '../../input.js';
import { summaryLine } from '../../render.js';
import { EXIT_INPUT, EXIT_OK, formatOf, inputLimits, inputName, noteDetected, oneOf, printFindings, UsageError, type ParsedArgs, type CliIO } from '../command.js';
import { displayPath, relativeSources, relativize } from '../paths.js';

interface Loaded {
  policy?: IndexedPolicy;
  /** why the policy cannot be used */
  error?: string;
}

/** An input problem of one case or file, reported without a stack trace. */
class CaseError extends Error {}

const ioError = (path: string, e: unknown) => new InputError(`cannot read \`${path}\`: ${ioReason(e)}`);

/** A JSON file (state or action), strictly: its size checked before reading, then UTF-8 and JSON, located. */
function readJsonFile(path: string, shown: string, maxBytes: number): unknown {
  let bytes: Buffer;
  try {
    const r = readBounded(path, maxBytes);
    if ('tooLarge' in r) {
      const { message, help } = limitMessage('the file', r.tooLarge.exact ? formatBytes(r.tooLarge.size) : `more than ${formatBytes(maxBytes)}`, formatBytes(maxBytes), LIMIT_FLAGS.maxJsonBytes);
      throw new CaseError(`${shown}: ${message}; ${help}`);
    }
    bytes = r.bytes;
  } catch (e) {
    if (e instanceof CaseError) throw e;
    throw ioError(path, e);
  }
  const r = parseJsonBytes(bytes);
  // `state.json:1:53: malformed JSON: unexpected end of input`
  if (!r.ok) throw new CaseError(`${shown}:${r.error.line}:${r.error.column}: ${r.error.message}`);
  return r.value;
}

function decide(policy: IndexedPolicy, state: Parameters<typeof authorize>[1], action: unknown): Decision {
  try {
    return authorize(policy, state, action as never);
  } catch (e) {
    if (e instanceof InvalidInputError) throw new CaseError(e.message);
    throw e;
  }
}

const human = (d: Decision) => `${d.allowed ? 'allowed' : 'denied'} (${d.rule}): ${d.reason}`;

/** Output gathered and written in pieces of about this many characters, waiting while stdout is full. */
const FLUSH_AT = 1 << 16;

/** `mimi-policy authorize` (its options and help: ./authorize.ts). */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  const format = formatOf(args, ['text', 'json'] as const, 'text');
  const component = args.values.component === undefined ? undefined : (oneOf(args.values.component, COMPONENT_KINDS, 'component', 'dictionary') as WireKind);
  // --max-json-bytes bounds the state and action files and each batch line; all limits go to the policy's loading
  const limits = inputLimits(args);
  const maxJsonBytes = limits.maxJsonBytes;
  const cases = args.values.cases as string | undefined;
  if (args.positionals.length > 1) throw new UsageError('authorize takes at most one policy file');
  const policyArg = args.positionals[0];
  const cache = new Map<string, Loaded>();
  const load = (path: string, reportIo: boolean): Loaded => {
    const abs = path === '-' ? '-' : resolve(io.cwd, path);
    const hit = cache.get(abs);
    if (hit) return hit;
    let loaded: Loaded;
    try {
      // deciding requests needs no analyses (they are `check`'s): only the policy's own diagnostics are printed
      const r = loadPolicyFile(abs, { ...(component ? { component } : {}), limits, analyses: false });
      const shown = displayPath(inputName(abs), io.cwd);
      noteDetected(r, path, args, io);
      // the errors in full, the other findings counted in one line (`check` shows them)
      printFindings(relativize(r.diagnostics, io.cwd), relativeSources(r.sources, io.cwd), shown, args, io);
      if (!r.ok || !r.policy) loaded = { error: `policy \`${shown}\` has errors (${summaryLine(r.diagnostics)})` };
      else {
        const names = r.symbols ? new Map([...r.symbols.privateCapabilities].map(([n, v]) => [n, v.code] as [string, number])) : undefined;
        loaded = { policy: indexPolicy(r.policy, names ? { capabilityNames: names } : {}) };
      }
    } catch (e) {
      if (!(e instanceof InputError) || reportIo) throw e;
      loaded = { error: e.message };
    }
    cache.set(abs, loaded);
    return loaded;
  };

  if (cases === undefined) {
    if (policyArg === undefined) throw new UsageError('authorize needs a policy file');
    if (typeof args.values.state !== 'string' || typeof args.values.action !== 'string') throw new UsageError('authorize needs --state and --action (or --cases)');
    const statePath = args.values.state;
    const actionPath = args.values.action;
    if ([policyArg, statePath, actionPath].filter((p) => p === '-').length > 1) throw new UsageError('stdin can be read once: give only one of the policy, --state and --action as `-`');
    const loaded = load(policyArg, true);
    try {
      const jsonPath = (p: string) => (p === '-' ? '-' : resolve(io.cwd, p));
      const state = readJsonFile(jsonPath(statePath), inputName(statePath), maxJsonBytes);
      const action = readJsonFile(jsonPath(actionPath), inputName(actionPath), maxJsonBytes);
      if (!loaded.policy) {
        io.err(`mimi-policy: ${loaded.error}; not authorizing\n`);
        return EXIT_INPUT;
      }
      if (typeof state !== 'object' || state === null || Array.isArray(state) || !('participants' in state)) throw new CaseError(`${statePath}: expected { "participants": [...] }`);
      const d = decide(loaded.policy, state as never, action);
      io.out(format === 'json' ? `${JSON.stringify(d)}\n` : `${human(d)}\n`);
      return EXIT_OK;
    } catch (e) {
      if (!(e instanceof CaseError)) throw e;
      io.err(`mimi-policy: ${e.message}\n`);
      return EXIT_INPUT;
    }
  }

  if (args.values.state !== undefined || args.values.action !== undefined) throw new UsageError('--cases cannot be combined with --state or --action');
  const stdin = cases === '-';
  if (stdin && policyArg === '-') throw new UsageError('stdin can be read once: give the policy or the cases as a file');
  const casesPath = resolve(io.cwd, stdin ? '.' : cases);
  const base = stdin ? io.cwd : dirname(casesPath);
  if (policyArg !== undefined) load(policyArg, true);
  const states = new StateCache();
  let failed = 0;
  let out = '';
  const answer = (line: InputLine): void => {
    const n = line.number;
    let id: string | number | undefined;
    try {
      if (line.text === undefined) {
        const e = line.error!;
        throw new CaseError(`line ${n}${e.column !== undefined ? `, column ${e.column}` : ''}: ${e.message}${e.help ? `; ${e.help}` : ''}`);
      }
      const t = line.text;
      // blank (or whitespace-only) lines are skipped; they still count for line numbers
      const c0 = t.charCodeAt(0);
      if (t.length === 0 || ((c0 === 32 || c0 === 9) && t.trim() === '')) return;
      const r = readCase(t, states);
      if (!r.ok) {
        id = r.error.id;
        throw new CaseError(r.error.column !== undefined ? `line ${n}, column ${r.error.column}: ${r.error.message}` : r.error.message);
      }
      const c: CaseInput = r.case;
      id = c.id;
      const policyPath = c.policy !== undefined ? resolve(base, c.policy) : policyArg;
      if (policyPath === undefined) throw new CaseError('no policy: give one on the command line or a "policy" in the case');
      const loaded = load(policyPath, false);
      if (!loaded.policy) throw new CaseError(loaded.error!);
      let state;
      try {
        state = states.prepare(c.participants, loaded.policy);
      } catch (e) {
        if (e instanceof InvalidInputError) throw new CaseError(e.message);
        throw e;
      }
      const d = decide(loaded.policy, state, c.action);
      out += format === 'json' ? `${JSON.stringify(id !== undefined ? { id, ...d } : d)}\n` : `line ${n}${id !== undefined ? ` [${String(id)}]` : ''}: ${human(d)}\n`;
    } catch (e) {
      if (!(e instanceof CaseError)) throw e;
      failed++;
      out += format === 'json' ? `${JSON.stringify({ ...(id !== undefined ? { id } : {}), line: n, error: e.message })}\n` : `line ${n}${id !== undefined ? ` [${String(id)}]` : ''}: error: ${e.message}\n`;
    }
    if (out.length >= FLUSH_AT) flush();
  };
  let full = false;
  const flush = (): void => {
    if (out === '') return;
    if (io.out(out) === false) full = true;
    out = '';
  };
  const splitter = new LineSplitter({ maxLineBytes: maxJsonBytes }, answer);
  try {
    for await (const chunk of (stdin ? process.stdin : createReadStream(casesPath, { highWaterMark: 1 << 16 })) as AsyncIterable<Buffer>) {
      splitter.push(chunk);
      if (full && io.drain) {
        full = false;
        await io.drain();
      }
    }
  } catch (e) {
    if (e instanceof CaseError || e instanceof UsageError || !(e as NodeJS.ErrnoException).code) throw e;
    flush();
    throw ioError(stdin ? 'stdin' : casesPath, e);
  }
  splitter.end();
  flush();
  if (failed) io.err(`${stdin ? 'stdin' : displayPath(casesPath, io.cwd)}: ${failed} case(s) could not be decided\n`);
  return failed ? EXIT_INPUT : EXIT_OK;
}
