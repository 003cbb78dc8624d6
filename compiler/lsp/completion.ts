/**
 * Completion in context. The text before the cursor says where it is (which block, which item, after
 * which keyword); the last compile of the document says which roles, packages and private
 * capabilities exist. Works on text that does not parse — the usual state of a buffer being typed.
 */
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver';
import { capabilities } from '../../runtime/registry.js';
import { FINDING_KINDS } from '../analyses/index.js';
import type { Symbols } from '../lower.js';

const ITEM_KEYWORDS = ['import', 'room', 'capability', 'credential', 'package', 'required package', 'role', 'preauth', 'participants', 'history', 'component', 'allow', 'hierarchy', 'addon', 'bans', 'scenario'];
const ROOM_KEYWORDS = ['fixed_membership', 'parent_dependant', 'parent_room', 'multi_device', 'max_clients', 'max_users', 'pseudonyms_allowed', 'persistent_room', 'discoverable', 'components'];
const ROLE_KEYWORDS = ['name', 'description', 'grant', 'capabilities', 'participants', 'active', 'changes'];
const HISTORY_KEYWORDS = ['share_by', 'automatic', 'max_period'];
const HIERARCHY_KEYWORDS = ['level', 'protect', 'entry', 'add_by', 'remove_by', 'kick_by', 'leave', 'open_join'];
const LEVEL_KEYWORDS = ['grant', 'participants', 'active', 'given_by', 'dropped_by', 'add_by', 'self_drop'];
const ADDON_KEYWORDS = ['grant', 'participants', 'active', 'requires', 'given_by', 'dropped_by', 'self_assign', 'self_drop'];
const BANS_KEYWORDS = ['by', 'unban_by', 'members_only', 'reasons', 'expiry'];
const CLAIM_KEYWORDS = ['x509', 'jwt', 'cwt', 'basic', 'credential'];
const ACTIONS = ['add', 'remove', 'changeRole', 'ban', 'unban', 'kick', 'leave', 'removeOwnClient', 'addOwnClient', 'changeOwnRole', 'join', 'capability'];
/** the changes of a scenario's `commit { … }` */
const COMMIT_CHANGES = ['add', 'remove', 'changeRole', 'ban', 'unban'];
/** what may follow `expect <user>`: a state check */
const STATE_CHECKS = ['is', 'in room', 'not in room', 'banned', 'not banned', 'clients'];
const BLOCK_KEYWORDS = new Set(['role', 'package', 'room', 'changes', 'preauth', 'participants', 'history', 'hierarchy', 'level', 'addon', 'bans', 'scenario', 'given', 'claims', 'commit']);
const LEVEL_REF_KEYWORDS = new Set(['given_by', 'dropped_by', 'requires', 'entry', 'add_by', 'remove_by', 'kick_by', 'by', 'unban_by']);
const BOOL_SETTINGS = new Set(['fixed_membership', 'parent_dependant', 'multi_device', 'pseudonyms_allowed', 'persistent_room', 'discoverable', 'automatic']);

/** The text with comments and string contents blanked out (same length, line breaks kept). */
function codeOnly(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (text[i] === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      const stop = Math.min(text.length, j + 1);
      out += `"${' '.repeat(Math.max(0, stop - i - 2))}${stop - i >= 2 ? '"' : ''}`;
      i = stop;
    } else out += text[i++];
  }
  return out;
}

const words = (s: string): string[] => s.match(/->|[A-Za-z_][A-Za-z0-9_]*|[:@,+\[\]=;]|\d[\w]*/g) ?? [];

export interface CompletionContext {
  /** the keyword of the innermost open block (`role`, `changes` …), or `file` at the top level */
  block: string;
  /** the tokens of the current item before the cursor (the word being typed excluded) */
  tokens: string[];
}

/** Where the cursor is. */
export function completionContext(text: string, offset: number): CompletionContext {
  const code = codeOnly(text.slice(0, offset));
  // the innermost unmatched `{` and the block keyword before it
  let depth = 0;
  let open = -1;
  for (let i = code.length - 1; i >= 0; i--) {
    if (code[i] === '}') depth++;
    else if (code[i] === '{') {
      if (depth === 0) {
        open = i;
        break;
      }
      depth--;
    }
  }
  let block = 'file';
  if (open >= 0) {
    const before = code.slice(Math.max(code.lastIndexOf('{', open - 1), code.lastIndexOf('}', open - 1)) + 1, open);
    block = [...words(before)].reverse().find((w) => BLOCK_KEYWORDS.has(w)) ?? 'file';
  }
  // the current item: this line (or, after a trailing comma, the lines it continues)
  const segment = code.slice(open + 1);
  const lines = segment.split('\n');
  let current = lines.pop() ?? '';
  while (lines.length && /,\s*$/.test(lines[lines.length - 1]) && words(current).length <= 1) current = `${lines.pop()!} ${current}`;
  // an item closed on this line (`changes { a -> b }`) is done: what follows starts a new one
  let tokens = words(current.slice(current.lastIndexOf('}') + 1));
  if (/[A-Za-z0-9_]$/.test(code)) tokens = tokens.slice(0, -1);
  return { block, tokens };
}

const items = (labels: readonly string[], kind: CompletionItemKind, detail?: string): CompletionItem[] => labels.map((label) => ({ label, kind, ...(detail ? { detail } : {}) }));

function roleItems(symbols: Symbols, withNone: boolean): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (const [name, r] of symbols.roles) if (r.decl || !symbols.hierarchy) out.push({ label: name, kind: CompletionItemKind.Class, detail: `role @${r.index}` });
  if (symbols.hierarchy) {
    out.push(...items(symbols.hierarchy.levels, CompletionItemKind.EnumMember, 'hierarchy level'));
    out.push(...items(symbols.hierarchy.addons, CompletionItemKind.EnumMember, 'add-on'));
  }
  if (withNone && !symbols.roles.has('none')) out.push({ label: 'none', kind: CompletionItemKind.Keyword, detail: 'role index 0' });
  return out;
}

function levelItems(symbols: Symbols): CompletionItem[] {
  return items(symbols.hierarchy?.levels ?? [], CompletionItemKind.EnumMember, 'hierarchy level');
}

function capabilityItems(symbols: Symbols, withPackages: boolean): CompletionItem[] {
  const out: CompletionItem[] = capabilities.map((c) => ({
    label: c.name,
    kind: CompletionItemKind.Constant,
    detail: `${c.category} · 0x${c.code.toString(16).padStart(4, '0')}${c.reserved ? ' · reserved' : ''}`,
    documentation: c.description,
    ...(c.reserved ? { sortText: `~${c.name}` } : {}),
  }));
  for (const [name, c] of symbols.privateCapabilities) out.push({ label: name, kind: CompletionItemKind.Constant, detail: `private · 0x${c.code.toString(16)}` });
  if (withPackages)
    for (const [name, p] of symbols.packages) out.push({ label: name, kind: CompletionItemKind.Module, detail: `${p.required ? 'required ' : ''}package (${p.capabilities.length} capabilities)`, ...(p.decl.doc ? { documentation: p.decl.doc } : {}) });
  return out;
}

/** The completions at `offset` in `text`, given what the last compile declared. */
export function completions(text: string, offset: number, symbols: Symbols): CompletionItem[] {
  const { block, tokens } = completionContext(text, offset);
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  const kw = (labels: readonly string[]) => items(labels, CompletionItemKind.Keyword);

  if (last === 'extends') return roleItems(symbols, false);
  if (last === 'includes' || (block === 'file' && first === 'package' && tokens.includes('includes'))) return capabilityItems(symbols, true).filter((i) => i.kind === CompletionItemKind.Module);
  if (last && LEVEL_REF_KEYWORDS.has(last)) return levelItems(symbols);
  if (first === 'grant') return [...capabilityItems(symbols, true), ...(block === 'level' || block === 'addon' ? kw(['all']) : [])];
  if (first === 'capabilities') return capabilityItems(symbols, false);
  if (first === 'share_by') return roleItems(symbols, false);
  if (last && BOOL_SETTINGS.has(last)) return kw(['true', 'false']);
  if (last === 'protect') return kw(['strictly_lower', 'lower_or_equal', 'none']);
  if (last === 'history') return kw(['optional', 'required', 'forbidden']);
  if (last === 'import') return [{ label: '"std/packages"', kind: CompletionItemKind.Module, detail: 'standard capability packages' }];
  if (first === 'allow') {
    if (tokens.length === 1) return items(FINDING_KINDS, CompletionItemKind.EnumMember, 'kind of finding');
    if (last === 'for') return roleItems(symbols, true);
    return tokens.includes('for') ? kw(['because']) : kw(['for']);
  }
  if (first === 'expect') {
    if (tokens.length === 1) return kw(['allow', 'deny', 'participants']);
    // `expect <user> …`: a state check
    if (tokens[1] !== 'allow' && tokens[1] !== 'deny') {
      if (tokens.length === 2) return items(STATE_CHECKS, CompletionItemKind.Keyword, 'state check');
      if (last === 'is') return roleItems(symbols, true);
      return [];
    }
    if (tokens.length === 3) return [...items(ACTIONS, CompletionItemKind.Function, 'action'), { label: 'commit', kind: CompletionItemKind.Function, detail: 'several changes as one update' }];
    if (last === 'to') return roleItems(symbols, true);
    if (last === 'via') return kw(['open', 'preauth', 'code']);
    if (last === 'capability') return capabilityItems(symbols, false);
    return kw(['to', 'via', 'clients']);
  }

  switch (block) {
    case 'file':
      return tokens.length === 0 ? kw(ITEM_KEYWORDS) : [];
    case 'room':
      return tokens.length === 0 ? kw(ROOM_KEYWORDS) : [];
    case 'role':
      return tokens.length === 0 ? kw(ROLE_KEYWORDS) : [];
    case 'package':
      return capabilityItems(symbols, true);
    case 'changes':
      return roleItems(symbols, true);
    case 'preauth':
      if (tokens.length === 0) return roleItems(symbols, true);
      if (last === 'when') return [...kw(CLAIM_KEYWORDS), ...kw(['anyone'])];
      if (last === 'and') return kw(CLAIM_KEYWORDS);
      return tokens.includes('when') ? kw(['and']) : kw(['when']);
    case 'claims':
      return kw([...CLAIM_KEYWORDS, 'and']);
    case 'participants':
    case 'given':
      if (last === ':' || last === '+') return roleItems(symbols, block === 'given');
      return block === 'given' && tokens.length >= 3 ? kw(['clients', 'claims']) : [];
    case 'history':
      return tokens.length === 0 ? kw(HISTORY_KEYWORDS) : [];
    case 'hierarchy':
      return tokens.length === 0 ? kw(HIERARCHY_KEYWORDS) : [];
    case 'level':
      return tokens.length === 0 ? kw(LEVEL_KEYWORDS) : [];
    case 'addon':
      return tokens.length === 0 ? kw(ADDON_KEYWORDS) : [];
    case 'bans':
      return tokens.length === 0 ? kw(BANS_KEYWORDS) : [];
    case 'scenario':
      return tokens.length === 0 ? kw(['given', 'expect']) : [];
    case 'commit': {
      // the change being typed: after the last `;` or `,`
      const change = tokens.slice(Math.max(tokens.lastIndexOf(';'), tokens.lastIndexOf(',')) + 1);
      if (change.length === 0) return items(COMMIT_CHANGES, CompletionItemKind.Function, 'change');
      if (change[change.length - 1] === 'to') return roleItems(symbols, true);
      return change.length === 2 && change[0] !== 'remove' && change[0] !== 'ban' ? kw(['to']) : [];
    }
    default:
      return [];
  }
}
