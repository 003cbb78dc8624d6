/**
 * The library entry points for the front end: compile a `.mimi` program to the IR (with every
 * diagnostic), and load a wire file into the same IR so that checks and emitters treat both alike.
 */
import { decodeComponent, decodePolicy, DecodeError, DecodeLimitError, detectComponent, type ComponentKind, type ReaderOptions } from '../runtime/codec/index.js';
import { diagnostic, hasErrors, sortDiagnostics, type Diagnostic } from '../runtime/diagnostics.js';
import { defaultBasePolicy, defaultPolicyComponentIds, type Policy, type Provenance, type Role } from '../runtime/ir.js';
import type { SourceFile } from '../grammar/index.js';
import { lower, type Acknowledgement, type ScenarioIR, type Symbols } from './lower.js';
import { loadProgram, nodeHost, type CompilerHost } from './resolve.js';
import { checkPolicy } from './rules/index.js';
import { analyse, FINDING_KINDS } from './analyses/index.js';
import { didYouMean } from '../runtime/suggest.js';
import { resolveLimits, type Limits } from '../runtime/limits.js';

export interface CompileResult {
  /** the policy IR; present even with errors (best effort), but only `ok` results may be emitted */
  policy: Policy;
  /** `allow` lines: findings the author acknowledges */
  acknowledgements: Acknowledgement[];
  /** `scenario` blocks, resolved by role name */
  scenarios: ScenarioIR[];
  provenance: Provenance;
  symbols: Symbols;
  files: SourceFile[];
  diagnostics: Diagnostic[];
  ok: boolean;
}

export interface CompileOptions {
  host?: CompilerHost;
  /** the entry file's text, when it is not on disk (editors, tests) */
  text?: string;
  /** refuse hierarchies that lower to more roles than this (default 4,096) */
  maxLoweredRoles?: number;
  /** refuse hierarchies whose lowered roles hold more authorized role-change targets than this (default 1,000,000) */
  maxLoweredTargets?: number;
  /** also run the analyses (compiler/analyses) when the policy has no errors; default false */
  analyses?: boolean;
  /** refuse a source file larger than this many UTF-8 bytes: one `limit-exceeded` (E0006) at 1:1, before lexing (default 16 MB, `--max-source-bytes`) */
  maxSourceBytes?: number;
  /**
   * Every size limit at once (runtime/limits.ts; unset ones take their defaults; the single options
   * above win over these). `maxDiagnosticsPerCode` is the analyses' findings budget per kind.
   */
  limits?: Partial<Limits>;
}

/** The limits of a compile: `limits`, overridden by the single options, over the defaults. */
function compileLimits(o: CompileOptions): Limits {
  const single: Partial<Limits> = {};
  if (o.maxSourceBytes !== undefined) Object.assign(single, { maxSourceBytes: o.maxSourceBytes });
  if (o.maxLoweredRoles !== undefined) Object.assign(single, { maxLoweredRoles: o.maxLoweredRoles });
  if (o.maxLoweredTargets !== undefined) Object.assign(single, { maxLoweredTargets: o.maxLoweredTargets });
  return resolveLimits({ ...o.limits, ...single });
}

/** Parse, resolve, lower and check a `.mimi` program. Never throws for bad input. */
export function compileFile(path: string, options: CompileOptions = {}): CompileResult {
  const limits = compileLimits(options);
  const program = loadProgram(path, options.host ?? nodeHost, options.text, { maxSourceBytes: limits.maxSourceBytes });
  const lowered = lower(program.files, { maxLoweredRoles: limits.maxLoweredRoles, maxLoweredTargets: limits.maxLoweredTargets });
  const diagnostics = [...program.diagnostics, ...lowered.diagnostics];
  // source policies keep every rule finding (capped at output); wire input is capped as it is checked (loadWire)
  diagnostics.push(...checkPolicy(lowered.policy, path, lowered.provenance, { maxDiagnosticsPerCode: 0 }));
  // `allow <kind> …` must name a finding kind an analysis reports
  for (const a of lowered.acknowledgements)
    if (!(FINDING_KINDS as readonly string[]).includes(a.kind))
      diagnostics.push(diagnostic('unknown-finding-kind', `\`${a.kind}\` is not a kind of finding`, a.kindSpan.file, a.kindSpan, { help: didYouMean(a.kind, FINDING_KINDS) ?? `the kinds are ${FINDING_KINDS.join(', ')}` }));
  if (options.analyses && !hasErrors(diagnostics))
    diagnostics.push(...analyse(lowered.policy, path, { provenance: lowered.provenance, acknowledgements: lowered.acknowledgements, maxFindingsPerKind: limits.maxDiagnosticsPerCode }));
  const sorted = sortDiagnostics(dedupe(diagnostics));
  return { policy: lowered.policy, acknowledgements: lowered.acknowledgements, scenarios: lowered.scenarios, provenance: lowered.provenance, symbols: lowered.symbols, files: program.files, diagnostics: sorted, ok: !hasErrors(sorted) };
}

/** Compile source text held in memory (imports resolve relative to `file`). */
export const compileSource = (text: string, file = 'input.mimi', host?: CompilerHost): CompileResult => compileFile(file, { text, ...(host ? { host } : {}) });

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}|${d.file}|${d.span?.start}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type WireKind = ComponentKind;

export interface LoadWireResult {
  /** absent when the bytes do not decode */
  policy?: Policy;
  /** what the bytes held */
  kind?: WireKind;
  diagnostics: Diagnostic[];
  ok: boolean;
}

/** A policy around a lone component, so that checks and decompilation work on it too. */
function policyAround(kind: WireKind, value: unknown): Policy | undefined {
  const p: Policy = { base: defaultBasePolicy(), roles: [], preauth: null, participants: null, history: null, otherComponents: [] };
  switch (kind) {
    case 'dictionary':
      return undefined;
    case 'roles':
      p.roles = value as Role[];
      break;
    case 'preauth': {
      p.preauth = value as Policy['preauth'];
      // the embedded roles are all the role information a lone preauth component has
      const seen = new Set<number>();
      for (const e of p.preauth!) if (!seen.has(e.role.index)) (seen.add(e.role.index), p.roles.push(e.role));
      break;
    }
    case 'base':
      p.base = value as Policy['base'];
      return p;
    case 'participants':
      p.participants = value as Policy['participants'];
      break;
    case 'history':
      p.history = value as Policy['history'];
      break;
    default:
      return undefined;
  }
  p.base.policyComponentIds = defaultPolicyComponentIds(p);
  return p;
}

/**
 * Decode wire bytes: a whole policy (an AppDataDictionary) or one component (`kind`, or detected).
 * Decoding errors become one diagnostic with the byte offset; more vector elements than
 * `maxWireElements` (default runtime/limits.ts) is a located `limit-exceeded`.
 */
export function loadWire(bytes: Uint8Array, file: string, kind?: WireKind, options: { analyses?: boolean; maxDiagnosticsPerCode?: number; maxWireElements?: number; limits?: Partial<Limits> } = {}): LoadWireResult {
  const limits = resolveLimits({
    ...options.limits,
    ...(options.maxDiagnosticsPerCode !== undefined ? { maxDiagnosticsPerCode: options.maxDiagnosticsPerCode } : {}),
    ...(options.maxWireElements !== undefined ? { maxWireElements: options.maxWireElements } : {}),
  });
  const k = kind ?? detectComponent(bytes) ?? undefined;
  if (k === undefined) {
    // decode as a dictionary to get the most useful error (no values kept)
    try {
      decodePolicy(bytes, { validateOnly: true });
    } catch (e) {
      return wireError(e, file);
    }
    return { diagnostics: [diagnostic('wire-decode', 'the bytes are not a policy dictionary or a known component', file, undefined, { offset: 0 })], ok: false };
  }
  try {
    const reader: ReaderOptions = { maxElements: limits.maxWireElements };
    const policy = k === 'dictionary' ? decodePolicy(bytes, reader) : policyAround(k, decodeComponent(k, bytes, reader));
    if (!policy) return { kind: k, diagnostics: [diagnostic('wire-decode', `a \`${k}\` component cannot be read as a policy`, file, undefined, { offset: 0 })], ok: false };
    // findings past the per-code cap are counted, not built (a hostile file can repeat one millions of times)
    const checked = checkPolicy(policy, file, undefined, { maxDiagnosticsPerCode: limits.maxDiagnosticsPerCode });
    // wire policies have no provenance: findings come without a span
    if (options.analyses && !hasErrors(checked)) checked.push(...analyse(policy, file, { maxFindingsPerKind: limits.maxDiagnosticsPerCode }));
    const diagnostics = sortDiagnostics(checked);
    return { policy, kind: k, diagnostics, ok: !hasErrors(diagnostics) };
  } catch (e) {
    return { kind: k, ...wireError(e, file) };
  }
}

function wireError(e: unknown, file: string): LoadWireResult {
  if (e instanceof DecodeLimitError)
    return {
      diagnostics: [diagnostic('limit-exceeded', `${e.message}${e.path ? ` (in ${e.path})` : ''}`, file, undefined, { offset: e.offset, help: `raise the limit with \`${e.flag} <n>\` if this input is expected` })],
      ok: false,
    };
  if (e instanceof DecodeError)
    return { diagnostics: [diagnostic('wire-decode', `${e.message}${e.path ? ` (in ${e.path})` : ''}`, file, undefined, { offset: e.offset })], ok: false };
  throw e;
}
