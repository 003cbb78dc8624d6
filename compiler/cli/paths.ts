/** Paths in output are shown relative to the working directory when they are under it. */
import { isAbsolute, relative } from 'node:path';
import type { Diagnostic } from '../../runtime/diagnostics.js';

export function displayPath(p: string, cwd: string): string {
  if (!isAbsolute(p)) return p;
  const r = relative(cwd, p);
  return r.startsWith('..') ? p : r;
}

export function relativize(ds: readonly Diagnostic[], cwd: string): Diagnostic[] {
  return ds.map((d) => ({
    ...d,
    file: displayPath(d.file, cwd),
    ...(d.span ? { span: { ...d.span, file: displayPath(d.span.file, cwd) } } : {}),
    ...(d.labels ? { labels: d.labels.map((l) => ({ ...l, span: { ...l.span, file: displayPath(l.span.file, cwd) } })) } : {}),
  }));
}

export function relativeSources(sources: ReadonlyMap<string, string>, cwd: string): Map<string, string> {
  return new Map([...sources].map(([k, v]) => [displayPath(k, cwd), v]));
}
