/**
 * Lowering: the checked program (all files, imports first) → the policy IR plus its provenance side
 * table. Name resolution happens here, so every unresolved name is reported with a suggestion. The
 * rules that decide the wire output (role indexes, capability order, component list) are the ones in
 * docs/language.md, "Rules that decide the wire output".
 */
import * as A from '../grammar/index.js';
import { encodeCborKey, encodeOid, utf8Hex } from '../runtime/claims.js';
import { diagnostic, type Diagnostic, type DiagnosticKind } from '../runtime/diagnostics.js';
import {
  changeKey,
  ComponentId,
  CredentialType,
  defaultBasePolicy,
  defaultPolicyComponentIds,
  emptyProvenance,
  U16_MAX,
  U32_MAX,
  type BaseRoomPolicy,
  type Claim,
  type HistoryPolicy,
  type OpaqueComponent,
  type Policy,
  type PreAuthEntry,
  type Provenance,
  type Role,
  type SourceSpan,
  type UserRolePair,
} from '../runtime/ir.js';
import { capabilityByName, hex16, isPrivateUse, PRIVATE_USE_MAX, PRIVATE_USE_MIN } from '../runtime/registry.js';
import { didYouMean } from '../runtime/suggest.js';
import { ACTION_TYPES, ACTIONS, JOIN_VIAS, type ActionType, type JoinVia } from '../runtime/semantics.js';
import { DEFAULT_MAX_LOWERED_ROLES, lowerHierarchy, type LoweringSize } from './lower-hierarchy.js';

/** What the program declares, by name (for editors, the decompiler and later phases). */
export interface Symbols {
  privateCapabilities: Map<string, { code: number; span: SourceSpan }>;
  packages: Map<string, { decl: A.PackageDecl; span: SourceSpan; capabilities: number[]; required: boolean }>;
  /** declared roles (`decl` set) and, in a hierarchy room, the lowered ones (`decl` absent) */
  roles: Map<string, { index: number; span: SourceSpan; decl?: A.RoleDecl }>;
  /** set when the room is written in the multi-role model */
  hierarchy?: { stateCount: number; bound: number; levels: string[]; addons: string[]; /** predicted before lowering: roles, change targets, RoleData bytes (about) */ size: LoweringSize };
  credentialTypes: Map<string, number>;
  roomName?: string;
}

/** An `allow` line: a finding of `kind` about `role` that the author acknowledges. */
export interface Acknowledgement {
  /** the finding kind as written (validated against the analyses' registry by the analysis phase) */
  kind: string;
  kindSpan: SourceSpan;
  /** role index (0 for `none`) */
  role: number;
  reason: string;
  span: SourceSpan;
}

/** A scenario, resolved but model-independent: roles stay names, so it can run against any policy. */
export interface ScenarioIR {
  name: string;
  span: SourceSpan;
  given: { user: string; role: string; clients: number; claims: Claim[]; span: SourceSpan }[];
  steps: ScenarioStepIR[];
}
export interface ScenarioStepIR {
  allow: boolean;
  actor: string;
  type: ActionType;
  target?: string;
  /** destination role name (`none` = 0) */
  to?: string;
  via?: JoinVia;
  clients?: number;
  capability?: string;
  span: SourceSpan;
  /** the step as written, for reports */
  text: string;
}

export interface LowerResult {
  policy: Policy;
  scenarios: ScenarioIR[];
  acknowledgements: Acknowledgement[];
  provenance: Provenance;
  symbols: Symbols;
  diagnostics: Diagnostic[];
}

/** how many distinct "did you mean" suggestions one lowering computes (see `hint`) */
const SUGGESTION_BUDGET = 256;

const MODELLED_COMPONENTS = new Set<number>([ComponentId.participantList, ComponentId.roles, ComponentId.preauth, ComponentId.base, ComponentId.history]);

export interface LowerOptions {
  /** refuse hierarchies that lower to more roles than this (default 4,096) */
  maxLoweredRoles?: number;
  /** refuse hierarchies whose lowered roles hold more authorized role-change targets than this (default 1,000,000) */
  maxLoweredTargets?: number;
}

export function lower(files: readonly A.SourceFile[], options: LowerOptions = {}): LowerResult {
  const diagnostics: Diagnostic[] = [];
  const lineMaps = new Map<string, A.LineMap>();
  const fileOf = new Map<A.Item, A.SourceFile>();
  for (const f of files) {
    lineMaps.set(f.file, new A.LineMap(f.text));
    for (const item of f.items) fileOf.set(item, f);
  }
  let currentFile = files[0]?.file ?? '<input>';
  const at = (span: A.Span, file = currentFile): SourceSpan => A.toSourceSpan(lineMaps.get(file) ?? new A.LineMap(''), file, span);
  const report = (kind: DiagnosticKind, message: string, span: A.Span, extra: Parameters<typeof diagnostic>[4] = {}) =>
    diagnostics.push(diagnostic(kind, message, currentFile, at(span), extra));
  const items = files.flatMap((f) => f.items);
  const inFile = <T extends A.Item>(item: T, fn: (item: T) => void) => {
    currentFile = fileOf.get(item)?.file ?? currentFile;
    fn(item);
  };
  const u32 = (lit: A.IntLit, what: string): number | undefined => {
    if (lit.value > U32_MAX) {
      report('value-out-of-range', `${what} \`${lit.text}\` does not fit in a uint32`, lit.span);
      return undefined;
    }
    return lit.value;
  };
  const u16 = (lit: A.IntLit, what: string): number | undefined => {
    if (lit.value > U16_MAX) {
      report('value-out-of-range', `${what} \`${lit.text}\` does not fit in a uint16`, lit.span);
      return undefined;
    }
    return lit.value;
  };

  const provenance = emptyProvenance();
  const symbols: Symbols = { privateCapabilities: new Map(), packages: new Map(), roles: new Map(), credentialTypes: new Map() };
  /** first declaration of each name in the grant namespace (capabilities and packages), for duplicate checks */
  const grantNames = new Map<string, SourceSpan>();
  const duplicate = (what: string, name: A.Ident, first: SourceSpan) =>
    report('duplicate-declaration', `${what} \`${name.name}\` is already declared`, name.span, { labels: [{ span: first, message: 'first declared here' }] });
  /**
   * `didYouMean`, remembered per (candidate set, name) and computed at most SUGGESTION_BUDGET times:
   * each call is linear in the candidates (every role name, in a big policy), so a policy with
   * thousands of unknown names must not cost thousands × roles edit distances. Past the budget the
   * help is left out (rendering keeps only the first diagnostics of each code anyway).
   */
  const suggestions = new Map<string, string | undefined>();
  const hint = (set: string, name: string, candidates: () => Iterable<string>): string | undefined => {
    const key = `${set}\u0000${name}`;
    if (suggestions.has(key)) return suggestions.get(key);
    const help = suggestions.size < SUGGESTION_BUDGET ? didYouMean(name, candidates()) : undefined;
    suggestions.set(key, help);
    return help;
  };

  // --- private capabilities and credential types ---------------------------------------------
  const privateByCode = new Map<number, string>();
  for (const item of items) {
    if (item.kind === 'CapabilityDecl')
      inFile(item, (d) => {
        const code = d.code.value;
        if (capabilityByName.has(d.name.name)) {
          report('duplicate-declaration', `\`${d.name.name}\` is a registered capability (${hex16(capabilityByName.get(d.name.name)!.code)})`, d.name.span, { help: 'registered capabilities need no declaration; pick another name for a private one' });
          return;
        }
        const first = grantNames.get(d.name.name);
        if (first) return duplicate('capability', d.name, first);
        if (code < PRIVATE_USE_MIN || code > PRIVATE_USE_MAX) {
          report('private-capability-range', `capability code \`${d.code.text}\` is outside the private-use range`, d.code.span, {
            help: `declared capabilities use ${hex16(PRIVATE_USE_MIN)}–${hex16(PRIVATE_USE_MAX)}; registered ones need no declaration`,
          });
          return;
        }
        const clash = privateByCode.get(code);
        if (clash !== undefined) {
          report('duplicate-declaration', `capability code \`${d.code.text}\` is already used by \`${clash}\``, d.code.span, { labels: [{ span: symbols.privateCapabilities.get(clash)!.span, message: 'declared here' }] });
          return;
        }
        const span = at(d.name.span);
        symbols.privateCapabilities.set(d.name.name, { code, span });
        privateByCode.set(code, d.name.name);
        grantNames.set(d.name.name, span);
      });
    if (item.kind === 'CredentialDecl')
      inFile(item, (d) => {
        if (symbols.credentialTypes.has(d.name.name)) return report('duplicate-declaration', `credential type \`${d.name.name}\` is already declared`, d.name.span);
        const code = u16(d.code, 'credential type');
        if (code !== undefined) symbols.credentialTypes.set(d.name.name, code);
      });
  }
  const capabilityCode = (name: string): number | undefined => capabilityByName.get(name)?.code ?? symbols.privateCapabilities.get(name)?.code;
  const declaredPrivate = privateByCode;

  // --- packages --------------------------------------------------------------------------------
  const packageDecls = new Map<string, { decl: A.PackageDecl; file: string }>();
  for (const item of items) {
    if (item.kind !== 'Package') continue;
    inFile(item, (d) => {
      const first = grantNames.get(d.name.name);
      if (first || capabilityByName.has(d.name.name)) return duplicate(capabilityByName.has(d.name.name) ? 'capability' : 'name', d.name, first ?? at(d.name.span));
      grantNames.set(d.name.name, at(d.name.span));
      packageDecls.set(d.name.name, { decl: d, file: currentFile });
    });
  }
  const allGrantNames = () => [...capabilityByName.keys(), ...symbols.privateCapabilities.keys(), ...packageDecls.keys()];
  const capabilityNames = () => [...capabilityByName.keys(), ...symbols.privateCapabilities.keys()];
  const expanded = new Map<string, Set<number>>();
  const expandPackage = (name: string, stack: string[]): Set<number> => {
    const done = expanded.get(name);
    if (done) return done;
    const entry = packageDecls.get(name)!;
    const saved = currentFile;
    currentFile = entry.file;
    const out = new Set<number>();
    const visitRef = (ref: A.Ident, mustBePackage: boolean) => {
      if (packageDecls.has(ref.name)) {
        if (stack.includes(ref.name)) {
          report('package-cycle', `package cycle: ${[...stack.slice(stack.indexOf(ref.name)), ref.name].join(' → ')}`, ref.span);
          return;
        }
        for (const c of expandPackage(ref.name, [...stack, ref.name])) out.add(c);
        currentFile = entry.file;
        return;
      }
      const code = mustBePackage ? undefined : capabilityCode(ref.name);
      if (code !== undefined) return void out.add(code);
      report(mustBePackage ? 'unknown-package' : 'unknown-capability', mustBePackage ? `unknown package \`${ref.name}\`` : `unknown capability or package \`${ref.name}\``, ref.span, {
        help: mustBePackage ? hint('package', ref.name, () => packageDecls.keys()) : hint('grant', ref.name, allGrantNames),
      });
    };
    for (const inc of entry.decl.includes) visitRef(inc, true);
    for (const m of entry.decl.members) visitRef(m, false);
    expanded.set(name, out);
    currentFile = saved;
    symbols.packages.set(name, { decl: entry.decl, span: at(entry.decl.name.span, entry.file), capabilities: [...out].sort((a, b) => a - b), required: entry.decl.required });
    return out;
  };
  for (const name of packageDecls.keys()) expandPackage(name, [name]);

  // --- roles: names and indexes ----------------------------------------------------------------
  const roleDecls: { decl: A.RoleDecl; file: string }[] = [];
  const roleDeclByName = new Map<string, { decl: A.RoleDecl; file: string }>();
  for (const item of items) {
    if (item.kind !== 'Role') continue;
    inFile(item, (d) => {
      const first = symbols.roles.get(d.name.name);
      if (first) return duplicate('role', d.name, first.span);
      symbols.roles.set(d.name.name, { index: -1, span: at(d.name.span), decl: d });
      const entry = { decl: d, file: currentFile };
      roleDecls.push(entry);
      roleDeclByName.set(d.name.name, entry);
    });
  }
  const taken = new Set<number>();
  for (const { decl, file } of roleDecls) {
    currentFile = file;
    if (!decl.index) continue;
    const idx = u32(decl.index, 'role index');
    if (idx === undefined) continue;
    symbols.roles.get(decl.name.name)!.index = idx;
    taken.add(idx);
  }
  let next = 2;
  for (const { decl } of roleDecls) {
    const sym = symbols.roles.get(decl.name.name)!;
    if (decl.index) continue;
    if (decl.name.name === 'banned' && !taken.has(1)) sym.index = 1;
    else {
      while (taken.has(next)) next++;
      sym.index = next;
    }
    taken.add(sym.index);
  }
  const roleNames = () => [...symbols.roles.keys(), 'none'];
  /** a hierarchy that was not lowered (refused, or with errors): names of its roles are not unknown, only not built */
  let hierarchyNotLowered = false;
  const resolveRole = (ref: A.RoleRef): number | undefined => {
    if (ref.kind === 'NoneRef') return 0;
    const sym = symbols.roles.get(ref.name);
    if (sym && sym.index >= 0) return sym.index;
    if (hierarchyNotLowered) return undefined;
    report('unknown-role', `unknown role \`${ref.name}\``, ref.span, {
      help: hint('role', ref.name, roleNames) ?? (ref.name === 'banned' ? 'declare `role banned @1 { active 0..0 }` to use the banned role' : undefined),
    });
    return undefined;
  };

  // --- roles: capabilities (extends, grants, packages) --------------------------------------------
  type RoleCaps = { caps: number[]; grants: Map<number, SourceSpan>; inherited: Set<number> };
  const roleCaps = new Map<string, RoleCaps>();
  /**
   * A role's capabilities. The `extends` chain above it is walked iteratively and resolved from the
   * top down, so a long chain costs neither deep recursion nor a copied stack per level.
   */
  const resolveRoleCaps = (name: string): RoleCaps => {
    const memo = roleCaps.get(name);
    if (memo) return memo;
    const chain = [name];
    const onChain = new Set(chain);
    for (let d = roleDeclByName.get(name)!.decl; ; ) {
      const parent = d.extends?.name;
      if (parent === undefined || d.items.some((i) => i.kind === 'ExactCapabilities') || !roleDeclByName.has(parent) || roleCaps.has(parent) || onChain.has(parent)) break;
      chain.push(parent);
      onChain.add(parent);
      d = roleDeclByName.get(parent)!.decl;
    }
    for (let i = chain.length - 1; i >= 0; i--) resolveOneRoleCaps(chain[i], chain, i);
    return roleCaps.get(name)!;
  };
  /** one role whose parent is resolved already, or is `chain[j]` for some j ≤ i (a cycle) */
  const resolveOneRoleCaps = (name: string, chain: readonly string[], i: number): void => {
    const entry = roleDeclByName.get(name)!;
    const d = entry.decl;
    const saved = currentFile;
    currentFile = entry.file;
    const grants = new Map<number, SourceSpan>();
    const inherited = new Set<number>();
    let caps: number[];
    const exact = d.items.filter((i): i is A.ExactCapabilitiesItem => i.kind === 'ExactCapabilities');
    const grantItems = d.items.filter((i): i is A.GrantItem => i.kind === 'Grant');
    if (exact.length > 0) {
      if (grantItems.length > 0 || d.extends || exact.length > 1) {
        report('exact-capabilities-conflict', '`capabilities [...]` gives the exact wire list and cannot be combined with `grant`, `extends` or another `capabilities`', exact[0].span, {
          help: 'use either `capabilities [...]` or `grant`/`extends`',
        });
      }
      caps = [];
      for (const ref of exact[0].refs) {
        let code: number | undefined;
        if (ref.kind === 'IntLit') {
          code = u16(ref, 'capability code');
          if (code !== undefined && isPrivateUse(code) && !declaredPrivate.has(code))
            report('undeclared-private-capability', `private-use capability \`${ref.text}\` is not declared`, ref.span, { help: `declare it: \`capability canSomething = ${hex16(code)}\`` });
        } else {
          code = capabilityCode(ref.name);
          if (code === undefined) report('unknown-capability', `unknown capability \`${ref.name}\``, ref.span, { help: hint('capability', ref.name, capabilityNames) });
        }
        if (code === undefined) continue;
        caps.push(code);
        if (!grants.has(code)) grants.set(code, at(ref.span));
      }
    } else {
      const set = new Set<number>();
      if (d.extends) {
        const parent = d.extends;
        if (!symbols.roles.has(parent.name)) {
          report('unknown-role', `unknown role \`${parent.name}\``, parent.span, { help: hint('declared role', parent.name, () => symbols.roles.keys()) });
        } else if (!roleCaps.has(parent.name)) {
          // not resolved yet while everything above `name` is: it is below on the chain, a cycle
          report('extends-cycle', `roles extend each other: ${[...chain.slice(chain.indexOf(parent.name), i + 1), parent.name].join(' → ')}`, parent.span);
        } else {
          const parentCaps = roleCaps.get(parent.name)!;
          currentFile = entry.file;
          for (const c of parentCaps.caps) {
            set.add(c);
            grants.set(c, at(parent.span));
            inherited.add(c);
          }
        }
      }
      const seen = new Map<string, A.Span>();
      for (const g of grantItems)
        for (const ref of g.refs) {
          const prev = seen.get(ref.name);
          if (prev) report('duplicate-grant', `\`${ref.name}\` is granted twice to role \`${d.name.name}\``, ref.span, { labels: [{ span: at(prev), message: 'first granted here' }] });
          seen.set(ref.name, ref.span);
          const pkg = packageDecls.has(ref.name) ? expanded.get(ref.name) : undefined;
          const codes = pkg ? [...pkg] : capabilityCode(ref.name) !== undefined ? [capabilityCode(ref.name)!] : undefined;
          if (!codes) {
            report('unknown-capability', `unknown capability or package \`${ref.name}\``, ref.span, { help: hint('grant', ref.name, allGrantNames) });
            continue;
          }
          for (const c of codes) {
            set.add(c);
            inherited.delete(c); // granted directly as well
            if (!grants.has(c)) grants.set(c, at(ref.span));
          }
        }
      caps = [...set].sort((a, b) => a - b);
    }
    roleCaps.set(name, { caps, grants, inherited });
    currentFile = saved;
  };

  // --- roles: everything else --------------------------------------------------------------------
  const roles: Role[] = [];
  for (const { decl: d, file } of roleDecls) {
    currentFile = file;
    const sym = symbols.roles.get(d.name.name)!;
    const { caps, grants, inherited } = resolveRoleCaps(d.name.name);
    currentFile = file;
    const once = new Map<string, A.Span>();
    const single = (key: string, span: A.Span): boolean => {
      const prev = once.get(key);
      if (prev) {
        report('duplicate-setting', `\`${key}\` is given twice in role \`${d.name.name}\``, span, { labels: [{ span: at(prev), message: 'first given here' }] });
        return false;
      }
      once.set(key, span);
      return true;
    };
    let name = d.name.name;
    let description = d.doc ?? '';
    let minParticipants = 0;
    let maxParticipants: number | null = null;
    let minActive = 0;
    let maxActive: number | null = null;
    const changes: Role['changes'] = [];
    const prov: Provenance['roles'] extends Map<number, infer V> ? V : never = {
      span: at(d.span),
      name: at(d.name.span),
      ...(d.index ? { index: at(d.index.span) } : {}),
      grants,
      changes: new Map(),
      inherited,
    };
    for (const item of d.items) {
      switch (item.kind) {
        case 'RoleName':
          if (single('name', item.span)) name = item.value.value;
          break;
        case 'RoleDescription':
          if (single('description', item.span)) description = item.value.value;
          break;
        case 'Constraint': {
          if (!single(item.which, item.span)) break;
          const min = u32(item.min, 'minimum');
          const max = item.max ? u32(item.max, 'maximum') : null;
          if (min === undefined || max === undefined) break;
          if (item.which === 'participants') {
            [minParticipants, maxParticipants] = [min, max];
            prov.participants = at(item.span);
          } else {
            [minActive, maxActive] = [min, max];
            prov.active = at(item.span);
          }
          break;
        }
        case 'Changes':
          for (const e of item.entries) {
            const from = resolveRole(e.from);
            const to = e.to.map(resolveRole);
            if (from === undefined || !to.every((t): t is number => t !== undefined)) continue;
            changes.push({ from, to });
            e.to.forEach((ref, i) => {
              const key = changeKey(from, to[i]);
              if (!prov.changes.has(key)) prov.changes.set(key, at({ start: e.from.span.start, end: ref.span.end }));
            });
          }
          break;
        case 'Grant':
        case 'ExactCapabilities':
          break;
      }
    }
    provenance.roles.set(roles.length, prov);
    roles.push({ index: sym.index, name, description, capabilities: caps, minParticipants, maxParticipants, minActive, maxActive, changes });
  }
  // --- the multi-role model: hierarchy, add-ons and bans, lowered to roles --------------------------
  const hierarchies = items.filter((i): i is A.HierarchyDecl => i.kind === 'Hierarchy');
  const addonDecls = items.filter((i): i is A.AddonDecl => i.kind === 'Addon');
  const bansDecls = items.filter((i): i is A.BansDecl => i.kind === 'Bans');
  for (const extra of [...hierarchies.slice(1), ...bansDecls.slice(1)])
    inFile(extra, (x) => report('duplicate-declaration', `the policy already has a \`${x.kind === 'Hierarchy' ? 'hierarchy' : 'bans'}\` block`, x.span));
  if (hierarchies.length === 0)
    for (const x of [...addonDecls, ...bansDecls])
      inFile(x, (d) => report('model-without-hierarchy', `\`${d.kind === 'Addon' ? 'addon' : 'bans'}\` belongs to the multi-role model, which needs a \`hierarchy\``, d.kind === 'Addon' ? d.name.span : d.span, { help: 'declare `hierarchy { level … }`, or write `role` declarations instead' }));
  if (hierarchies.length > 0) {
    const h = hierarchies[0];
    if (roleDecls.length > 0) {
      const first = roleDecls[0];
      currentFile = first.file;
      report('mixed-role-models', 'a room with a `hierarchy` cannot also declare `role`s: the two role models may not be mixed', first.decl.name.span, {
        labels: [{ span: at(h.span, fileOf.get(h)?.file), message: 'the hierarchy is here' }],
        help: 'write the room in one model; capability packages can be shared by both through `import`',
      });
    } else {
      const lowered = lowerHierarchy(h, addonDecls, bansDecls[0], {
        fileOf: (item) => fileOf.get(item)?.file ?? currentFile,
        at: (span, file) => at(span, file),
        report: (kind, message, span, extra = {}) => diagnostics.push(diagnostic(kind, message, span.file, span, extra)),
        resolveGrant: (ref, file) => {
          currentFile = file;
          const pkg = packageDecls.has(ref.name) ? expanded.get(ref.name) : undefined;
          if (pkg) return [...pkg];
          const code = capabilityCode(ref.name);
          if (code !== undefined) return [code];
          report('unknown-capability', `unknown capability or package \`${ref.name}\``, ref.span, { help: hint('grant', ref.name, allGrantNames) });
          return undefined;
        },
        maxRoles: options.maxLoweredRoles ?? DEFAULT_MAX_LOWERED_ROLES,
        ...(options.maxLoweredTargets !== undefined ? { maxTargets: options.maxLoweredTargets } : {}),
        seedNames: items.flatMap((i) =>
          i.kind === 'Participants' ? i.entries.map((e) => e.role) : i.kind === 'Preauth' ? i.entries.map((e) => e.role) : i.kind === 'Scenario' ? i.given.map((g) => g.role) : [],
        ).flatMap((r) => (r.kind === 'Ident' ? [r.name] : [])),
      });
      hierarchyNotLowered = !lowered;
      if (lowered) {
        lowered.roles.forEach((r, i) => {
          const p = lowered.provenance[i];
          provenance.roles.set(roles.length, { span: p.span, origin: p.origin, name: p.span, grants: p.grants, changes: p.changes, ...(p.participants ? { participants: p.participants } : {}), ...(p.active ? { active: p.active } : {}) });
          roles.push(r);
          symbols.roles.set(r.name, { index: r.index, span: p.span });
        });
        symbols.hierarchy = { stateCount: lowered.stateCount, bound: lowered.bound, levels: h.levels.map((l) => l.name.name), addons: addonDecls.map((a) => a.name.name), size: lowered.size };
      }
    }
  }

  const roleByIndex = new Map<number, Role>();
  for (const r of roles) if (!roleByIndex.has(r.index)) roleByIndex.set(r.index, r);

  // --- room (BaseRoomPolicy) ---------------------------------------------------------------------
  const base: BaseRoomPolicy = defaultBasePolicy();
  let explicitComponents: number[] | undefined;
  let symbolsRoomName: string | undefined;
  const rooms = items.filter((i): i is A.RoomDecl => i.kind === 'Room');
  rooms.forEach((room, i) =>
    inFile(room, (r) => {
      if (i > 0) return report('duplicate-declaration', 'the policy already has a `room` block', r.span, { labels: [{ span: at(rooms[0].span, fileOf.get(rooms[0])?.file), message: 'first given here' }] });
      symbolsRoomName = r.name?.value;
      provenance.base.block = at(r.span);
      const seen = new Map<string, A.Span>();
      for (const s of r.settings) {
        if (s.key !== 'parent_room') {
          const prev = seen.get(s.key);
          if (prev) {
            report('duplicate-setting', `\`${s.key}\` is given twice`, s.keySpan, { labels: [{ span: at(prev), message: 'first given here' }] });
            continue;
          }
          seen.set(s.key, s.keySpan);
        }
        const v = s.value;
        const bool = () => (v as A.BoolLit).value;
        switch (s.key) {
          case 'fixed_membership': base.fixedMembership = bool(); provenance.base.fixedMembership = at(s.span); break;
          case 'parent_dependant': base.parentDependant = bool(); provenance.base.parentDependant = at(s.span); break;
          case 'multi_device': base.multiDevice = bool(); provenance.base.multiDevice = at(s.span); break;
          case 'pseudonyms_allowed': base.pseudonymsAllowed = bool(); provenance.base.pseudonymsAllowed = at(s.span); break;
          case 'persistent_room': base.persistentRoom = bool(); provenance.base.persistentRoom = at(s.span); break;
          case 'discoverable': base.discoverable = bool(); provenance.base.discoverable = at(s.span); break;
          case 'max_clients': { const n = u32(v as A.IntLit, 'max_clients'); if (n !== undefined) base.maxClients = n; provenance.base.maxClients = at(s.span); break; }
          case 'max_users': { const n = u32(v as A.IntLit, 'max_users'); if (n !== undefined) base.maxUsers = n; provenance.base.maxUsers = at(s.span); break; }
          case 'parent_room': base.parentRooms.push((v as A.StringLit).value); provenance.base.parentRooms ??= at(s.span); break;
          case 'components': {
            const ids = (v as A.IntLit[]).map((lit) => u16(lit, 'component id'));
            if (ids.every((x): x is number => x !== undefined)) explicitComponents = ids;
            provenance.base.policyComponentIds = at(s.span);
            break;
          }
        }
      }
    }),
  );
  symbols.roomName = symbolsRoomName;

  // --- preauth ----------------------------------------------------------------------------------
  let preauth: PreAuthEntry[] | null = null;
  const preauthBlocks = items.filter((i): i is A.PreauthDecl => i.kind === 'Preauth');
  preauthBlocks.forEach((block, i) =>
    inFile(block, (b) => {
      if (i > 0) return report('duplicate-declaration', 'the policy already has a `preauth` block', b.span, { help: 'put all preauthorization rules in one block: their order decides the first match' });
      preauth = [];
      for (const e of b.entries) {
        const idx = resolveRole(e.role);
        const claims = e.claims.map(lowerClaim);
        if (idx === undefined || !claims.every((c): c is Claim => c !== undefined)) continue;
        const role = roleByIndex.get(idx);
        if (!role) {
          report('preauth-role-mismatch', `preauth target role ${idx} is not defined`, e.role.span, { help: 'a preauth entry embeds its whole target role, so the role must be declared' });
          continue;
        }
        provenance.preauth.push({ span: at(e.span) });
        preauth.push({ claims, role: structuredClone(role) });
      }
    }),
  );
  function lowerClaim(c: A.Claim): Claim | undefined {
    const idText = (): string | undefined => {
      if (!c.id) return undefined;
      if (c.id.kind === 'BytesLit') return c.id.hex;
      if (c.id.kind === 'StringLit') return utf8Hex(c.id.value);
      return undefined;
    };
    const value = c.value.kind === 'BytesLit' ? c.value.hex : utf8Hex(c.value.value);
    const bad = (message: string, help?: string) => {
      report('invalid-claim', message, c.id?.span ?? c.span, help ? { help } : {});
      return undefined;
    };
    if (c.credential.kind === 'code') {
      const code = u16(c.credential.code, 'credential type');
      if (code === undefined) return undefined;
      if (c.id?.kind === 'IntLit') return bad('a `credential <code>` claim id is a string or hex"…", not a number');
      return { credentialType: code, id: idText() ?? '', value };
    }
    const kind = c.credential.name;
    if (kind === 'basic') {
      if (c.id) return bad('a `basic` claim has no id: write `basic = "identity"`');
      return { credentialType: CredentialType.basic, id: '', value };
    }
    if (!c.id) return bad(`a \`${kind}\` claim needs an id before \`=\``, kind === 'x509' ? 'e.g. `x509 "2.5.4.11" = "IT"`' : kind === 'jwt' ? 'e.g. `jwt "org" = "example.com"`' : 'e.g. `cwt 8 = "…"`');
    let credentialType: number;
    if (kind === 'x509') credentialType = CredentialType.x509;
    else {
      const declared = symbols.credentialTypes.get(kind);
      if (declared === undefined) {
        report('unknown-credential-type', `credential type \`${kind}\` has no code in this policy`, c.credential.span, {
          help: `MLS has no registered ${kind.toUpperCase()} credential type; declare the code your deployment uses, e.g. \`credential ${kind} = 0xF0A1\``,
        });
        return undefined;
      }
      credentialType = declared;
    }
    try {
      if (kind === 'x509') {
        if (c.id.kind === 'BytesLit') return { credentialType, id: c.id.hex, value };
        if (c.id.kind !== 'StringLit') return bad('an `x509` claim id is a dotted OID string such as "2.5.4.11"');
        return { credentialType, id: encodeOid(c.id.value), value };
      }
      if (kind === 'jwt') {
        if (c.id.kind === 'IntLit') return bad('a `jwt` claim id is a claim name string such as "org"');
        return { credentialType, id: idText()!, value };
      }
      // cwt: an int or text key, CBOR-encoded; hex"…" for anything else
      if (c.id.kind === 'BytesLit') return { credentialType, id: c.id.hex, value };
      return { credentialType, id: encodeCborKey(c.id.kind === 'IntLit' ? c.id.value : c.id.value), value };
    } catch (e) {
      return bad((e as Error).message);
    }
  }

  // --- participants -----------------------------------------------------------------------------
  let participants: UserRolePair[] | null = null;
  const partBlocks = items.filter((i): i is A.ParticipantsDecl => i.kind === 'Participants');
  partBlocks.forEach((block, i) =>
    inFile(block, (b) => {
      if (i > 0) return report('duplicate-declaration', 'the policy already has a `participants` block', b.span);
      participants = [];
      for (const e of b.entries) {
        const idx = resolveRole(e.role);
        if (idx === undefined) continue;
        provenance.participants.push({ span: at(e.span) });
        participants.push({ user: e.user.value, role: idx });
      }
    }),
  );

  // --- history ----------------------------------------------------------------------------------
  let history: HistoryPolicy | null = null;
  const histBlocks = items.filter((i): i is A.HistoryDecl => i.kind === 'History');
  histBlocks.forEach((block, i) =>
    inFile(block, (h) => {
      if (i > 0) return report('duplicate-declaration', 'the policy already has a `history` block', h.span);
      if (h.mode === 'forbidden' && (h.shareBy.length > 0 || h.automatic || h.maxPeriod)) {
        report('history-forbidden-fields', 'a `history forbidden` policy has no sharing settings', h.shareBySpan ?? h.automatic?.span ?? h.maxPeriod!.span, { help: 'remove them, or make history `optional` or `required`' });
      }
      const rolesThatCanShare = h.mode === 'forbidden' ? [] : h.shareBy.map(resolveRole).filter((x): x is number => x !== undefined);
      const maxTimePeriod = h.mode !== 'forbidden' && h.maxPeriod ? (u32(h.maxPeriod, 'max_period') ?? 0) : 0;
      history = { sharing: h.mode, rolesThatCanShare, automaticallyShare: h.mode !== 'forbidden' && (h.automatic?.value ?? false), maxTimePeriod };
      provenance.history = { span: at(h.span), roles: h.shareBy.map((r) => at(r.span)) };
    }),
  );

  // --- other components -------------------------------------------------------------------------
  const otherComponents: OpaqueComponent[] = [];
  const otherIds = new Set<number>();
  for (const item of items) {
    if (item.kind !== 'Component') continue;
    inFile(item, (c) => {
      const id = u16(c.id, 'component id');
      if (id === undefined) return;
      if (MODELLED_COMPONENTS.has(id) || otherIds.has(id)) {
        report('duplicate-component', MODELLED_COMPONENTS.has(id) ? `component ${hex16(id)} is written by mimi-policy itself` : `component ${hex16(id)} is given twice`, c.id.span);
        return;
      }
      otherComponents.push({ id, data: c.data.hex });
      otherIds.add(id);
    });
  }
  otherComponents.sort((a, b) => a.id - b.id);

  // --- acknowledged findings (`allow … for … because …`) ---------------------------------------
  const acknowledgements: Acknowledgement[] = [];
  for (const item of items) {
    if (item.kind !== 'Allow') continue;
    inFile(item, (a) => {
      const role = resolveRole(a.role);
      if (role === undefined) return;
      acknowledgements.push({ kind: a.finding.name, kindSpan: at(a.finding.span), role, reason: a.reason.value, span: at(a.span) });
    });
  }

  // --- scenarios ----------------------------------------------------------------------------------
  const scenarios: ScenarioIR[] = [];
  const roleNamesKnown = symbols.roles.size > 0;
  let wireNameSet: Set<string> | undefined;
  const wireNames = () => (wireNameSet ??= new Set(roles.map((r) => r.name)));
  const roleName = (ref: A.RoleRef): string | undefined => {
    if (ref.kind === 'NoneRef') return 'none';
    // a role by identifier, or by its wire name (as scenario files run against other policies do)
    if (roleNamesKnown && !symbols.roles.has(ref.name) && !wireNames().has(ref.name)) return void resolveRole(ref);
    return ref.name;
  };
  for (const item of items) {
    if (item.kind !== 'Scenario') continue;
    inFile(item, (sc) => {
      const file = currentFile;
      const text = fileOf.get(sc)?.text ?? '';
      const given: ScenarioIR['given'] = [];
      const givenUsers = new Set<string>();
      for (const g of sc.given) {
        const role = roleName(g.role);
        const claims = g.claims.map(lowerClaim);
        if (role === undefined || !claims.every((x): x is Claim => x !== undefined)) continue;
        if (givenUsers.has(g.user.name)) {
          report('invalid-step', `\`${g.user.name}\` is given twice`, g.user.span);
          continue;
        }
        givenUsers.add(g.user.name);
        given.push({ user: g.user.name, role, clients: g.clients?.value ?? (role === 'none' ? 0 : 1), claims, span: at(g.span) });
      }
      const steps: ScenarioStepIR[] = [];
      for (const st of sc.steps) {
        currentFile = file;
        const type = st.action.name as ActionType;
        if (!(ACTION_TYPES as readonly string[]).includes(type)) {
          report('invalid-step', `unknown action \`${st.action.name}\``, st.action.span, { help: didYouMean(st.action.name, ACTION_TYPES) ?? `actions: ${ACTION_TYPES.join(', ')}` });
          continue;
        }
        const spec = ACTIONS[type];
        const step: ScenarioStepIR = { allow: st.allow, actor: st.actor.name, type, span: at(st.span), text: text.slice(st.span.start, st.span.end).replace(/\s+/g, ' ') };
        const needsTarget = spec.targetListed !== 'n/a' || type === 'capability';
        if (needsTarget && !st.target) {
          report('invalid-step', type === 'capability' ? '`capability` needs the capability name' : `\`${type}\` needs a target user`, st.action.span);
          continue;
        }
        if (!needsTarget && st.target) {
          report('invalid-step', `\`${type}\` acts on the actor itself and takes no target`, st.target.span);
          continue;
        }
        if (type === 'capability') {
          if (capabilityCode(st.target!.name) === undefined) {
            report('invalid-step', `unknown capability \`${st.target!.name}\``, st.target!.span, { help: hint('capability', st.target!.name, capabilityNames) });
            continue;
          }
          step.capability = st.target!.name;
        } else if (st.target) step.target = st.target.name;
        if (st.to) {
          const to = roleName(st.to);
          if (to === undefined) continue;
          step.to = to;
        }
        if (st.via) {
          if (!(JOIN_VIAS as readonly string[]).includes(st.via.name)) {
            report('invalid-step', `unknown join mode \`${st.via.name}\``, st.via.span, { help: `join via ${JOIN_VIAS.join(', ')}` });
            continue;
          }
          step.via = st.via.name as JoinVia;
        } else if (type === 'join') step.via = 'open';
        if (st.clients) step.clients = st.clients.value;
        steps.push(step);
      }
      scenarios.push({ name: sc.name.value, span: at(sc.span), given, steps });
    });
  }

  const policy: Policy = { base, roles, preauth, participants, history, otherComponents };
  base.policyComponentIds = explicitComponents ?? defaultPolicyComponentIds(policy);
  return { policy, scenarios, acknowledgements, provenance, symbols, diagnostics };
}
