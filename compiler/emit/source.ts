/**
 * The decompiler: Policy IR → `.mimi` source that reads like hand-written policy and compiles back to
 * exactly the same IR (hence the same wire bytes). It writes explicit `@index`es, recovers `extends`
 * where one role's capability set properly contains another's, names capability groups shared by
 * several roles as `package`s when that shortens the file, and falls back to the verbatim forms
 * (`capabilities [...]`, `credential <code>`, `hex"…"`) whenever the readable form would lower to
 * something else. What the language cannot express at all is a DecompileError, never a silent change.
 */
import { isDeepStrictEqual } from 'node:util';
import { isIdentifier } from '../../grammar/lexer.js';
import { decodeOid, hexUtf8, utf8Hex } from '../../runtime/claims.js';
import { ComponentId, CredentialType, defaultBasePolicy, defaultPolicyComponentIds, type Claim, type Policy, type Role } from '../../runtime/ir.js';
import { capabilityByCode, capabilityByName, hex16, isPrivateUse } from '../../runtime/registry.js';

export interface DecompileOptions {
  /** what the policy was decompiled from (a file name), for the header comment */
  source?: string;
}

/** The policy holds something the `.mimi` language cannot express (the message says what and where). */
export class DecompileError extends Error {
  override name = 'DecompileError';
}

const MODELLED = new Set<number>([ComponentId.participantList, ComponentId.roles, ComponentId.preauth, ComponentId.base, ComponentId.history]);
/** Characters written as `\u{…}` in strings and never put in a `///` comment. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Zl}\p{Zp}\p{Zs}]/u;
/** Text that reads as text: claim ids and values containing any of these are written as hex"…". */
const BINARY = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/u;
const LONE_SURROGATE = /\p{Cs}/u;
const MAX_LINE = 100;

// --- literals ---------------------------------------------------------------------------------------

function checkText(s: string, what: string): void {
  if (LONE_SURROGATE.test(s)) throw new DecompileError(`${what} contains a lone UTF-16 surrogate, which no .mimi string can hold`);
}

/** A string literal with the escapes the lexer knows (\" \\ \n \t \r \u{…}). */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch !== ' ' && INVISIBLE.test(ch)) out += `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase()}}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Bytes (IR hex) as a string literal when they are printable UTF-8 that encodes back identically, else hex"…". */
function bytesLiteral(hex: string): string {
  const text = hexUtf8(hex);
  if (text !== undefined && utf8Hex(text) === hex && !BINARY.test(text)) return quote(text);
  return `hex"${hex}"`;
}

/**
 * The description as `///` lines, when the parser's doc-comment extraction (one leading space dropped
 * per line, lines joined with \n, the whole trimmed) gives back exactly `d`; otherwise undefined.
 */
function docComment(d: string): string[] | undefined {
  if (d === '' || d !== d.trim()) return undefined;
  const lines = d.split('\n');
  for (const line of lines) if (INVISIBLE.test(line.replace(/ /g, '')) || /\s$/.test(line)) return undefined;
  return lines.map((l) => (l === '' ? '///' : `/// ${l}`));
}

function sameArray(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// --- names --------------------------------------------------------------------------------------------

function slug(name: string): string {
  let s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (s === '') s = 'role';
  if (/^[0-9]/.test(s)) s = `role_${s}`;
  if (!isIdentifier(s)) s = `${s}_role`;
  return s;
}

/** per `taken` set, the suffix to try next for each base: names are only ever added, so the search resumes there */
const nextSuffix = new WeakMap<Set<string>, Map<string, number>>();

function unique(base: string, taken: Set<string>): string {
  let next = nextSuffix.get(taken);
  if (!next) nextSuffix.set(taken, (next = new Map()));
  let n = next.get(base);
  let name = n === undefined ? base : `${base}_${n}`;
  for (n ??= 2; taken.has(name) || !isIdentifier(name); n++) name = `${base}_${n}`;
  next.set(base, n);
  taken.add(name);
  return name;
}

/** Role identifiers: the wire name when it is a unique identifier, else a deduplicated slug of it. */
function roleIdentifiers(roles: readonly Role[]): string[] {
  const count = new Map<string, number>();
  for (const r of roles) count.set(r.name, (count.get(r.name) ?? 0) + 1);
  const own = (r: Role) => isIdentifier(r.name) && count.get(r.name) === 1;
  const taken = new Set(roles.filter(own).map((r) => r.name));
  return roles.map((r) => (own(r) ? r.name : unique(slug(r.name), taken)));
}

// --- capabilities ---------------------------------------------------------------------------------

const privateName = (code: number) => `private_${code.toString(16)}`;

/** The name a grant can use for a code, or undefined (neither registered nor private-use). */
function capName(code: number): string | undefined {
  return capabilityByCode.get(code)?.name ?? (isPrivateUse(code) ? privateName(code) : undefined);
}
const capCategory = (code: number): string => capabilityByCode.get(code)?.category ?? 'private';

interface Package {
  name: string;
  codes: number[];
}

interface CapPlan {
  kind: 'empty' | 'grant' | 'exact';
  /** position of the role in the role list */
  role: number;
  /** grant: the parent role (position in the role list) */
  parent?: number;
  /** grant: packages granted, in creation order */
  packages: Package[];
  /** grant: the remaining capabilities, ascending */
  rest: number[];
}

function isStrictlyAscending(xs: readonly number[]): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i] <= xs[i - 1]) return false;
  return true;
}

/** Above this many roles, package mining compares only identical groups (see below). */
const PAIRWISE_LIMIT = 150;
/** Subset tests spent looking for `extends` parents (see planCapabilities): about 0.1 s of work. */
const EXTENDS_TEST_BUDGET = 4_000_000;

function planCapabilities(roles: readonly Role[], ids: readonly string[], reserved: Set<string>): { plans: CapPlan[]; packages: Package[] } {
  const sets = roles.map((r) => new Set(r.capabilities));
  const plans: CapPlan[] = roles.map((r, role) => {
    if (r.capabilities.length === 0) return { kind: 'empty', role, packages: [], rest: [] };
    const grantable = isStrictlyAscending(r.capabilities) && r.capabilities.every((c) => capName(c) !== undefined);
    return { kind: grantable ? 'grant' : 'exact', role, packages: [], rest: [...r.capabilities] };
  });

  // extends: the largest proper subset among the other roles (first in role order on ties).
  // Roles with the same set are searched once, against the distinct sets (each represented by its
  // first role) from the largest down, so the first subset found is the answer; subset tests are on
  // 32-bit words over the codes in use. The search is quadratic in distinct sets at worst, so it stops
  // after EXTENDS_TEST_BUDGET tests: roles not reached by then get plain grants (same IR, less sharing).
  const dense = new Map<number, number>();
  for (const s of sets) for (const c of s) if (!dense.has(c)) dense.set(c, dense.size);
  const words = Math.max(1, Math.ceil(dense.size / 32));
  const keys = sets.map((s) => [...s].sort((a, b) => a - b).join(','));
  const firstWithKey = new Map<string, number>();
  sets.forEach((s, j) => {
    if (s.size > 0 && !firstWithKey.has(keys[j])) firstWithKey.set(keys[j], j);
  });
  const reps = [...firstWithKey.values()].sort((a, b) => sets[b].size - sets[a].size || a - b);
  const masks = new Map<number, Uint32Array>();
  for (const j of reps) {
    const m = new Uint32Array(words);
    for (const c of sets[j]) m[dense.get(c)! >>> 5] |= 1 << (dense.get(c)! & 31);
    masks.set(j, m);
  }
  const isSubset = (a: Uint32Array, b: Uint32Array) => {
    for (let w = 0; w < words; w++) if ((a[w] & ~b[w]) !== 0) return false;
    return true;
  };
  let budget = EXTENDS_TEST_BUDGET;
  const parentOf = new Map<string, number | undefined>();
  const findParent = (i: number): number | undefined => {
    if (parentOf.has(keys[i])) return parentOf.get(keys[i]);
    const size = sets[i].size;
    const mine = masks.get(firstWithKey.get(keys[i])!)!;
    // reps are by size descending: skip to the first one smaller than this set
    let lo = 0;
    let hi = reps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sets[reps[mid]].size >= size) lo = mid + 1;
      else hi = mid;
    }
    let best: number | undefined;
    for (let k = lo; k < reps.length && budget > 0; k++, budget--)
      if (isSubset(masks.get(reps[k])!, mine)) {
        best = reps[k];
        break;
      }
    parentOf.set(keys[i], best);
    return best;
  };
  plans.forEach((plan, i) => {
    if (plan.kind !== 'grant') return;
    const best = findParent(i);
    if (best === undefined) return;
    plan.parent = best;
    plan.rest = plan.rest.filter((c) => !sets[best].has(c));
  });

  // packages: greedily name the group of ≥3 capabilities shared by ≥2 roles that saves the most text
  const packages: Package[] = [];
  const taken = new Set([...reserved, ...ids]);
  const nameCost = (codes: readonly number[]) => codes.reduce((n, c) => n + capName(c)!.length + 2, 0);
  const grantPlans = plans.filter((p) => p.kind === 'grant');
  /** `<role>_caps` when the group is everything a role adds (it reads as "what that role gets"), else by majority category */
  const packageName = (codes: number[], users: CapPlan[]): string => {
    const whole = users.find((p) => p.rest.length === codes.length);
    if (whole) return `${ids[whole.role]}_caps`;
    const count = new Map<string, number>();
    for (const c of codes) count.set(capCategory(c), (count.get(capCategory(c)) ?? 0) + 1);
    const top = [...count].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
    return `${top.replace(/[^a-z0-9]+/g, '_')}_caps`;
  };
  for (;;) {
    const candidates = new Map<string, number[]>();
    if (grantPlans.length <= PAIRWISE_LIMIT) {
      for (let a = 0; a < grantPlans.length; a++)
        for (let b = a + 1; b < grantPlans.length; b++) {
          const rb = new Set(grantPlans[b].rest);
          const shared = grantPlans[a].rest.filter((c) => rb.has(c));
          if (shared.length >= 3) candidates.set(shared.join(','), shared);
        }
    } else {
      // large policies: the pairwise search is quadratic per package, so only groups that several
      // roles add verbatim are named (still deterministic, still only when the file gets shorter)
      const groups = new Map<string, CapPlan[]>();
      for (const p of grantPlans) {
        if (p.rest.length < 3) continue;
        const key = p.rest.join(',');
        const users = groups.get(key);
        if (users) users.push(p);
        else groups.set(key, [p]);
      }
      for (const [key, users] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        const codes = key.split(',').map(Number);
        if (users.length < 2 || users.length * (nameCost(codes) - 16) - (nameCost(codes) + 30) <= 0) continue;
        const pkg: Package = { name: unique(packageName(codes, users), taken), codes };
        packages.push(pkg);
        for (const p of users) {
          p.packages.push(pkg);
          p.rest = [];
        }
      }
      break;
    }
    let best: { codes: number[]; users: CapPlan[]; saving: number } | undefined;
    for (const codes of candidates.values()) {
      const users = grantPlans.filter((p) => codes.every((c) => p.rest.includes(c)));
      if (users.length < 2) continue;
      const PKG_NAME = 14;
      const decl = `package ${'x'.repeat(PKG_NAME)} { }`.length + nameCost(codes) + 2;
      const saving = users.length * (nameCost(codes) - (PKG_NAME + 2)) - decl;
      if (saving <= 0) continue;
      const better =
        !best ||
        saving > best.saving ||
        (saving === best.saving && (codes.length > best.codes.length || (codes.length === best.codes.length && codes.join(',') < best.codes.join(','))));
      if (better) best = { codes, users, saving };
    }
    if (!best) break;
    const pkg: Package = { name: unique(packageName(best.codes, best.users), taken), codes: best.codes };
    packages.push(pkg);
    for (const p of best.users) {
      p.packages.push(pkg);
      p.rest = p.rest.filter((c) => !best!.codes.includes(c));
    }
  }
  return { plans, packages };
}

/** Names as `keyword a, b, c` lines no longer than MAX_LINE (when possible), each group on its own lines. */
function wrapLines(indent: string, keyword: string, groups: string[][], sep = ', '): string[] {
  const out: string[] = [];
  const start = `${indent}${keyword ? `${keyword} ` : ''}`;
  for (const group of groups) {
    let line = '';
    for (const name of group) {
      const next = line === '' ? `${start}${name}` : `${line}${sep}${name}`;
      if (line !== '' && next.length > MAX_LINE) {
        out.push(line);
        line = `${start}${name}`;
      } else line = next;
    }
    if (line !== '') out.push(line);
  }
  return out;
}

function byCategory(codes: readonly number[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const c of codes) {
    const cat = capCategory(c);
    if (!groups.has(cat)) groups.set(cat, []);
    groups.get(cat)!.push(capName(c)!);
  }
  return [...groups.values()];
}

// --- the decompiler ---------------------------------------------------------------------------------

export function decompile(policy: Policy, options: DecompileOptions = {}): string {
  const { base, roles } = policy;
  const out: string[] = [];
  const blank = () => {
    if (out.length > 0 && out[out.length - 1] !== '') out.push('');
  };

  // what the language cannot express
  for (const r of roles) {
    checkText(r.name, `the name of role ${r.index}`);
    checkText(r.description, `the description of role ${r.index}`);
  }
  base.parentRooms.forEach((u) => checkText(u, 'a parent_room'));
  policy.participants?.forEach((p) => checkText(p.user, `a participant id`));
  const defaultComponents = defaultPolicyComponentIds(policy);
  const explicitComponents = !sameArray(base.policyComponentIds, defaultComponents);
  policy.otherComponents.forEach((c, i) => {
    if (MODELLED.has(c.id)) throw new DecompileError(`component ${hex16(c.id)} is carried opaquely, but mimi-policy writes that component itself`);
    if (i > 0 && c.id <= policy.otherComponents[i - 1].id) throw new DecompileError(`the other components are not in strictly ascending id order at ${hex16(c.id)} (lowering sorts them)`);
  });
  const h = policy.history;
  if (h && h.sharing === 'forbidden' && (h.rolesThatCanShare.length > 0 || h.automaticallyShare || h.maxTimePeriod !== 0))
    throw new DecompileError('a forbidden history policy has sharing settings, which `history forbidden` cannot carry');

  const ids = roleIdentifiers(roles);
  const firstByIndex = new Map<number, number>();
  roles.forEach((r, i) => {
    if (!firstByIndex.has(r.index)) firstByIndex.set(r.index, i);
  });
  const roleRef = (index: number, where: string): string => {
    if (index === 0) return 'none';
    const i = firstByIndex.get(index);
    if (i === undefined) throw new DecompileError(`${where} names role ${index}, which no role defines (a role can only be named by its identifier)`);
    return ids[i];
  };

  // header
  const source = options.source?.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ');
  out.push(`// decompiled by mimi-policy${source ? ` from ${source}` : ''}`);
  out.push('');

  // room
  const d = defaultBasePolicy();
  const room: string[] = [];
  const bool = (key: string, v: boolean, dv: boolean) => v !== dv && room.push(`  ${key} ${v}`);
  bool('fixed_membership', base.fixedMembership, d.fixedMembership);
  bool('parent_dependant', base.parentDependant, d.parentDependant);
  for (const u of base.parentRooms) room.push(`  parent_room ${quote(u)}`);
  bool('multi_device', base.multiDevice, d.multiDevice);
  if (base.maxClients !== null) room.push(`  max_clients ${base.maxClients}`);
  if (base.maxUsers !== null) room.push(`  max_users ${base.maxUsers}`);
  bool('pseudonyms_allowed', base.pseudonymsAllowed, d.pseudonymsAllowed);
  bool('persistent_room', base.persistentRoom, d.persistentRoom);
  bool('discoverable', base.discoverable, d.discoverable);
  if (explicitComponents) room.push(`  components [${base.policyComponentIds.map(hex16).join(', ')}]`);
  if (room.length > 0) out.push('room {', ...room, '}');

  // private-use capabilities
  const privateCodes = [...new Set(roles.flatMap((r) => r.capabilities).filter(isPrivateUse))].sort((a, b) => a - b);
  if (privateCodes.length > 0) {
    blank();
    for (const c of privateCodes) out.push(`capability ${privateName(c)} = 0x${c.toString(16).toUpperCase()}`);
  }

  // capability plans and packages
  const reserved = new Set([...capabilityByName.keys(), ...privateCodes.map(privateName)]);
  const { plans, packages } = planCapabilities(roles, ids, reserved);
  if (packages.length > 0) {
    blank();
    for (const p of packages) {
      const names = p.codes.map((c) => capName(c)!);
      const oneLine = `package ${p.name} { ${names.join(' ')} }`;
      if (oneLine.length <= MAX_LINE) out.push(oneLine);
      else out.push(`package ${p.name} {`, ...wrapLines('  ', '', byCategory(p.codes), ' '), '}');
    }
  }

  // roles
  roles.forEach((r, i) => {
    blank();
    const doc = docComment(r.description);
    if (doc) out.push(...doc);
    const plan = plans[i];
    out.push(`role ${ids[i]} @${r.index}${plan.parent !== undefined ? ` extends ${ids[plan.parent]}` : ''} {`);
    if (ids[i] !== r.name) out.push(`  name ${quote(r.name)}`);
    if (!doc && r.description !== '') out.push(`  description ${quote(r.description)}`);
    if (plan.kind === 'grant') {
      const groups = [...(plan.packages.length > 0 ? [plan.packages.map((p) => p.name)] : []), ...byCategory(plan.rest)];
      out.push(...wrapLines('  ', 'grant', groups));
    } else if (plan.kind === 'exact') {
      const names = r.capabilities.map((c) => capName(c) ?? hex16(c));
      const why = isStrictlyAscending(r.capabilities) ? 'codes with no name' : 'wire order kept';
      out.push(`  capabilities [${names.join(', ')}]   // exact list: ${why}`);
    }
    const range = (key: string, min: number, max: number | null) => {
      if (min === 0 && max === null) return;
      out.push(`  ${key} ${max === null ? `${min}..` : min === max ? `${min}` : `${min}..${max}`}`);
    };
    range('participants', r.minParticipants, r.maxParticipants);
    range('active', r.minActive, r.maxActive);
    if (r.changes.length > 0) {
      out.push('  changes {');
      for (const ch of r.changes) {
        const where = `a change of role ${quote(r.name)} (${r.index})`;
        out.push(`    ${roleRef(ch.from, where)} -> ${ch.to.length === 0 ? '[]' : ch.to.map((t) => roleRef(t, where)).join(', ')}`);
      }
      out.push('  }');
    }
    out.push('}');
  });

  // preauth
  if (policy.preauth !== null) {
    blank();
    if (policy.preauth.length === 0) out.push('preauth { }');
    else {
      out.push('preauth {');
      policy.preauth.forEach((e, k) => {
        const i = firstByIndex.get(e.role.index);
        if (i === undefined || !isDeepStrictEqual(roles[i], e.role))
          throw new DecompileError(
            `preauth entry ${k + 1} embeds a role ${e.role.index} that ${i === undefined ? 'the role list does not define' : 'differs from the role list'}; the language can only name a declared role`,
          );
        out.push(`  ${ids[i]} when ${e.claims.length === 0 ? 'anyone' : e.claims.map(claimText).join(' and ')}`);
      });
      out.push('}');
    }
  }

  // participants
  if (policy.participants !== null) {
    blank();
    if (policy.participants.length === 0) out.push('participants { }');
    else {
      out.push('participants {');
      for (const p of policy.participants) out.push(`  ${quote(p.user)}: ${roleRef(p.role, `participant ${quote(p.user)}`)}`);
      out.push('}');
    }
  }

  // history
  if (h) {
    blank();
    const settings: string[] = [];
    if (h.sharing !== 'forbidden') {
      if (h.rolesThatCanShare.length > 0) settings.push(`  share_by ${h.rolesThatCanShare.map((x) => roleRef(x, 'history share_by')).join(', ')}`);
      if (h.automaticallyShare) settings.push('  automatic true');
      if (h.maxTimePeriod !== 0) settings.push(`  max_period ${h.maxTimePeriod}`);
    }
    if (settings.length === 0) out.push(`history ${h.sharing}`);
    else out.push(`history ${h.sharing} {`, ...settings, '}');
  }

  // other components
  if (policy.otherComponents.length > 0) {
    blank();
    for (const c of policy.otherComponents) out.push(`component ${hex16(c.id)} hex"${c.data}"`);
  }

  return `${out.join('\n')}\n`;
}

function claimText(c: Claim): string {
  const value = bytesLiteral(c.value);
  if (c.credentialType === CredentialType.basic && c.id === '') return `basic = ${value}`;
  if (c.credentialType === CredentialType.x509) {
    const oid = c.id === '' ? undefined : decodeOid(c.id);
    return `x509 ${oid !== undefined ? quote(oid) : `hex"${c.id}"`} = ${value}`;
  }
  return `credential ${hex16(c.credentialType)}${c.id === '' ? '' : ` ${bytesLiteral(c.id)}`} = ${value}`;
}
