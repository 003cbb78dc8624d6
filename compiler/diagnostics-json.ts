/**
 * The JSON the tools print for machines (`check --format json`, and the `diagnostics` array of every
 * other command's JSON), as zod schemas: `diagnosticJson` (compiler/render.ts) is typed by them, and
 * `npm run schemas` writes them as JSON Schema (draft 2020-12) to schemas/, which the package ships.
 * test/diagnostics-json.test.ts keeps the files in step and validates real output against them.
 */
import { z } from 'zod';
import { DIAGNOSTIC_CODES, type DiagnosticKind } from '../runtime/diagnostics.js';

const kinds = Object.keys(DIAGNOSTIC_CODES) as [DiagnosticKind, ...DiagnosticKind[]];
const codes = [...new Set(Object.values(DIAGNOSTIC_CODES).map((c) => c.code))].sort() as [string, ...string[]];

const Kind = z.enum(kinds).describe('the stable kebab-case name of the code (README "Diagnostic codes")');
const Code = z.enum(codes).describe('the stable code: E… errors, W… warnings, I… notes');
const Count = z.number().int().min(0);
const Position = z.number().int().min(1);

/** A 1-based range in a source file; `endColumn` is exclusive. */
export const SpanJson = z
  .object({ line: Position, column: Position, endLine: Position, endColumn: Position })
  .strict()
  .describe('a range in a source file, 1-based; endColumn is exclusive');

const Role = z.object({ index: Count, name: z.string() }).strict().describe('a role: its index and name (`none` for role 0)');

/** One step of a path-shaped finding's witness. */
export const PathStepJson = z
  .object({
    actor: Role,
    action: z.string().describe('an action type (add, remove, changeRole, ban, unban, leave, join, changeOwnRole) or `capability` for a policy rewrite'),
    capability: z.string(),
    target: z.object({ from: Role, to: Role }).strict(),
  })
  .strict();

/** One diagnostic, as every command's JSON output carries it. */
export const DiagnosticJson = z
  .object({
    code: Code,
    kind: Kind,
    severity: z.enum(['error', 'warning', 'info']),
    message: z.string(),
    file: z.string().describe('the file as given on the command line (relative to the working directory where it can be)'),
    span: SpanJson.nullable().describe('null for problems in wire bytes or JSON without a source position (see offset)'),
    offset: Count.optional().describe('byte offset, for problems found in wire bytes'),
    labels: z.array(z.object({ message: z.string(), file: z.string(), span: SpanJson }).strict()).optional().describe('related places'),
    help: z.string().optional().describe('how to fix it'),
    roles: z.array(Count).optional().describe('analysis findings: the role indexes involved, the one the finding is about first'),
    subkind: z.string().optional().describe('a refinement of the kind (escalation: direct, sock-puppet, chain, policy-rewrite)'),
    path: z.array(PathStepJson).optional().describe('path-shaped findings: the shortest witness, step by step'),
    acknowledged: z.object({ reason: z.string() }).strict().optional().describe('set when an `allow … because "…"` line acknowledges the finding'),
    omitted: z
      .object({ code: Code, kind: Kind, count: Count, atLeast: z.literal(true).optional() })
      .strict()
      .optional()
      .describe('diagnostics-omitted (I0007) only: the code whose further diagnostics were left out, and how many'),
  })
  .strict()
  .meta({ title: 'mimi-policy diagnostic' });
export type DiagnosticJson = z.infer<typeof DiagnosticJson>;

/** `mimi-policy check --format json`. */
export const CheckReportJson = z
  .object({
    files: z.array(
      z
        .object({
          file: z.string(),
          format: z.enum(['mimi', 'wire', 'json']).describe('what the file was read as'),
          component: z.string().optional().describe('wire files: the component read (dictionary, or one component kind)'),
          ok: z.boolean().describe('false when the file has an error not acknowledged (or a warning, with --deny-warnings)'),
          roles: Count.nullable().describe('null when the file could not be read into a policy'),
        })
        .strict(),
    ),
    diagnostics: z.array(DiagnosticJson),
  })
  .strict()
  .meta({ title: 'mimi-policy check --format json' });
export type CheckReportJson = z.infer<typeof CheckReportJson>;

/** The JSON Schema files the package ships (schemas/NAME), from the schemas above. */
export function jsonSchemas(): { name: string; schema: unknown }[] {
  const of = (id: string, s: z.ZodType) => ({ name: id, schema: z.toJSONSchema(s, { target: 'draft-2020-12' }) });
  return [of('diagnostic.schema.json', DiagnosticJson), of('check-report.schema.json', CheckReportJson)];
}
