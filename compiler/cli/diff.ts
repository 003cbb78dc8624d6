/**
 * A unified diff of two texts, line by line (`fmt --diff`): the shortest edit script (Myers' O(ND)
 * algorithm, keeping only the diagonals each step reached), then hunks with `context` unchanged lines
 * around each change, in the format `patch` and `git apply` read.
 */

type Edit = { op: ' ' | '-' | '+'; line: string; a: number; b: number };

/** `text` as lines, each with its line feed (the last may have none). */
function linesOf(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    out.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/**
 * The edit script turning `a` into `b`, or undefined when it needs more than `maxEdits` insertions
 * and deletions (then the caller shows the whole file replaced).
 */
function editScript(a: readonly string[], b: readonly string[], maxEdits: number): Edit[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  // v[k] (diagonal k = x - y, stored at k + max + 1): the furthest x reached on it
  const v = new Int32Array(2 * max + 3);
  const off = max + 1;
  // trace[d]: v's diagonals -d..d before step d, to walk back
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return undefined;
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = found; d >= 0; d--) {
    const t = trace[d];
    // t holds diagonals -d-1 .. d+1 at indexes 0 .. 2d+2
    const at = (k: number) => t[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      edits.push({ op: ' ', line: a[x - 1], a: x - 1, b: y - 1 });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) edits.push({ op: '+', line: b[y - 1], a: x, b: y - 1 });
      else edits.push({ op: '-', line: a[x - 1], a: x - 1, b: y });
    }
    x = prevX;
    y = prevY;
  }
  return edits.reverse();
}

/** One diff line: the marker, the text, and a note when the file's last line has no line feed. */
const render = (e: Edit): string => `${e.op}${e.line.endsWith('\n') ? e.line : `${e.line}\n\\ No newline at end of file\n`}`;

/**
 * `--- a/file`, `+++ b/file` and the hunks turning `before` into `after`; the empty string when they
 * are equal. `context`: unchanged lines shown around each change (default 3).
 */
export function unifiedDiff(before: string, after: string, file: string, options: { context?: number; maxEdits?: number } = {}): string {
  if (before === after) return '';
  const context = options.context ?? 3;
  const a = linesOf(before);
  const b = linesOf(after);
  const edits = editScript(a, b, options.maxEdits ?? 10_000) ?? [...a.map((line, i) => ({ op: '-' as const, line, a: i, b: 0 })), ...b.map((line, i) => ({ op: '+' as const, line, a: a.length, b: i }))];
  const out = [`--- a/${file}\n`, `+++ b/${file}\n`];
  let i = 0;
  while (i < edits.length) {
    // the next change, and the hunk around it: changes closer than 2 × context lines share one
    while (i < edits.length && edits[i].op === ' ') i++;
    if (i >= edits.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    let lastChange = i;
    while (end < edits.length) {
      if (edits[end].op !== ' ') lastChange = end;
      else if (end - lastChange > 2 * context) break;
      end++;
    }
    end = Math.min(edits.length, lastChange + context + 1);
    const hunk = edits.slice(start, end);
    const aLines = hunk.filter((e) => e.op !== '+').length;
    const bLines = hunk.filter((e) => e.op !== '-').length;
    const aStart = hunk.find((e) => e.op !== '+')?.a ?? hunk[0].a;
    const bStart = hunk.find((e) => e.op !== '-')?.b ?? hunk[0].b;
    // an empty side names the line before it (0 at the start of the file), as `diff -u` does
    const range = (s: number, count: number) => (count === 0 ? `${s},0` : count === 1 ? `${s + 1}` : `${s + 1},${count}`);
    out.push(`@@ -${range(aStart, aLines)} +${range(bStart, bLines)} @@\n`, ...hunk.map(render));
    i = end;
  }
  return out.join('');
}
