/**
 * The shapes of the params of the LSP methods this server handles, checked before a handler sees
 * them: a request whose params do not fit is answered with an InvalidParams error that says which
 * field is wrong, a notification is dropped (and logged). Handlers can then rely on the fields they
 * read. Only the fields the server reads are checked; extra fields are allowed, as the protocol
 * wants. Positions may be any integers (out-of-range ones are clamped to the document).
 */

/** The problem with `v` (at path `at`), or undefined when it fits. */
type Shape = (v: unknown, at: string) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : v === undefined ? 'missing' : `a ${typeof v}`);

const str: Shape = (v, at) => (typeof v === 'string' ? undefined : `${at} must be a string, not ${describe(v)}`);
const bool: Shape = (v, at) => (typeof v === 'boolean' ? undefined : `${at} must be a boolean, not ${describe(v)}`);
const int: Shape = (v, at) => (Number.isSafeInteger(v) ? undefined : `${at} must be an integer, not ${typeof v === 'number' ? v : describe(v)}`);
const id: Shape = (v, at) => (typeof v === 'string' || Number.isSafeInteger(v) ? undefined : `${at} must be a request id (an integer or a string)`);
const opt =
  (s: Shape): Shape =>
  (v, at) =>
    v === undefined ? undefined : s(v, at);
const nullable =
  (s: Shape): Shape =>
  (v, at) =>
    v === null ? undefined : s(v, at);
const obj =
  (fields: Record<string, Shape> = {}): Shape =>
  (v, at) => {
    if (!isObject(v)) return `${at} must be an object, not ${describe(v)}`;
    for (const [k, s] of Object.entries(fields)) {
      const problem = s(v[k], `${at}.${k}`);
      if (problem) return problem;
    }
    return undefined;
  };
const arr =
  (s: Shape): Shape =>
  (v, at) => {
    if (!Array.isArray(v)) return `${at} must be an array, not ${describe(v)}`;
    for (let i = 0; i < v.length; i++) {
      const problem = s(v[i], `${at}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };

const code: Shape = (v, at) => (typeof v === 'string' || Number.isSafeInteger(v) ? undefined : `${at} must be a diagnostic code (an integer or a string)`);
const position = obj({ line: int, character: int });
const range = obj({ start: position, end: position });
const textDocument = obj({ uri: str });
const atPosition = obj({ textDocument, position });

const PARAMS: Readonly<Record<string, Shape>> = {
  initialize: obj({ processId: opt(nullable(int)), capabilities: obj() }),
  '$/setTrace': obj({ value: str }),
  '$/cancelRequest': obj({ id }),
  'textDocument/didOpen': obj({ textDocument: obj({ uri: str, version: int, text: str }) }),
  'textDocument/didChange': obj({ textDocument: obj({ uri: str, version: int }), contentChanges: arr(obj({ text: str, range: opt(range) })) }),
  'textDocument/didClose': obj({ textDocument }),
  'textDocument/didSave': obj({ textDocument }),
  'textDocument/willSave': obj({ textDocument }),
  'textDocument/willSaveWaitUntil': obj({ textDocument }),
  'textDocument/hover': atPosition,
  'textDocument/completion': atPosition,
  'textDocument/definition': atPosition,
  'textDocument/prepareRename': atPosition,
  'textDocument/references': obj({ textDocument, position, context: opt(obj({ includeDeclaration: opt(bool) })) }),
  'textDocument/rename': obj({ textDocument, position, newName: str }),
  'textDocument/documentSymbol': obj({ textDocument }),
  'textDocument/formatting': obj({ textDocument, options: obj({ tabSize: int, insertSpaces: bool }) }),
  // a diagnostic's `data` is not checked here: code-actions.ts reads it defensively (and recomputes without it)
  'textDocument/codeAction': obj({ textDocument, range, context: obj({ diagnostics: arr(obj({ range, code: opt(code), source: opt(str) })), only: opt(arr(str)) }) }),
  'textDocument/semanticTokens/full': obj({ textDocument }),
};

/** Why `params` do not fit `method` (e.g. "params.position.line must be an integer, not a string"), or undefined. */
export function checkParams(method: string, params: unknown): string | undefined {
  const shape = Object.hasOwn(PARAMS, method) ? PARAMS[method] : undefined;
  return shape?.(params, 'params');
}
