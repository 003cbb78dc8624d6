/**
 * `mimi-policy authorize`: decide one action (`--state`, `--action`) or a batch of cases (`--cases`,
 * JSON Lines) with the interpreter (runtime/evaluator). A case line may name its own policy, relative
 * to the cases file, so one run covers a conformance suite across policies; each policy loads once.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { COMPONENT_KINDS } from '../../../runtime/codec/index.js';
import { authorize, indexPolicy, InvalidInputError, type Decision, type IndexedPolicy } from '../../../runtime/evaluator/index.js';
import type { WireKind } from '../../compile.js';
import { InputError, jsonError, loadPolicyFile } from '../../input.js';
import { summaryLine } from '../../render.js';
import { EXIT_INPUT, EXIT_OK, oneOf, printDiagnostics, UsageError, type Command, type ParsedArgs } from '../command.js';
import { displayPath, relativeSources, relativize } from '../paths.js';

const CASE_KEYS = new Set(['id', 'policy', 'participants', 'action']);

interface Loaded {
  policy?: IndexedPolicy;
  /** why the policy cannot be used */
  error?: string;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read \`${path}\`: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** An input problem of one case or file, reported without a stack trace. */
class CaseError extends Error {}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // `state.json:1:53: malformed JSON: unexpected end of input`; a batch line: `line 4, column 17: …`
    const j = jsonError(text);
    throw new CaseError(`${what.startsWith('line ') ? `${what}, column ${j.column}` : `${what}:${j.line}:${j.column}`}: ${j.message}`);
  }
}

function decide(policy: IndexedPolicy, participants: unknown, action: unknown): Decision {
  try {
    return authorize(policy, { participants } as never, action as never);
  } catch (e) {
    if (e instanceof InvalidInputError) throw new CaseError(e.message);
    throw e;
  }
}

const human = (d: Decision) => `${d.allowed ? 'allowed' : 'denied'} (${d.rule}): ${d.reason}`;

export const authorizeCommand: Command = {
  name: 'authorize',
  summary: 'decide whether an action is allowed in a state (one action, or a batch of cases)',
  help: `Usage: mimi-policy authorize <policy> --state <state.json> --action <action.json> [options]
       mimi-policy authorize [<policy>] --cases <cases.jsonl> [options]

Decides with the reference interpreter whether an action may happen (docs/semantics.md).
<policy> is a .mimi source, a .bin wire file or a .json IR; a policy with errors is refused.

  state.json    { "participants": [ { "user": string, "role": number | roleName, "clients": number } ] }
  action.json   { "type", "actor", "target"?, "to"?, "clients"?, "via"?, "claims"?, "capability"? }
                type: add remove changeRole ban unban kick leave removeOwnClient addOwnClient
                      changeOwnRole join capability; via: open preauth code;
                claims: [ { "credentialType": number, "id": hex, "value": hex } ];
                capability: a name or a code
  cases.jsonl   one { "id"?, "policy"?, "participants", "action" } per line; "policy" is relative to
                the cases file and overrides <policy>; blank lines are skipped

Output (json): { "allowed": boolean, "rule": string, "reason": string } — in batch mode one line per
case, in order, with its "id"; a case that cannot be decided gives { "id"?, "line", "error" } and the
batch goes on.

Options:
      --state <file>          the participant list (single mode)
      --action <file>         the action (single mode)
      --cases <file>          JSON Lines of cases (batch mode)
  -f, --format <json|human>   output format (default json)
      --component <kind>      what a .bin policy holds: ${COMPONENT_KINDS.join('|')}
      --plain                 one line per diagnostic of a refused policy
      --no-color              no ANSI colours
  -h, --help                  show this help

Exit codes: 0 every action decided (allowed or denied), 1 a refused policy or a malformed state,
action or case, 2 usage or I/O error.`,
  options: {
    state: { type: 'string' },
    action: { type: 'string' },
    cases: { type: 'string' },
    format: { type: 'string', short: 'f' },
    component: { type: 'string' },
    plain: { type: 'boolean' },
    'no-color': { type: 'boolean' },
  },
  run(args, io) {
    const format = oneOf(args.values.format, ['json', 'human'] as const, 'format', 'json');
    const component = args.values.component === undefined ? undefined : (oneOf(args.values.component, COMPONENT_KINDS, 'component', 'dictionary') as WireKind);
    const cases = args.values.cases as string | undefined;
    if (args.positionals.length > 1) throw new UsageError('authorize takes at most one policy file');
    const policyArg = args.positionals[0];
    const cache = new Map<string, Loaded>();
    const load = (path: string, reportIo: boolean): Loaded => {
      const abs = resolve(io.cwd, path);
      const hit = cache.get(abs);
      if (hit) return hit;
      let loaded: Loaded;
      try {
        const r = loadPolicyFile(abs, component ? { component } : {});
        const shown = displayPath(abs, io.cwd);
        printDiagnostics(relativize(r.diagnostics, io.cwd), relativeSources(r.sources, io.cwd), args as ParsedArgs, io);
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
      const stateText = readText(resolve(io.cwd, args.values.state));
      const actionText = readText(resolve(io.cwd, args.values.action));
      const loaded = load(policyArg, true);
      if (!loaded.policy) {
        io.err(`mimi-policy: ${loaded.error}; not authorizing\n`);
        return EXIT_INPUT;
      }
      try {
        const state = parseJson(stateText, args.values.state);
        const participants = typeof state === 'object' && state !== null && !Array.isArray(state) ? (state as { participants?: unknown }).participants : undefined;
        if (participants === undefined) throw new CaseError(`${args.values.state}: expected { "participants": [...] }`);
        const d = decide(loaded.policy, participants, parseJson(actionText, args.values.action));
        io.out(format === 'json' ? `${JSON.stringify(d)}\n` : `${human(d)}\n`);
        return EXIT_OK;
      } catch (e) {
        if (!(e instanceof CaseError)) throw e;
        io.err(`mimi-policy: ${e.message}\n`);
        return EXIT_INPUT;
      }
    }

    if (args.values.state !== undefined || args.values.action !== undefined) throw new UsageError('--cases cannot be combined with --state or --action');
    const casesPath = resolve(io.cwd, cases);
    const lines = readText(casesPath).split('\n');
    const base = dirname(casesPath);
    if (policyArg !== undefined) load(policyArg, true);
    let failed = 0;
    lines.forEach((raw, i) => {
      const line = raw.trim();
      if (line === '') return;
      let id: unknown;
      try {
        const c = parseJson(line, `line ${i + 1}`);
        if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new CaseError('expected { "id"?, "policy"?, "participants", "action" }');
        const o = c as Record<string, unknown>;
        id = o.id;
        const extra = Object.keys(o).filter((k) => !CASE_KEYS.has(k));
        if (extra.length) throw new CaseError(`unrecognized key \`${extra[0]}\``);
        if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') throw new CaseError('`id` must be a string or a number');
        if (o.policy !== undefined && typeof o.policy !== 'string') throw new CaseError('`policy` must be a path');
        const policyPath = typeof o.policy === 'string' ? resolve(base, o.policy) : policyArg;
        if (policyPath === undefined) throw new CaseError('no policy: give one on the command line or a "policy" in the case');
        const loaded = load(policyPath, false);
        if (!loaded.policy) throw new CaseError(loaded.error!);
        const d = decide(loaded.policy, o.participants, o.action);
        const out = { ...(id !== undefined ? { id } : {}), ...d };
        io.out(format === 'json' ? `${JSON.stringify(out)}\n` : `line ${i + 1}${id !== undefined ? ` [${String(id)}]` : ''}: ${human(d)}\n`);
      } catch (e) {
        if (!(e instanceof CaseError)) throw e;
        failed++;
        const out = { ...(id !== undefined ? { id } : {}), line: i + 1, error: e.message };
        io.out(format === 'json' ? `${JSON.stringify(out)}\n` : `line ${i + 1}${id !== undefined ? ` [${String(id)}]` : ''}: error: ${e.message}\n`);
      }
    });
    if (failed) io.err(`${displayPath(casesPath, io.cwd)}: ${failed} case(s) could not be decided\n`);
    return failed ? EXIT_INPUT : EXIT_OK;
  },
};

