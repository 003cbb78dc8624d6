/**
 * Hover text (Markdown): a capability's code, category and description; a package's capabilities;
 * a role's index, capabilities, constraints, the changes it authorizes and where its users can go.
 */
import { capabilityByCode, capabilityByName, hex16 } from '../../runtime/registry.js';
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
