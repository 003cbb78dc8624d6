/**
 * Every place a name is declared or used in a program's files, for go to definition, find
 * references and rename. Two namespaces, as in the language: roles (with hierarchy levels and
 * add-ons, which role references also name) and capabilities (registered and private capabilities
 * and packages share one namespace, docs/language.md "Names").
 */
import type * as A from '../../grammar/index.js';

export type Namespace = 'role' | 'capability';
/** What a declaration declares. */
export type DeclKind = 'role' | 'level' | 'addon' | 'package' | 'capability';

export interface Occurrence {
  readonly ns: Namespace;
  readonly name: string;
  readonly file: string;
  readonly start: number;
  readonly end: number;
  /** set on the declaring occurrence */
  readonly declares?: DeclKind;
}

/** Every occurrence of a role or capability name in `files`, in file and source order. */
export function collectOccurrences(files: readonly A.SourceFile[]): Occurrence[] {
  const out: Occurrence[] = [];
  for (const f of files) {
    const add = (ns: Namespace, id: A.Ident | undefined, declares?: DeclKind) => {
      if (id) out.push({ ns, name: id.name, file: f.file, start: id.span.start, end: id.span.end, ...(declares ? { declares } : {}) });
    };
    /** a role reference; `level + addon` names each part at its own place in the text */
    const role = (r: A.RoleRef | undefined) => {
      if (!r || r.kind !== 'Ident') return;
      if (!r.name.includes('+')) return add('role', r);
      const re = /[A-Za-z_][A-Za-z0-9_]*/g;
      const text = f.text.slice(r.span.start, r.span.end);
      const parts = new Set(r.name.split('+'));
      for (let m = re.exec(text); m; m = re.exec(text))
        if (parts.has(m[0])) out.push({ ns: 'role', name: m[0], file: f.file, start: r.span.start + m.index, end: r.span.start + m.index + m[0].length });
    };
    const grant = (g: A.GrantItem) => g.refs.forEach((r) => add('capability', r));
    const modelItem = (i: A.AddonItem) => {
      if (i.kind === 'Grant') grant(i);
      else if (i.kind === 'GivenBy' || i.kind === 'DroppedBy' || i.kind === 'Requires' || i.kind === 'AddBy') add('role', i.level);
    };
    for (const item of f.items) {
      switch (item.kind) {
        case 'CapabilityDecl':
          add('capability', item.name, 'capability');
          break;
        case 'Package':
          add('capability', item.name, 'package');
          item.includes.forEach((r) => add('capability', r));
          item.members.forEach((r) => add('capability', r));
          break;
        case 'Role':
          add('role', item.name, 'role');
          add('role', item.extends);
          for (const i of item.items) {
            if (i.kind === 'Grant') grant(i);
            else if (i.kind === 'ExactCapabilities') i.refs.forEach((r) => r.kind === 'Ident' && add('capability', r));
            else if (i.kind === 'Changes')
              for (const e of i.entries) {
                role(e.from);
                e.to.forEach(role);
              }
          }
          break;
        case 'Preauth':
          item.entries.forEach((e) => role(e.role));
          break;
        case 'Participants':
          item.entries.forEach((e) => role(e.role));
          break;
        case 'History':
          item.shareBy.forEach(role);
          break;
        case 'Allow':
          role(item.role);
          break;
        case 'Hierarchy':
          for (const l of item.levels) {
            add('role', l.name, 'level');
            l.items.forEach(modelItem);
          }
          for (const s of item.settings) if (s.key !== 'protect') add('role', s.value);
          break;
        case 'Addon':
          add('role', item.name, 'addon');
          item.items.forEach(modelItem);
          break;
        case 'Bans':
          item.settings.forEach((s) => add('role', s.value));
          break;
        case 'Scenario':
          item.given.forEach((g) => role(g.role.kind === 'IndexRef' ? undefined : g.role));
          for (const s of item.steps) {
            if (s.kind === 'ExpectState') {
              if (s.check.kind === 'role') role(s.check.role);
              continue;
            }
            if (s.kind === 'ExpectList') {
              s.entries.forEach((g) => role(g.role.kind === 'IndexRef' ? undefined : g.role));
              continue;
            }
            role(s.to);
            s.changes?.forEach((c) => role(c.to));
            if (s.action.name === 'capability') add('capability', s.target);
          }
          break;
        default:
          break;
      }
    }
  }
  return out;
}

/** The occurrence at `offset` in `file` (a cursor just after a name counts). */
export function occurrenceAt(all: readonly Occurrence[], file: string, offset: number): Occurrence | undefined {
  return all.find((o) => o.file === file && o.start <= offset && offset <= o.end);
}

/** The declarations of a name. */
export const declarationsOf = (all: readonly Occurrence[], o: Pick<Occurrence, 'ns' | 'name'>): Occurrence[] => all.filter((x) => x.ns === o.ns && x.name === o.name && x.declares);

/** Every occurrence of a name, declarations included. */
export const referencesOf = (all: readonly Occurrence[], o: Pick<Occurrence, 'ns' | 'name'>): Occurrence[] => all.filter((x) => x.ns === o.ns && x.name === o.name);
