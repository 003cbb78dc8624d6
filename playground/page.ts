/**
 * The playground page's DOM glue: the work is in ./model.ts, run by ./analyser.ts (in a worker when the
 * page is served, so that typing never waits for an analysis). The examples and the stdlib are embedded
 * at build time (scripts/playground.ts defines `__PLAYGROUND_FILES__`). `#example=<path>` in the URL
 * picks the example to open.
 */
import { MATRIX_CSS } from '../index.js';
import { Analyser, type Response } from './analyser.js';
import { decompileWire, MAX_UPLOAD_BYTES, offsetOf, openUpload, parseHex, toHexText, type DecompileResult, type Files, type Item, type PlaygroundResult } from './model.js';

declare const __PLAYGROUND_FILES__: Files;

const MAX_DOT_CHARS = 200_000;

/** Starts the page; `scriptUrl` is this bundle's address, loaded again as the analysis worker. */
export function startPage(scriptUrl: string | undefined): void {
  const started = performance.now();
  const files: Record<string, string> = { ...__PLAYGROUND_FILES__ };
  const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
  const source = $<HTMLTextAreaElement>('source');
  const example = $<HTMLSelectElement>('example');
  const status = $('status');
  let file = 'input.mimi';
  let last: PlaygroundResult | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstShown = false;
  const analyser = new Analyser(__PLAYGROUND_FILES__, scriptUrl, shown);

  const style = document.createElement('style');
  style.textContent = MATRIX_CSS;
  document.head.append(style);

  const el = (tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    e.append(...children);
    return e;
  };

  function moveCaret(it: Item): void {
    const start = it.start ?? offsetOf(source.value, it.line ?? 1, it.column ?? 1);
    source.focus();
    source.setSelectionRange(start, Math.max(start, it.end ?? start));
    const lineHeight = parseFloat(getComputedStyle(source).lineHeight) || 18;
    source.scrollTop = Math.max(0, ((it.line ?? 1) - 1) * lineHeight - source.clientHeight / 3);
  }

  function renderItems(list: HTMLElement, items: Item[]): void {
    list.replaceChildren(
      ...items.map((it) => {
        const where = it.line !== undefined ? `${it.inSource ? '' : `${it.file}:`}${it.line}:${it.column}` : it.file;
        const button = el(
          'button',
          { type: 'button', title: it.inSource && it.line !== undefined ? 'move the caret here' : where },
          el('span', { class: 'where' }, where),
          ' ',
          el('span', { class: 'code' }, `${it.severity} ${it.code}`),
          ` ${it.message}`,
          ...(it.acknowledged ? [el('div', { class: 'help' }, `acknowledged: ${it.acknowledged}`)] : []),
          ...(it.help ? [el('div', { class: 'help' }, `help: ${it.help}`)] : []),
          ...(it.steps ? [el('ol', { class: 'steps' }, ...it.steps.map((s) => el('li', {}, s)))] : []),
        );
        if (it.inSource && it.line !== undefined) button.addEventListener('click', () => moveCaret(it));
        return el('li', { class: `diagnostic ${it.severity}${it.acknowledged ? ' acknowledged' : ''}`, 'data-code': it.code, ...(it.line !== undefined ? { 'data-line': String(it.line), 'data-column': String(it.column) } : {}) }, button);
      }),
    );
  }

  function renderScenarios(r: PlaygroundResult): void {
    const box = $('scenarios');
    if (r.scenarioError) return box.replaceChildren(el('p', { class: 'fail' }, `the scenarios could not run: ${r.scenarioError}`));
    const ss = r.scenarios ?? [];
    $('scenarios-count').textContent = ss.length ? `${ss.filter((s) => s.passed).length}/${ss.length} passed${r.coverage ? `; coverage ${r.coverage.percent}%` : ''}` : '';
    if (!ss.length) return box.replaceChildren(el('p', { class: 'note' }, 'This source has no `scenario` blocks.'));
    box.replaceChildren(
      ...ss.map((s) =>
        el(
          'div',
          { class: `scenario ${s.passed ? 'passed' : 'failed'}` },
          el('span', { class: s.passed ? 'pass' : 'fail' }, s.passed ? '✓ ' : '✗ '),
          el('span', { class: 'name' }, s.name),
          el('small', {}, ` line ${s.line}`),
          ...(s.error ? [el('div', { class: 'step fail' }, `the given state: ${s.error}`)] : []),
          ...s.steps.map((st) => el('div', { class: `step ${st.passed ? 'pass' : 'fail'}` }, `${st.passed ? '✓' : '✗'} ${st.text}`, el('div', { class: 'help' }, `line ${st.line}: ${st.outcome}`))),
        ),
      ),
    );
  }

  function render(r: PlaygroundResult, ms: number): void {
    renderItems($('diagnostics'), r.diagnostics);
    $('summary').textContent = r.summary;
    status.textContent = `${r.ok ? 'ok' : 'errors'} · ${r.roles} roles · ${r.summary} · analysed in ${Math.round(ms)} ms`;
    status.className = r.ok ? 'ok' : 'errors';
    const stale = !r.ok;
    for (const id of ['graph', 'matrix', 'scenarios', 'wire-hex']) $(id).classList.toggle('stale', stale && last !== undefined);
    $('download-wire').toggleAttribute('disabled', !r.ok || !r.wire);
    if (!r.ok) {
      // the pictures keep the last policy without errors, dimmed
      $('graph-note').dataset.stale = 'true';
      return;
    }
    last = r;
    delete $('graph-note').dataset.stale;
    renderItems($('findings'), r.findings);
    $('findings-count').textContent = `${r.findings.length}`;
    $('graph').innerHTML = r.svg ?? `<p class="note">${r.graphNote ?? ''}</p>`;
    // a large graph's DOT text is shown in part (`mimi-policy graph --format dot` writes all of it)
    const dot = r.dot ?? '';
    $('dot').textContent = dot.length > MAX_DOT_CHARS ? `${dot.slice(0, MAX_DOT_CHARS)}\n… ${(dot.length - MAX_DOT_CHARS).toLocaleString('en-US')} more characters: \`mimi-policy graph --format dot\` writes all of it\n` : dot;
    $('matrix').innerHTML = r.matrixHtml ?? '';
    renderScenarios(r);
    $<HTMLTextAreaElement>('wire-hex').value = r.wire ? toHexText(r.wire) : (r.wireError ?? '');
    $('wire-size').textContent = r.wire ? `${r.wire.length} bytes` : (r.wireError ?? '');
  }

  let requests = 0;
  function analyse(): void {
    const policy = $<HTMLSelectElement>('scenario-policy').value;
    const edits: Record<string, string> = {};
    for (const [p, t] of Object.entries(files)) if (__PLAYGROUND_FILES__[p] !== t) edits[p] = t;
    analyser.run({ id: ++requests, text: source.value, file, edits, ...(policy ? { scenarioPolicy: policy } : {}) });
  }

  function shown(res: Response): void {
    // an answer to an older request than the text now in the editor is still shown (the newest is on its way)
    if (res.error !== undefined || !res.result) {
      status.textContent = `the playground failed on this input: ${res.error ?? 'no result'}`;
      status.className = 'errors';
      return;
    }
    const r = res.result;
    render(r, res.ms);
    $('scenario-policy-row').hidden = !r.scenarioOnly;
    if (!firstShown) {
      firstShown = true;
      // since the navigation started, and since this script started (after the page and the bundle loaded)
      document.body.dataset.firstDiagnosticsMs = String(Math.round(performance.now()));
      document.body.dataset.firstDiagnosticsScriptMs = String(Math.round(performance.now() - started));
    }
    document.body.dataset.analyses = String(Number(document.body.dataset.analyses ?? '0') + 1);
    document.body.dataset.analysedIn = analyser.inWorker ? 'worker' : 'page';
  }

  function schedule(): void {
    clearTimeout(timer);
    timer = setTimeout(analyse, 200);
  }

  function open(path: string, text: string): void {
    file = path;
    // a file of scenarios only runs against its sibling policy by default (kick.scenarios.mimi → kick.single.mimi)
    const sibling = path.replace(/\.scenarios\.mimi$/, '.single.mimi');
    $<HTMLSelectElement>('scenario-policy').value = sibling !== path && files[sibling] !== undefined ? sibling : '';
    files[path] = text;
    source.value = text;
    $('file-name').textContent = path;
    clearTimeout(timer);
    analyse();
  }

  function download(name: string, bytes: Uint8Array | string, type: string): void {
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
    const a = el('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  const baseName = () => file.replace(/^.*\//, '').replace(/\.mimi$/, '');

  function decompileInto(bytes: Uint8Array, name: string, upload = false): void {
    const out = $('decompile-status');
    let d: DecompileResult & { asText?: boolean };
    try {
      d = upload ? openUpload(bytes, name) : decompileWire(bytes, name);
    } catch (e) {
      d = { problems: [e instanceof Error ? e.message : String(e)] };
    }
    if (d.asText) {
      out.textContent = `${name} is text, not wire bytes: opened as source`;
      out.className = 'pass';
      open(name.endsWith('.mimi') ? name : `${name}.mimi`, d.source!);
      return;
    }
    if (d.source === undefined) {
      out.textContent = `${name}: cannot decompile: ${d.problems.join('; ')}`;
      out.className = 'fail';
      return;
    }
    out.textContent = `${name}: ${bytes.length} bytes (${d.kind ?? 'policy'}) decompiled into the editor`;
    out.className = 'pass';
    open(`${name.replace(/\.[^.]*$/, '') || 'decompiled'}.mimi`, d.source);
  }

  // the example selector: examples/ and stdlib/templates/
  const examples = Object.keys(files)
    .filter((p) => p.startsWith('examples/') || p.startsWith('stdlib/templates/'))
    .sort();
  example.replaceChildren(...examples.map((p) => el('option', { value: p }, p)));
  const wanted = new URLSearchParams(location.hash.slice(1)).get('example');
  const first = wanted && examples.includes(wanted) ? wanted : examples.includes('examples/dm.mimi') ? 'examples/dm.mimi' : examples[0];
  example.value = first;
  $('scenario-policy').replaceChildren(el('option', { value: '' }, '(none)'), ...examples.filter((p) => !p.endsWith('.scenarios.mimi')).map((p) => el('option', { value: p }, p)));
  $('scenario-policy').addEventListener('change', analyse);
  example.addEventListener('change', () => open(example.value, __PLAYGROUND_FILES__[example.value] ?? ''));

  source.addEventListener('input', () => {
    files[file] = source.value;
    schedule();
  });
  $('download-wire').addEventListener('click', () => {
    if (last?.wire) download(`${baseName()}.bin`, last.wire, 'application/octet-stream');
  });
  $('download-source').addEventListener('click', () => download(file.replace(/^.*\//, ''), source.value, 'text/plain'));
  $<HTMLInputElement>('wire-file').addEventListener('change', async (ev) => {
    const f = (ev.target as HTMLInputElement).files?.[0];
    if (!f) return;
    if (f.size > MAX_UPLOAD_BYTES) {
      $('decompile-status').textContent = `${f.name}: ${f.size.toLocaleString('en-US')} bytes is more than the page reads (${MAX_UPLOAD_BYTES.toLocaleString('en-US')}); use \`mimi-policy decompile\``;
      $('decompile-status').className = 'fail';
      return;
    }
    decompileInto(new Uint8Array(await f.arrayBuffer()), f.name, true);
  });
  $('decompile-hex').addEventListener('click', () => {
    const text = $<HTMLTextAreaElement>('hex-input').value;
    const h = text.length > 3 * MAX_UPLOAD_BYTES ? { error: `more hex than the page reads (${MAX_UPLOAD_BYTES.toLocaleString('en-US')} bytes); use \`mimi-policy decompile\`` } : parseHex(text);
    if ('error' in h) {
      $('decompile-status').textContent = `hex: ${h.error}`;
      $('decompile-status').className = 'fail';
    } else decompileInto(h.bytes, 'pasted.bin');
  });

  open(first, __PLAYGROUND_FILES__[first] ?? '');
}
