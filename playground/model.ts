/**
 * The playground's logic, without the DOM (so Node tests run it as the page does): a `.mimi` source
 * in, everything the page shows out — diagnostics, the role graph (model, SVG, DOT), the capability
 * matrix, the findings, the scenario runs and the wire bytes; and wire bytes (a file or hex) back to
 * `.mimi` source. Only the library's exported functions; files (examples, stdlib) come from an
 * in-memory table embedded at build time, so nothing here touches a file system.
 */
import {
  buildMatrix,
  capDiagnostics,
  compileFile,
  decompile,
  DecompileError,
  describeStep,
  encodePolicy,
  FINDING_KINDS,
  graphModel,
  highlightsOf,
  loadWire,
  namesOf,
  renderDot,
  renderMatrixHtml,
  roleNamesOf,
  runWithCoverage,
  summaryLine,
  type CompilerHost,
  type Coverage,
  type Diagnostic,
  type GraphModel,
  type ScenarioResult,
} from '../index.js';
import { DEFAULT_LIMITS } from '../runtime/index.js';
import { graphSvg } from './layout.js';

/** Virtual path → text: `examples/dm.mimi`, `stdlib/packages.mimi`, `stdlib/templates/strict.mimi` … */
export type Files = Readonly<Record<string, string>>;

/** `a/b/../c` → `a/c` (posix paths, no leading slash kept). */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

const dirOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/** A compiler host over the embedded files: `std/x` is `stdlib/x.mimi`, other imports are relative to the importer. */
export function playgroundHost(files: Files): CompilerHost {
  const has = (p: string) => Object.prototype.hasOwnProperty.call(files, p);
  return {
    readFile: (p) => (has(p) ? files[p] : undefined),
    resolveImport(fromFile, spec) {
      if (spec.startsWith('std/')) {
        const p = `stdlib/${spec.slice(4)}.mimi`;
        return has(p) ? p : undefined;
      }
      const base = normalizePath(`${dirOf(fromFile)}/${spec}`);
      for (const candidate of [base, `${base}.mimi`]) if (has(candidate)) return candidate;
      return undefined;
    },
  };
}

/** A diagnostic as the page lists it: where (1-based line:col and 0-based offsets when it has a span) and what. */
export interface Item {
  code: string;
  kind: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  help?: string;
  file: string;
  /** in the edited source (clicking it moves the caret); otherwise in an imported file */
  inSource: boolean;
  line?: number;
  column?: number;
  start?: number;
  end?: number;
  /** path-shaped findings: the witness, step by step, in words */
  steps?: string[];
  acknowledged?: string;
}

export interface StepView {
  text: string;
  line: number;
  passed: boolean;
  /** what happened: the decision and its reason, the state checked, or why the step could not run */
  outcome: string;
}
export interface ScenarioView {
  name: string;
  line: number;
  passed: boolean;
  error?: string;
  steps: StepView[];
}

export interface PlaygroundResult {
  /** no errors: the graph, matrix, scenarios and wire bytes below are present */
  ok: boolean;
  /** errors, warnings and notes that are not analysis findings */
  diagnostics: Item[];
  /** the analyses' findings (acknowledged ones included, marked) */
  findings: Item[];
  /** e.g. "0 errors, 2 warnings" */
  summary: string;
  roles: number;
  /** the source has scenarios and no roles (they ran against `scenarioPolicy`, if given) */
  scenarioOnly: boolean;
  graph?: GraphModel;
  /** the graph drawn by the page's own layout (not Graphviz); empty when over the graph limits */
  svg?: string;
  /** why the graph is not drawn (too large) */
  graphNote?: string;
  dot?: string;
  matrixHtml?: string;
  scenarios?: ScenarioView[];
  coverage?: Coverage;
  /** why the scenarios could not run */
  scenarioError?: string;
  /** the encoded policy (an AppDataDictionary), and why not when encoding failed */
  wire?: Uint8Array;
  wireError?: string;
}

const FINDINGS = new Set<string>(FINDING_KINDS);

function itemOf(d: Diagnostic, file: string): Item {
  const it: Item = { code: d.code, kind: d.kind, severity: d.severity, message: d.message, file: d.file, inSource: d.file === file };
  // (the omitted-diagnostics note's help names a CLI flag, which the page has not)
  if (d.help && !d.omitted) it.help = d.help;
  if (d.span) Object.assign(it, { line: d.span.line, column: d.span.column, start: d.span.start, end: d.span.end });
  if (d.path?.length) it.steps = d.path.map(describeStep);
  if (d.acknowledged) it.acknowledged = d.acknowledged.reason;
  return it;
}

/** `to` as an import spec from the file `from` (both paths among the embedded files). */
export function importSpec(from: string, to: string): string {
  const depth = dirOf(from) === '' ? 0 : dirOf(from).split('/').length;
  return depth === 0 ? `./${to}` : `${'../'.repeat(depth)}${to}`;
}

export interface AnalyseOptions {
  /**
   * A file of scenarios only (no roles) runs against this policy (a path among the files), imported at
   * the end of the source so that its lines keep their numbers — as `mimi-policy test --policy` does.
   */
  scenarioPolicy?: string;
}

/** A file with scenarios and no roles: it needs a policy to run against. */
export const isScenarioOnly = (r: { roles: number; scenarioCount: number }): boolean => r.roles === 0 && r.scenarioCount > 0;

/** Everything the page shows for `text`, compiled as the file `file` among `files` (its imports resolve there). */
export function analyseSource(text: string, file: string, files: Files, options: AnalyseOptions = {}): PlaygroundResult {
  const host = playgroundHost(files);
  let r = compileFile(file, { text, host, analyses: true });
  const scenarioOnly = isScenarioOnly({ roles: r.policy.roles.length, scenarioCount: r.scenarios.length });
  if (scenarioOnly && options.scenarioPolicy !== undefined && options.scenarioPolicy !== file)
    r = compileFile(file, { text: `${text}\nimport "${importSpec(file, options.scenarioPolicy)}"\n`, host, analyses: true });
  // as the CLI prints them: at most --max-diagnostics (100) per code, the rest counted in one note
  const items = capDiagnostics(r.diagnostics, DEFAULT_LIMITS.maxDiagnosticsPerCode).map((d) => itemOf(d, file));
  const result: PlaygroundResult = {
    ok: r.ok,
    diagnostics: items.filter((d) => !FINDINGS.has(d.kind)),
    findings: items.filter((d) => FINDINGS.has(d.kind)),
    summary: summaryLine(r.diagnostics),
    roles: r.policy.roles.length,
    scenarioOnly,
  };
  if (!r.ok) return result;
  const policy = r.policy;

  const g = graphModel(policy, highlightsOf(r.diagnostics));
  result.graph = g;
  result.dot = renderDot(g, file.replace(/^.*\//, '').replace(/\.mimi$/, ''));
  if (g.nodes.length > DEFAULT_LIMITS.maxGraphNodes || g.edges.length > DEFAULT_LIMITS.maxGraphEdges)
    result.graphNote = `The graph has ${g.nodes.length} roles and ${g.edges.length} role changes, more than the page draws (${DEFAULT_LIMITS.maxGraphNodes} roles, ${DEFAULT_LIMITS.maxGraphEdges} role changes); its DOT text is below.`;
  else result.svg = graphSvg(g);

  const declared = new Map([...r.symbols.privateCapabilities].map(([n, v]) => [v.code as number, n as string]));
  result.matrixHtml = renderMatrixHtml(buildMatrix(policy, r.provenance, declared), false, { maxRows: 500 });

  if (r.scenarios.length > 0 && r.policy.roles.length === 0)
    result.scenarioError = 'these scenarios need a policy to run against, and this source has none (no roles): pick one, or add `import "./<policy>.mimi"`';
  else if (r.scenarios.length > 0) {
    try {
      const roleNames = roleNamesOf(r.symbols);
      const names = namesOf({ policy, ...(roleNames ? { roleNames } : {}) });
      const capabilityNames = new Map([...r.symbols.privateCapabilities].map(([n, v]) => [n, v.code] as [string, number]));
      const { results, coverage } = runWithCoverage(policy, r.scenarios, names, { capabilityNames });
      result.scenarios = results.map(scenarioView);
      result.coverage = coverage;
    } catch (e) {
      result.scenarioError = e instanceof Error ? e.message : String(e);
    }
  }

  try {
    result.wire = encodePolicy(policy);
  } catch (e) {
    result.wireError = e instanceof Error ? e.message : String(e);
  }
  return result;
}

function scenarioView(s: ScenarioResult): ScenarioView {
  return {
    name: s.name,
    line: s.span.line,
    passed: s.passed,
    ...(s.error ? { error: s.error } : {}),
    steps: s.steps.map((st) => ({
      text: st.text,
      line: st.span.line,
      passed: st.passed,
      outcome: st.check
        ? st.passed
          ? st.check.actual
          : `expected ${st.check.expected}; ${st.check.actual}`
        : st.decision
          ? `${st.decision.allowed ? 'allowed' : 'denied'} (${st.decision.rule}): ${st.decision.reason}`
          : `error: ${st.error ?? 'not run'}`,
    })),
  };
}

/** Lowercase hex, 32 bytes a line (as `inspect` lays out bytes). */
export function toHexText(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 32) {
    let line = '';
    for (let j = i; j < Math.min(i + 32, bytes.length); j++) line += bytes[j].toString(16).padStart(2, '0');
    lines.push(line);
  }
  return lines.join('\n');
}

/** Bytes of pasted hex: whitespace, `0x` prefixes and `:`/`,` separators are ignored; anything else is located. */
export function parseHex(text: string): { bytes: Uint8Array } | { error: string } {
  const digits: number[] = [];
  let line = 1;
  let column = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      column = 1;
      continue;
    }
    column++;
    if (c === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
      i++;
      column++;
      continue;
    }
    if (/\s|[:,]/.test(c)) continue;
    const v = parseInt(c, 16);
    if (Number.isNaN(v)) return { error: `${line}:${column - 1}: \`${c}\` is not a hex digit` };
    digits.push(v);
  }
  if (digits.length % 2 !== 0) return { error: `an odd number of hex digits (${digits.length}): the last byte is incomplete` };
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (digits[2 * i] << 4) | digits[2 * i + 1];
  return { bytes };
}

export interface DecompileResult {
  /** the `.mimi` source, when the bytes decode to a policy the language can say */
  source?: string;
  /** what the bytes held (`dictionary`, `roles` …) */
  kind?: string;
  /** why not: decoding problems carry the byte offset */
  problems: string[];
}

/** Wire bytes (a whole policy or one component) → `.mimi` source, as `mimi-policy decompile` does. */
export function decompileWire(bytes: Uint8Array, name = 'policy.bin'): DecompileResult {
  const r = loadWire(bytes, name);
  const problems = r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.offset !== undefined ? `byte ${d.offset}: ` : ''}${d.code} ${d.message}`);
  if (!r.policy || !r.ok) return { ...(r.kind ? { kind: r.kind } : {}), problems: problems.length ? problems : ['the bytes are not a policy'] };
  try {
    return { source: decompile(r.policy, { source: name }), ...(r.kind ? { kind: r.kind } : {}), problems: [] };
  } catch (e) {
    if (e instanceof DecompileError) return { ...(r.kind ? { kind: r.kind } : {}), problems: [e.message] };
    throw e;
  }
}

/** Bytes that are UTF-8 text without control characters other than tab, CR and LF (a `.mimi` file, not wire bytes). */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  return !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text);
}

/** An uploaded file: its content decides, not its name — text opens as source, anything else is decompiled as wire bytes. */
export function openUpload(bytes: Uint8Array, name: string): DecompileResult & { asText?: boolean } {
  if (looksLikeText(bytes)) return { source: new TextDecoder().decode(bytes), kind: 'text', asText: true, problems: [] };
  return decompileWire(bytes, name);
}

/** The largest wire file or pasted hex the page decodes (the CLI's `--max-wire-bytes` is for files on disk). */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

/** The 0-based offset of 1-based `line`:`column` in `text` (clamped to the text). */
export function offsetOf(text: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return text.length;
    at = nl + 1;
  }
  return Math.min(text.length, at + Math.max(0, column - 1));
}
