/**
 * Hover text (Markdown): a capability's code, category and description; a package's capabilities;
 * a role's index, capabilities, constraints, the changes it authorizes and where its users can go.
 */
import { capabilityByCode, capabilityByName, hex16 } from '../../runtime/registry.js';
import type * as A from '../../grammar/index.js';
import type { Policy, Role } from '../../runtime/ir.js';
import type { Symbols } from '../lower.js';
import type { Analysis } from './analysis.js';
import type { Occurrence } from './occurrences.js';

/** Names of roles by index, as the program writes them (`none` for an undeclared role 0). */
export function roleNames(symbols: Symbols, policy: Policy): Map<number, string> {
  const names = new Map<number, string>();
  for (const r of policy.roles) names.set(r.index, r.name);
  for (const [name, r] of symbols.roles) if (r.decl || !names.has(r.index)) names.set(r.index, name);
  if (!names.has(0)) names.set(0, 'none');
  return names;
}

const range = (min: number, max: number | null): string => (max === null ? `${min}..` : min === max ? `${min}` : `${min}..${max}`);

function capabilityNames(codes: readonly number[], symbols: Symbols): string[] {
  const declared = new Map([...symbols.privateCapabilities].map(([n, c]) => [c.code, n]));
  return codes.map((c) => capabilityByCode.get(c)?.name ?? declared.get(c) ?? hex16(c));
}

function roleHover(name: string, role: Role, analysis: Analysis): string {
  const { symbols, policy } = analysis.result;
  const names = roleNames(symbols, policy);
  const n = (i: number) => `\`${names.get(i) ?? `@${i}`}\``;
  const lines = [`**role \`${name}\`** — index ${role.index}${role.name !== name ? `, wire name "${role.name}"` : ''}`];
  if (role.description) lines.push('', role.description);
  const caps = capabilityNames(role.capabilities, symbols);
  lines.push('', `**capabilities** (${caps.length}): ${caps.length ? caps.map((c) => `\`${c}\``).join(', ') : 'none'}`);
  lines.push(`**participants** ${range(role.minParticipants, role.maxParticipants)} · **active** ${range(role.minActive, role.maxActive)}`);
  if (role.changes.length) lines.push(`**authorizes**: ${role.changes.map((c) => `${n(c.from)} → ${c.to.length ? c.to.map(n).join(', ') : '(nothing)'}`).join('; ')}`);
  // where a user of this role can be moved, and by whom (changes entries whose source is this role)
  const moves = new Map<number, number[]>();
  for (const r of policy.roles)
    for (const c of r.changes)
      if (c.from === role.index) for (const t of c.to) moves.set(t, [...(moves.get(t) ?? []), r.index].filter((x, i, a) => a.indexOf(x) === i));
  lines.push(`**can go to**: ${moves.size ? [...moves].map(([to, by]) => `${n(to)} (by ${by.map(n).join(', ')})`).join(', ') : 'nowhere (no role authorizes a change from it)'}`);
  return lines.join('\n');
}

/** The hover of a name occurrence, or undefined when there is nothing to say. */
export function hoverFor(o: Occurrence, analysis: Analysis): string | undefined {
  const { symbols, policy } = analysis.result;
  if (o.ns === 'capability') {
    const cap = capabilityByName.get(o.name);
    if (cap)
      return [`**capability \`${cap.name}\`** — code ${hex16(cap.code)} · category \`${cap.category}\`${cap.reserved ? ' · reserved' : ''}`, '', cap.description].join('\n');
    const priv = symbols.privateCapabilities.get(o.name);
    if (priv) return `**capability \`${o.name}\`** — code ${hex16(priv.code)} · private use (declared in this policy)`;
    const pkg = symbols.packages.get(o.name);
    if (pkg) {
      const caps = capabilityNames(pkg.capabilities, symbols);
      return [
        `**${pkg.required ? 'required ' : ''}package \`${o.name}\`**`,
        ...(pkg.decl.doc ? ['', pkg.decl.doc] : []),
        '',
        `**capabilities** (${caps.length}): ${caps.map((c) => `\`${c}\``).join(', ')}`,
      ].join('\n');
    }
    return undefined;
  }
  const sym = symbols.roles.get(o.name);
  const role = sym && policy.roles.find((r) => r.index === sym.index);
  if (sym && role) return roleHover(o.name, role, analysis);
  const h = symbols.hierarchy;
  if (h && (h.levels.includes(o.name) || h.addons.includes(o.name))) {
    const what = h.levels.includes(o.name) ? `hierarchy level \`${o.name}\` (${h.levels.indexOf(o.name) + 1} of ${h.levels.length}, lowest first)` : `add-on \`${o.name}\``;
    const states = [...symbols.roles].filter(([name]) => name.split('+').includes(o.name)).map(([name, r]) => `\`${name}\` @${r.index}`);
    return [`**${what}**`, '', `**lowered roles** (${states.length}): ${states.join(', ') || 'none'}`].join('\n');
  }
  return undefined;
}

/** What the words of a scenario step mean, for hovering them (the keywords of steps are not names). */
const STEP_WORDS = {
  commit: '**commit** — the changes in `{ … }` are sent as one ParticipantListUpdate by the actor and decided all or nothing (role changes first, then removals, then additions, as on the wire); a denied commit changes nothing.',
  role: '**state check** — passes when the user holds this role after the steps above (`is none`: not in the list).',
  inRoom: '**state check** — `in room`: the user is listed and not in the banned role; `not in room`: the opposite.',
  banned: '**state check** — the user is in the banned role (index 1 named `banned`).',
  clients: '**state check** — the number of clients the user has after the steps above (0 when not listed).',
  list: '**participant list check** — exactly these users, with these roles (and clients where written), in any order.',
  index: '**role index** — the user is listed with this role index, whether or not the policy defines it: a fail-closed test.',
} as const;

/** The hover of a scenario step's own words (`commit`, `is`, `not in room`, `banned`, `clients`, `participants`, `@N`) at `offset`. */
export function stepWordHover(file: A.SourceFile, offset: number): { value: string; start: number; end: number } | undefined {
  const inside = (s: A.Span) => offset >= s.start && offset <= s.end;
  for (const item of file.items) {
    if (item.kind !== 'Scenario' || !inside(item.span)) continue;
    const index = (g: A.GivenEntry) => (g.role.kind === 'IndexRef' && inside(g.role.span) ? { value: STEP_WORDS.index, ...g.role.span } : undefined);
    for (const g of item.given) {
      const h = index(g);
      if (h) return h;
    }
    for (const st of item.steps) {
      if (!inside(st.span)) continue;
      if (st.kind === 'Expect') return st.changes && inside(st.action.span) ? { value: STEP_WORDS.commit, ...st.action.span } : undefined;
      if (st.kind === 'ExpectList') {
        for (const g of st.entries) {
          const h = index(g);
          if (h) return h;
        }
        const first = st.entries[0]?.span.start ?? st.span.end;
        return offset < first ? { value: STEP_WORDS.list, start: st.span.start, end: Math.min(first, st.span.end) } : undefined;
      }
      // the check's words: everything after the user
      if (offset <= st.subject.span.end || st.check.kind === 'unknown') return undefined;
      return { value: STEP_WORDS[st.check.kind], start: st.subject.span.end + 1, end: st.span.end };
    }
  }
  return undefined;
}
