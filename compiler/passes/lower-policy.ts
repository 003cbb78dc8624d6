/**
 * Pass 3, lower: the resolved and checked program → the policy IR plus its provenance side table,
 * the scenarios and the acknowledged findings. The rules that decide the wire output (role indexes,
 * capability order, component list) are the ones in docs/language.md, "Rules that decide the wire
 * output".
 */
import type * as A from '../../grammar/index.js';
import { encodeCborKey, encodeOid, utf8Hex } from '../../runtime/claims.js';
import { diagnostic } from '../../runtime/diagnostics.js';
import {
  changeKey,
  ComponentId,
  CredentialType,
  defaultBasePolicy,
  defaultPolicyComponentIds,
  emptyProvenance,
  type BaseRoomPolicy,
  type Claim,
  type HistoryPolicy,
  type OpaqueComponent,
  type Policy,
  type PreAuthEntry,
  type Provenance,
  type Role,
  type UserRolePair,
} from '../../runtime/ir.js';
import { hex16 } from '../../runtime/registry.js';
import { didYouMean } from '../../runtime/suggest.js';
import { ACTION_TYPES, ACTIONS, JOIN_VIAS, type ActionType, type JoinVia } from '../../runtime/semantics.js';
import { DEFAULT_MAX_LOWERED_ROLES, lowerHierarchy } from '../lower-hierarchy.js';
import type { Acknowledgement, ActionStepIR, CommitStepIR, CommitVerb, LowerOptions, ScenarioIR, ScenarioStepIR, Symbols } from '../lower.js';
import type { FileScope, PassContext } from './context.js';
import type { CheckedProgram } from './check-program.js';
import type { Names } from './resolve-names.js';

const MODELLED_COMPONENTS = new Set<number>([ComponentId.participantList, ComponentId.roles, ComponentId.preauth, ComponentId.base, ComponentId.history]);

export interface LoweredPolicy {
  policy: Policy;
  scenarios: ScenarioIR[];
  acknowledgements: Acknowledgement[];
  provenance: Provenance;
  symbols: Symbols;
}

export function lowerPolicy(ctx: PassContext, names: Names, checked: CheckedProgram, options: LowerOptions = {}): LoweredPolicy {
  const { items, hint } = ctx;
  const provenance = emptyProvenance();
  const symbols: Symbols = { privateCapabilities: names.privateCapabilities, packages: names.packages, roles: names.roles, credentialTypes: names.credentialTypes };
  const { capabilityCode, capabilityNames, allGrantNames } = names;

  const roleNames = () => [...symbols.roles.keys(), 'none'];
  /** a hierarchy that was not lowered (refused, or with errors): names of its roles are not unknown, only not built */
  let hierarchyNotLowered = false;
  const resolveRole = (s: FileScope, ref: A.RoleRef): number | undefined => {
    if (ref.kind === 'NoneRef') return 0;
    const sym = symbols.roles.get(ref.name);
    if (sym && sym.index >= 0) return sym.index;
    if (hierarchyNotLowered) return undefined;
    s.report('unknown-role', `unknown role \`${ref.name}\``, ref.span, {
      help: hint('role', ref.name, roleNames) ?? (ref.name === 'banned' ? 'declare `role banned @1 { active 0..0 }` to use the banned role' : undefined),
    });
    return undefined;
  };

  // --- declared roles ------------------------------------------------------------------------------
  const roles: Role[] = [];
  for (const { decl: d, file } of names.roleDecls) {
    const s = ctx.scope(file);
    const { report, at, u32 } = s;
    const sym = symbols.roles.get(d.name.name)!;
    const { caps, grants, inherited } = names.roleCaps(d.name.name);
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
            const from = resolveRole(s, e.from);
            const to = e.to.map((r) => resolveRole(s, r));
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
  const h = checked.hierarchy;
  if (h) {
    const lowered = lowerHierarchy(h, checked.addons, checked.bans, {
      fileOf: (item) => ctx.fileOf(item, ctx.entryFile),
      at: (span, file) => ctx.scope(file).at(span),
      report: (kind, message, span, extra = {}) => ctx.diagnostics.push(diagnostic(kind, message, span.file, span, extra)),
      resolveGrant: (ref, file) => {
        const codes = names.grantCodes(ref.name);
        if (codes) return codes;
        ctx.scope(file).report('unknown-capability', `unknown capability or package \`${ref.name}\``, ref.span, { help: hint('grant', ref.name, allGrantNames) });
        return undefined;
      },
      maxRoles: options.maxLoweredRoles ?? DEFAULT_MAX_LOWERED_ROLES,
      ...(options.maxLoweredTargets !== undefined ? { maxTargets: options.maxLoweredTargets } : {}),
      seedNames: items.flatMap((i) =>
        i.kind === 'Participants' ? i.entries.map((e) => e.role) : i.kind === 'Preauth' ? i.entries.map((e) => e.role) : i.kind === 'Scenario' ? i.given.map((g) => g.role) : [],
      ).flatMap((r) => (r.kind === 'Ident' ? [r.name] : [])),
      preauthNames: items.flatMap((i) => (i.kind === 'Preauth' ? i.entries.map((e) => e.role) : [])).flatMap((r) => (r.kind === 'Ident' ? [r.name] : r.kind === 'NoneRef' ? ['none'] : [])),
    });
    hierarchyNotLowered = !lowered;
    if (lowered) {
      lowered.roles.forEach((r, i) => {
        const p = lowered.provenance[i];
        provenance.roles.set(roles.length, { span: p.span, origin: p.origin, name: p.span, grants: p.grants, changes: p.changes, ...(p.participants ? { participants: p.participants } : {}), ...(p.active ? { active: p.active } : {}) });
        roles.push(r);
        symbols.roles.set(r.name, { index: r.index, span: p.span });
      });
      symbols.hierarchy = { stateCount: lowered.stateCount, bound: lowered.bound, levels: h.levels.map((l) => l.name.name), addons: checked.addons.map((a) => a.name.name), size: lowered.size };
    }
  }

  const roleByIndex = new Map<number, Role>();
  for (const r of roles) if (!roleByIndex.has(r.index)) roleByIndex.set(r.index, r);

  // --- room (BaseRoomPolicy) ---------------------------------------------------------------------
  const base: BaseRoomPolicy = defaultBasePolicy();
  let explicitComponents: number[] | undefined;
  if (checked.room) {
    const r = checked.room;
    const { report, at, u16, u32 } = ctx.scopeOf(r);
    symbols.roomName = r.name?.value;
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
  } else symbols.roomName = undefined;

  // --- preauth ----------------------------------------------------------------------------------
  let preauth: PreAuthEntry[] | null = null;
  if (checked.preauth) {
    const b = checked.preauth;
    const s = ctx.scopeOf(b);
    preauth = [];
    for (const e of b.entries) {
      const idx = resolveRole(s, e.role);
      const claims = e.claims.map((c) => lowerClaim(s, c));
      if (idx === undefined || !claims.every((c): c is Claim => c !== undefined)) continue;
      const role = roleByIndex.get(idx);
      if (!role) {
        s.report('preauth-role-mismatch', `preauth target role ${idx} is not defined`, e.role.span, { help: 'a preauth entry embeds its whole target role, so the role must be declared' });
        continue;
      }
      provenance.preauth.push({ span: s.at(e.span) });
      preauth.push({ claims, role: structuredClone(role) });
    }
  }
  function lowerClaim({ report, u16 }: FileScope, c: A.Claim): Claim | undefined {
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
  if (checked.participants) {
    const b = checked.participants;
    const s = ctx.scopeOf(b);
    participants = [];
    for (const e of b.entries) {
      const idx = resolveRole(s, e.role);
      if (idx === undefined) continue;
      provenance.participants.push({ span: s.at(e.span) });
      participants.push({ user: e.user.value, role: idx });
    }
  }

  // --- history ----------------------------------------------------------------------------------
  let history: HistoryPolicy | null = null;
  if (checked.history) {
    const h = checked.history;
    const s = ctx.scopeOf(h);
    if (h.mode === 'forbidden' && (h.shareBy.length > 0 || h.automatic || h.maxPeriod)) {
      s.report('history-forbidden-fields', 'a `history forbidden` policy has no sharing settings', h.shareBySpan ?? h.automatic?.span ?? h.maxPeriod!.span, { help: 'remove them, or make history `optional` or `required`' });
    }
    const rolesThatCanShare = h.mode === 'forbidden' ? [] : h.shareBy.map((r) => resolveRole(s, r)).filter((x): x is number => x !== undefined);
    const maxTimePeriod = h.mode !== 'forbidden' && h.maxPeriod ? (s.u32(h.maxPeriod, 'max_period') ?? 0) : 0;
    history = { sharing: h.mode, rolesThatCanShare, automaticallyShare: h.mode !== 'forbidden' && (h.automatic?.value ?? false), maxTimePeriod };
    provenance.history = { span: s.at(h.span), roles: h.shareBy.map((r) => s.at(r.span)) };
  }

  // --- other components -------------------------------------------------------------------------
  const otherComponents: OpaqueComponent[] = [];
  const otherIds = new Set<number>();
  for (const c of items) {
    if (c.kind !== 'Component') continue;
    const { report, u16 } = ctx.scopeOf(c);
    const id = u16(c.id, 'component id');
    if (id === undefined) continue;
    if (MODELLED_COMPONENTS.has(id) || otherIds.has(id)) {
      report('duplicate-component', MODELLED_COMPONENTS.has(id) ? `component ${hex16(id)} is written by mimi-policy itself` : `component ${hex16(id)} is given twice`, c.id.span);
      continue;
    }
    otherComponents.push({ id, data: c.data.hex });
    otherIds.add(id);
  }
  otherComponents.sort((a, b) => a.id - b.id);

  // --- acknowledged findings (`allow … for … because …`) ---------------------------------------
  const acknowledgements: Acknowledgement[] = [];
  for (const a of items) {
    if (a.kind !== 'Allow') continue;
    const s = ctx.scopeOf(a);
    const role = resolveRole(s, a.role);
    if (role === undefined) continue;
    acknowledgements.push({ kind: a.finding.name, kindSpan: s.at(a.finding.span), role, reason: a.reason.value, span: s.at(a.span) });
  }

  // --- scenarios ----------------------------------------------------------------------------------
  const COMMIT_VERBS: readonly CommitVerb[] = ['add', 'remove', 'changeRole', 'ban', 'unban'];
  const scenarios: ScenarioIR[] = [];
  const roleNamesKnown = symbols.roles.size > 0;
  let wireNameSet: Set<string> | undefined;
  const wireNames = () => (wireNameSet ??= new Set(roles.map((r) => r.name)));
  const roleName = (s: FileScope, ref: A.RoleRef): string | undefined => {
    if (ref.kind === 'NoneRef') return 'none';
    // a role by identifier, or by its wire name (as scenario files run against other policies do)
    if (roleNamesKnown && !symbols.roles.has(ref.name) && !wireNames().has(ref.name)) return void resolveRole(s, ref);
    return ref.name;
  };
  for (const sc of items) {
    if (sc.kind !== 'Scenario') continue;
    const s = ctx.scopeOf(sc);
    const { report, at } = s;
    const text = ctx.textOf(sc);
    const given: ScenarioIR['given'] = [];
    const givenUsers = new Set<string>();
    // a given or listed role: a name, `none`, or `@N` (an index, 0–255)
    const entryRole = (ref: A.RoleRef | A.IndexRef): string | number | undefined => {
      if (ref.kind !== 'IndexRef') return roleName(s, ref);
      if (ref.index.value > 255) return void report('invalid-step', `role index \`${text.slice(ref.index.span.start, ref.index.span.end)}\` is not a role index`, ref.index.span, { help: 'role indexes are 0–255' });
      return ref.index.value;
    };
    for (const g of sc.given) {
      const role = entryRole(g.role);
      const claims = g.claims.map((c) => lowerClaim(s, c));
      if (role === undefined || !claims.every((x): x is Claim => x !== undefined)) continue;
      if (givenUsers.has(g.user.name)) {
        report('invalid-step', `\`${g.user.name}\` is given twice`, g.user.span);
        continue;
      }
      givenUsers.add(g.user.name);
      given.push({ user: g.user.name, role, clients: g.clients?.value ?? (role === 'none' || role === 0 ? 0 : 1), claims, span: at(g.span) });
    }
    const steps: ScenarioStepIR[] = [];
    const stepText = (span: A.Span) => text.slice(span.start, span.end).replace(/\s+/g, ' ');
    for (const st of sc.steps) {
      if (st.kind === 'ExpectState') {
        const c = st.check;
        if (c.kind === 'unknown') {
          report('invalid-step', 'expected a state check after the user', c.span, { help: 'write `is <role>`, `in room`, `not in room`, `banned`, `not banned` or `clients <n>`' });
          continue;
        }
        let check: Extract<ScenarioStepIR, { kind: 'state' }>['check'];
        if (c.kind === 'role') {
          const role = roleName(s, c.role);
          if (role === undefined) continue;
          check = { kind: 'role', role };
        } else if (c.kind === 'clients') check = { kind: 'clients', count: c.count.value };
        else check = c;
        steps.push({ kind: 'state', user: st.subject.name, check, span: at(st.span), text: stepText(st.span) });
        continue;
      }
      if (st.kind === 'ExpectList') {
        const entries: Extract<ScenarioStepIR, { kind: 'list' }>['entries'] = [];
        const listed = new Set<string>();
        let ok = true;
        for (const e of st.entries) {
          if (e.claims.length > 0) {
            report('invalid-step', 'a participant list check takes no claims', e.claims[0].span);
            ok = false;
          }
          if (listed.has(e.user.name)) {
            report('invalid-step', `\`${e.user.name}\` is listed twice`, e.user.span);
            ok = false;
          }
          listed.add(e.user.name);
          const role = entryRole(e.role);
          if (role === undefined) ok = false;
          else entries.push({ user: e.user.name, role, ...(e.clients ? { clients: e.clients.value } : {}) });
        }
        if (ok) steps.push({ kind: 'list', entries, span: at(st.span), text: stepText(st.span) });
        continue;
      }
      if (st.changes) {
        if (st.action.name !== 'commit') {
          report('invalid-step', `only \`commit\` takes a block of changes`, st.action.span, { help: 'write `expect allow a commit { changeRole b to owner; changeRole a to admin }`' });
          continue;
        }
        if (st.target || st.code || st.to || st.via || st.clients) {
          report('invalid-step', '`commit` takes only its block of changes', (st.target ?? st.code ?? st.to ?? st.via ?? st.clients)!.span);
          continue;
        }
        const changes: CommitStepIR['changes'] = [];
        let ok = true;
        for (const ch of st.changes) {
          const verb = ch.verb.name as CommitVerb;
          if (!(COMMIT_VERBS as readonly string[]).includes(verb)) {
            report('invalid-step', `\`${ch.verb.name}\` is not a change of a commit`, ch.verb.span, { help: didYouMean(ch.verb.name, COMMIT_VERBS) ?? `changes: ${COMMIT_VERBS.join(', ')}` });
            ok = false;
            continue;
          }
          const needsTo = verb === 'add' || verb === 'changeRole' || verb === 'unban';
          if (needsTo !== !!ch.to) {
            report('invalid-step', needsTo ? `\`${verb}\` needs \`to <role>\`` : `\`${verb}\` takes no \`to\``, needsTo ? ch.target.span : ch.to!.span);
            ok = false;
            continue;
          }
          const to = ch.to ? roleName(s, ch.to) : undefined;
          if (ch.to && to === undefined) {
            ok = false;
            continue;
          }
          changes.push({ verb, target: ch.target.name, ...(to !== undefined ? { to } : {}), span: at(ch.span) });
        }
        if (ok && changes.length === 0) {
          report('invalid-step', 'a commit needs at least one change', st.action.span);
          ok = false;
        }
        if (ok) steps.push({ kind: 'commit', allow: st.allow, actor: st.actor.name, changes, span: at(st.span), text: stepText(st.span) });
        continue;
      }
      if (st.action.name === 'commit') {
        report('invalid-step', '`commit` needs a block of changes', st.action.span, { help: 'write `expect allow a commit { changeRole b to owner; changeRole a to admin }`' });
        continue;
      }
      const type = st.action.name as ActionType;
      if (!(ACTION_TYPES as readonly string[]).includes(type)) {
        report('invalid-step', `unknown action \`${st.action.name}\``, st.action.span, { help: didYouMean(st.action.name, ACTION_TYPES) ?? `actions: ${ACTION_TYPES.join(', ')}` });
        continue;
      }
      const spec = ACTIONS[type];
      const step: ActionStepIR = { kind: 'action', allow: st.allow, actor: st.actor.name, type, span: at(st.span), text: stepText(st.span) };
      const needsTarget = spec.targetListed !== 'n/a' || type === 'capability';
      if (st.code && type !== 'capability') {
        report('invalid-step', `\`${type}\` takes a user, not a number`, st.code.span);
        continue;
      }
      if (needsTarget && !st.target && !st.code) {
        report('invalid-step', type === 'capability' ? '`capability` needs the capability name' : `\`${type}\` needs a target user`, st.action.span);
        continue;
      }
      if (!needsTarget && st.target) {
        report('invalid-step', `\`${type}\` acts on the actor itself and takes no target`, st.target.span);
        continue;
      }
      if (type === 'capability') {
        if (st.code) {
          // by code: any 16-bit code (a private-use one need not be declared)
          if (st.code.value > 0xffff) {
            report('invalid-step', `capability code \`${text.slice(st.code.span.start, st.code.span.end)}\` is not a 16-bit code`, st.code.span, { help: 'capability codes are 0x0000–0xFFFF' });
            continue;
          }
          step.capability = hex16(st.code.value);
          step.capabilityCode = st.code.value;
        } else {
          // by name: a registered name or one this policy declares (`capability x = 0xF001`)
          const code = capabilityCode(st.target!.name);
          if (code === undefined) {
            report('invalid-step', `unknown capability \`${st.target!.name}\``, st.target!.span, { help: hint('capability', st.target!.name, capabilityNames) });
            continue;
          }
          step.capability = st.target!.name;
          step.capabilityCode = code;
        }
      } else if (st.target) step.target = st.target.name;
      if (st.to) {
        const to = roleName(s, st.to);
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
  }

  const policy: Policy = { base, roles, preauth, participants, history, otherComponents };
  base.policyComponentIds = explicitComponents ?? defaultPolicyComponentIds(policy);
  return { policy, scenarios, acknowledgements, provenance, symbols };
}
