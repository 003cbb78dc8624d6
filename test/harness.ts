/**
 * Test harness that reads like the behaviour (STYLE.md §11): run the real pipeline on in-memory
 * sources and describe each diagnostic by its code and the exact source text it underlines.
 */
import { compileFile, memoryHost } from '../compiler/index.js';
import type { Diagnostic } from '../runtime/diagnostics.js';

export const MAIN = '/virtual/main.mimi';

export interface Seen {
  code: string;
  underline: string;
  help?: string;
}

export function compileVirtual(src: string, others: Record<string, string> = {}) {
  const files: Record<string, string> = { [MAIN]: src };
  for (const [k, v] of Object.entries(others)) files[`/virtual/${k}`] = v;
  return compileFile(MAIN, { host: memoryHost(files) });
}

export function underline(d: Diagnostic, texts: Map<string, string>): string {
  if (!d.span) return '';
  return (texts.get(d.span.file) ?? '').slice(d.span.start, d.span.end);
}

/** Every diagnostic of `src` as `{ code, underline, help? }`. */
export function diagnose(src: string, others: Record<string, string> = {}): Seen[] {
  const r = compileVirtual(src, others);
  const texts = new Map(r.files.map((f) => [f.file, f.text]));
  return r.diagnostics.map((d) => ({ code: d.code, underline: underline(d, texts), ...(d.help ? { help: d.help } : {}) }));
}

/** Codes only, for cases where the underline is asserted separately. */
export const codes = (src: string, others: Record<string, string> = {}): string[] => diagnose(src, others).map((d) => d.code);

/** A minimal valid policy to build cases on. */
export const BASE = `
role no_role @0 { }
role banned @1 { active 0..0 }
role member @2 {
  grant canSendMessage, canReceiveMessage, canRemoveSelf
  changes { member -> none }
}
`;
