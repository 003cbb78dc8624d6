/**
 * Diagnostics as SARIF 2.1.0 (the OASIS Static Analysis Results Interchange Format that code scanning
 * services read): one run whose tool lists every code of runtime/diagnostics.ts as a rule (id = code,
 * name = kind, description and help from the code table), and one result per diagnostic with its
 * level, message, location (line and column, end exclusive, in UTF-16 code units as the spans are; a
 * byte offset for wire files) and its labels as related locations. Acknowledged findings are results
 * with an in-source suppression carrying the `because` reason. Pure data: no I/O, deterministic.
 */
import { DIAGNOSTIC_CODES, type Diagnostic, type DiagnosticKind, type Severity } from '../runtime/diagnostics.js';
import type { SourceSpan } from '../runtime/ir.js';

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The base every relative artifact URI is resolved against (the directory the paths are relative to). */
export const SARIF_SRCROOT = '%SRCROOT%';

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

export interface SarifMessage {
  text: string;
}
export interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
  index?: number;
}
export interface SarifRegion {
  startLine?: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
  byteOffset?: number;
}
export interface SarifLocation {
  id?: number;
  physicalLocation?: { artifactLocation: SarifArtifactLocation; region?: SarifRegion };
  message?: SarifMessage;
}
export interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: SarifMessage & { markdown?: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[] };
}
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  suppressions?: { kind: 'inSource'; justification: string }[];
  /** what SARIF has no field for: the finding's kind and subkind, the roles involved, its witness path, the per-diagnostic help */
  properties?: Record<string, unknown>;
}
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: [
    {
      tool: { driver: { name: string; informationUri?: string; version?: string; semanticVersion?: string; rules: SarifRule[] } };
      columnKind: 'utf16CodeUnits';
      artifacts: { location: SarifArtifactLocation }[];
      results: SarifResult[];
    },
  ];
}

export interface SarifOptions {
  /** the tool's version (driver.version and semanticVersion) */
  version?: string;
  /** the inputs that were checked, listed as artifacts first (also when they have no diagnostic) */
  files?: readonly string[];
}

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

const CATEGORY: [prefix: RegExp, tag: string][] = [
  [/^.000/, 'syntax'],
  [/^.01/, 'names'],
  [/^.02/, 'draft'],
  [/^.03/, 'wire'],
  [/^.04/, 'io'],
  [/^.05/, 'analysis'],
];

/** Every code of the table as a SARIF rule, in code order (a rule's index is stable for a version). */
export function sarifRules(): SarifRule[] {
  return (Object.entries(DIAGNOSTIC_CODES) as [DiagnosticKind, (typeof DIAGNOSTIC_CODES)[DiagnosticKind]][])
    .map(([kind, info]) => ({
      id: info.code,
      name: kind,
      shortDescription: { text: info.summary },
      fullDescription: { text: `${info.code} ${kind}: ${info.summary}` },
      help: {
        text: `${info.summary}. See the table of diagnostic codes in the mimi-policy README (${info.code}, \`${kind}\`); each result's message says what to change.`,
        markdown: `${info.summary}.\n\nSee the table of diagnostic codes in the mimi-policy README (**${info.code}**, \`${kind}\`); each result's message says what to change.`,
      },
      defaultConfiguration: { level: LEVEL[info.severity as Severity] },
      properties: { tags: [CATEGORY.find(([re]) => re.test(info.code.slice(1)))?.[1] ?? 'other'] },
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * A path as a URI reference: a relative path stays relative (resolved against `%SRCROOT%`), an
 * absolute one becomes a `file:` URL; `\` separators become `/`, and every segment is percent-encoded
 * (spaces, `#`, `%`, non-ASCII letters).
 */
export function pathToSarifUri(path: string): { uri: string; uriBaseId?: string } {
  const p = path.replace(/\\/g, '/');
  const enc = (s: string) => s.split('/').map(encodeURIComponent).join('/');
  const drive = /^([A-Za-z]):\//.exec(p);
  if (drive) return { uri: `file:///${drive[1]}:/${enc(p.slice(3))}` };
  if (p.startsWith('/')) return { uri: `file://${enc(p)}` };
  return { uri: enc(p.replace(/^\.\//, '')), uriBaseId: SARIF_SRCROOT };
}

function region(span: SourceSpan): SarifRegion {
  // SARIF regions are 1-based with an exclusive end column, as spans are; an empty span stays a point
  return { startLine: span.line, startColumn: span.column, endLine: span.endLine, endColumn: Math.max(span.endColumn, span.endLine === span.line ? span.column : 1) };
}

/** `diagnostics` (already relativized and capped as they are to be shown) as one SARIF 2.1.0 log. */
export function toSarif(diagnostics: readonly Diagnostic[], options: SarifOptions = {}): SarifLog {
  const rules = sarifRules();
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const artifacts: { location: SarifArtifactLocation }[] = [];
  const artifactIndex = new Map<string, number>();
  const artifact = (file: string): SarifArtifactLocation => {
    const loc = pathToSarifUri(file);
    let index = artifactIndex.get(loc.uri);
    if (index === undefined) {
      index = artifacts.length;
      artifactIndex.set(loc.uri, index);
      artifacts.push({ location: { ...loc } });
    }
    return { ...loc, index };
  };
  for (const f of options.files ?? []) artifact(f);

  const results = diagnostics.map((d): SarifResult => {
    const file = d.span?.file ?? d.file;
    const locations: SarifLocation[] = [];
    if (file) {
      const physicalLocation: SarifLocation['physicalLocation'] = { artifactLocation: artifact(file) };
      if (d.span) physicalLocation.region = region(d.span);
      else if (d.offset !== undefined) physicalLocation.region = { byteOffset: d.offset };
      locations.push({ physicalLocation });
    }
    const r: SarifResult = {
      ruleId: d.code,
      ruleIndex: ruleIndex.get(d.code) ?? -1,
      level: LEVEL[d.severity],
      message: { text: d.help ? `${d.message}\nhelp: ${d.help}` : d.message },
      locations,
    };
    if (d.labels?.length) {
      r.relatedLocations = d.labels.map((l, i) => ({ id: i + 1, physicalLocation: { artifactLocation: artifact(l.span.file), region: region(l.span) }, message: { text: l.message } }));
    }
    if (d.acknowledged) r.suppressions = [{ kind: 'inSource', justification: d.acknowledged.reason }];
    const properties: Record<string, unknown> = { kind: d.kind };
    if (d.subkind) properties.subkind = d.subkind;
    if (d.roles) properties.roles = d.roles;
    if (d.path) properties.path = d.path;
    if (d.help) properties.help = d.help;
    if (d.omitted) properties.omitted = d.omitted;
    r.properties = properties;
    return r;
  });

  const driver: SarifLog['runs'][0]['tool']['driver'] = { name: 'mimi-policy', rules };
  if (options.version) {
    driver.version = options.version;
    if (/^\d+\.\d+\.\d+/.test(options.version)) driver.semanticVersion = options.version;
  }
  return { $schema: SARIF_SCHEMA_URI, version: SARIF_VERSION, runs: [{ tool: { driver }, columnKind: 'utf16CodeUnits', artifacts, results }] };
}
