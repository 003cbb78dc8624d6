/** Test helper: generate a policy's evaluator into a temporary folder and import it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { emitTypeScript, type TypeScriptEmitOptions } from '../compiler/emit/typescript.js';
import type { Policy } from '../runtime/ir.js';

/** The shape every generated module exports (its types are specialized; tests use it loosely). */
export interface GeneratedEvaluator {
  authorize(state: unknown, action: unknown): { allowed: boolean; rule: string; reason: string };
  authorizeUpdate(state: unknown, sender: unknown, update: unknown): { allowed: boolean; rule: string; reason: string; changes: unknown[] };
  preauthorizedRole(claims: unknown): number | null;
  hasCapability(role: unknown, capability: unknown): boolean;
  canTransition(actorRole: unknown, fromRole: unknown, toRole: unknown): boolean;
  allowedTargets(actorRole: unknown, fromRole: unknown): number[];
  prepareState(state: unknown): unknown;
  checkCapabilities(understood: Iterable<number | string>): { ok: boolean; unknown: number[]; unknownRequired: number[] };
  policyBytes(): Uint8Array;
  isPolicy(bytes: Uint8Array): boolean;
  roles: Record<string, number>;
  capabilities: Record<string, number>;
  capabilitiesUsed: readonly number[];
  requiredCapabilities: readonly number[];
  POLICY_SHA256: string;
  SOURCE: string;
  InvalidInputError: new (...args: never[]) => Error;
}

let dir: string | undefined;
let n = 0;

export async function generate(policy: Policy, options: Partial<TypeScriptEmitOptions> = {}): Promise<{ text: string; file: string; mod: GeneratedEvaluator }> {
  dir ??= mkdtempSync(join(tmpdir(), 'mimi-evaluator-'));
  const text = await emitTypeScript(policy, { source: 'test.mimi', generator: 'mimi-policy test', ...options });
  const file = join(dir, `evaluator${n++}.ts`);
  writeFileSync(file, text);
  const mod = (await import(pathToFileURL(file).href)) as GeneratedEvaluator;
  return { text, file, mod };
}

/** Type errors in these files under the strictest flags an app may vendor the generated file with, as `file:line: message`. */
export function strictProblems(files: readonly string[]): string[] {
  const program = ts.createProgram([...files], {
    strict: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    lib: ['lib.es2022.d.ts'],
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? `${d.file.fileName.split('/').pop()}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}
