/**
 * fast-check arbitraries for the evaluators: small policies whose roles, capabilities, transitions,
 * constraints, preauth entries and base limits collide often (so every check of every plan is reached),
 * and states and actions over the same small pools, including undefined roles and unknown names.
 */
import fc from 'fast-check';
import { defaultBasePolicy, type Claim, type Policy, type Role } from '../runtime/ir.js';
import { capabilityByName } from '../runtime/registry.js';
import { ACTION_TYPES, JOIN_VIAS } from '../runtime/semantics.js';

export const USERS = ['ann', 'bob', 'cy', 'dee', 'eve'];
export const ROLE_NAMES = ['no_role', 'banned', 'member', 'mod', 'admin', 'guest', 'weird name'];
const MEMBERSHIP = [
  'canAddParticipant', 'canRemoveParticipant', 'canAddOwnClient', 'canRemoveOwnClient', 'canOpenJoin', 'canJoinIfPreauthorized',
  'canRemoveSelf', 'canUseJoinCode', 'canBan', 'canUnBan', 'canKick', 'canChangeUserRole', 'canChangeOwnRole', 'canSendMessage',
].map((n) => capabilityByName.get(n)!.code);
const CAPS = [...MEMBERSHIP, 0xf001, 0x1234];
export const CLAIMS: Claim[] = [
  { credentialType: 2, id: '0603550403', value: '4d6f6473' },
  { credentialType: 2, id: '0603550403', value: '564950' },
  { credentialType: 1, id: '', value: '616e6e' },
];

const arbIndex = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 5 }), weight: 8 }, { arbitrary: fc.constantFrom(6, 7, 9), weight: 1 });
const arbMin = fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 2 }), weight: 1 });
const arbMax = fc.option(fc.integer({ min: 0, max: 3 }), { nil: null, freq: 2 });

const arbRoleAt = (index: number): fc.Arbitrary<Role> =>
  fc.record({
    index: fc.constant(index),
    name: fc.oneof({ arbitrary: fc.constant(ROLE_NAMES[index] ?? `r${index}`), weight: 6 }, { arbitrary: fc.constantFrom(...ROLE_NAMES), weight: 1 }),
    description: fc.constant(''),
    // most capabilities held, so that plans get past the capability check
    capabilities: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: CAPS.length, maxLength: CAPS.length }).map((xs) => CAPS.filter((_, i) => xs[i] < 8).sort((a, b) => a - b)),
    minParticipants: arbMin,
    maxParticipants: arbMax,
    minActive: arbMin,
    maxActive: arbMax,
    changes: fc.array(fc.record({ from: arbIndex, to: fc.uniqueArray(arbIndex, { minLength: 1, maxLength: 4 }) }), { maxLength: 6 }),
  });
export const arbRole: fc.Arbitrary<Role> = arbIndex.chain(arbRoleAt);

/** Distinct role indexes (0 and 1 usually among them), now and then one defined twice. */
export const arbEvalPolicy: fc.Arbitrary<Policy> = fc
  .record({
    indexes: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 6 }),
    keep01: fc.oneof({ arbitrary: fc.constant(true), weight: 5 }, { arbitrary: fc.constant(false), weight: 1 }),
    twice: fc.oneof({ arbitrary: fc.constant(null), weight: 7 }, { arbitrary: fc.integer({ min: 0, max: 6 }), weight: 1 }),
    preauth: fc.option(fc.array(fc.record({ claims: fc.subarray(CLAIMS, { maxLength: 2 }), role: arbRole }), { maxLength: 3 }), { nil: null, freq: 4 }),
    fixedMembership: fc.boolean(),
    multiDevice: fc.boolean(),
    maxUsers: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
    maxClients: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }),
  })
  .chain(({ indexes, keep01, twice, ...rest }) => {
    const idx = [...new Set([...(keep01 ? [0, 1] : []), ...indexes, ...(twice === null ? [] : [])])];
    const all = twice === null ? idx : [...idx, twice];
    return fc.tuple(...all.map(arbRoleAt)).map((roles) => ({ roles, ...rest }));
  })
  .map(({ roles, preauth, fixedMembership, multiDevice, maxUsers, maxClients }) => ({
    base: { ...defaultBasePolicy(), fixedMembership, multiDevice, maxUsers, maxClients },
    roles,
    preauth,
    participants: null,
    history: null,
    otherComponents: [],
  }));

export interface Participant {
  user: string;
  role: number | string;
  clients: number;
}
/** A valid state for `policy`: distinct users, non-zero roles (some undefined), names where unique. */
export const arbState = (policy: Policy): fc.Arbitrary<{ participants: Participant[] }> =>
  fc
    .uniqueArray(
      fc.record({
        user: fc.constantFrom(...USERS),
        role: fc.oneof({ arbitrary: fc.constantFrom(...policy.roles.map((r) => r.index).filter((i) => i !== 0), 7), weight: 6 }, { arbitrary: fc.integer({ min: 1, max: 7 }), weight: 1 }),
        clients: fc.integer({ min: 0, max: 3 }),
        byName: fc.boolean(),
      }),
      { selector: (p) => p.user, minLength: 2, maxLength: 5 },
    )
    .map((ps) => ({
      participants: ps.map(({ user, role, clients, byName }) => {
        const rs = policy.roles.filter((r) => r.index === role);
        const name = rs.length === 1 && policy.roles.filter((r) => r.name === rs[0].name).length === 1 ? rs[0].name : undefined;
        return { user, role: byName && name !== undefined ? name : role, clients };
      }),
    }));

/** Any action, valid or not quite: every type and field, unknown names now and then. */
const arbWellFormedAction: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    type: fc.constantFrom(...ACTION_TYPES),
    actor: fc.constantFrom(...USERS, 'zed'),
    target: fc.constantFrom(...USERS, 'zed'),
    to: fc.option(fc.oneof({ arbitrary: fc.integer({ min: 0, max: 9 }), weight: 5 }, { arbitrary: fc.constantFrom(...ROLE_NAMES, 'nosuch'), weight: 1 }), { nil: undefined }),
    clients: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    via: fc.constantFrom(...JOIN_VIAS),
    claims: fc.option(fc.subarray(CLAIMS), { nil: undefined }),
    capability: fc.oneof(fc.constantFrom(...CAPS), fc.constantFrom('canSendMessage', 'canBan', 'canKnock', 'noSuchCapability')),
  })
  .map((a) => {
    const out: Record<string, unknown> = { type: a.type, actor: a.actor };
    if (['add', 'remove', 'changeRole', 'ban', 'unban', 'kick'].includes(a.type)) out.target = a.target;
    if (['add', 'changeRole', 'unban', 'changeOwnRole', 'join'].includes(a.type) && a.to !== undefined) out.to = a.to;
    if (['add', 'addOwnClient', 'join'].includes(a.type) && a.clients !== undefined) out.clients = a.clients;
    if (a.type === 'join') out.via = a.via;
    if (a.type === 'capability') out.capability = a.capability;
    if (a.claims !== undefined) out.claims = a.claims;
    return out;
  });

/** One way of breaking an action: a key its type does not take, or a field of the wrong shape. */
const MALFORMED: readonly [string, unknown][] = [
  ['junk', 1],
  ['target', 'alice'],
  ['via', 'open'],
  ['capability', 'canBan'],
  ['clients', 1],
  ['to', 2],
  ['actor', 5],
  ['actor', null],
  ['target', 7],
  ['to', -1],
  ['to', 1.5],
  ['to', {}],
  ['clients', -1],
  ['clients', 1.5],
  ['clients', '2'],
  ['clients', 0],
  ['via', 'door'],
  ['capability', -1],
  ['capability', 0x10000],
  ['capability', {}],
  ['type', 'nosuch'],
  ['claims', 'x'],
  ['claims', [null]],
  ['claims', [{ credentialType: 0x10000, id: '00', value: '00' }]],
  ['claims', [{ credentialType: 1, id: 'ABCD', value: '00' }]],
  ['claims', [{ credentialType: 1, id: '00', value: '0' }]],
  ['claims', [{ credentialType: 1, id: '00', value: '00', extra: true }]],
];

/** Any action, valid or not quite: every type and field, unknown names now and then, and (one time in
 * six) a malformed one, on which both evaluators must throw — or, where the key happens to be one the
 * type takes with a value it accepts, decide alike. */
export const arbAction: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: arbWellFormedAction, weight: 25 },
  { arbitrary: fc.tuple(arbWellFormedAction, fc.constantFrom(...MALFORMED)).map(([a, [k, v]]) => ({ ...a, [k]: v })), weight: 5 },
  { arbitrary: fc.constantFrom(null, [], 'leave', 7), weight: 1 },
);

/** Now and then a key an item does not take, or an index or role of the wrong shape. */
const maybeBroken = <T extends object>(item: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { arbitrary: item, weight: 12 },
    { arbitrary: fc.tuple(item, fc.constantFrom<[string, unknown]>(['junk', 1], ['user', 'ann'], ['userIndex', 0], ['role', -1], ['role', 'nosuch'], ['userIndex', 1.5])).map(([a, [k, v]]) => ({ ...a, [k]: v })), weight: 1 },
  );
export const arbUpdate = fc.record({
  changed: fc.array(maybeBroken(fc.record({ userIndex: fc.integer({ min: 0, max: 3 }), role: fc.integer({ min: 0, max: 7 }) })), { maxLength: 2 }),
  removed: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
  added: fc.array(maybeBroken(fc.record({ user: fc.constantFrom(...USERS, 'zed', 'new'), role: fc.integer({ min: 0, max: 7 }) })), { maxLength: 2 }),
});
export const arbSender = fc.oneof(fc.constantFrom(...USERS), fc.record({ user: fc.constantFrom(...USERS, 'zed'), claims: fc.subarray(CLAIMS) }));
/** A sender that may be malformed: not a user or `{ user, claims? }`, a key it does not take, claims of the wrong shape. */
export const arbMaybeBrokenSender: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: arbSender, weight: 12 },
  { arbitrary: fc.constantFrom(7, null, [], { user: 5 }, {}, { user: 'ann', junk: 1 }, { user: 'ann', claims: 'x' }, { user: 'ann', claims: [{ credentialType: 1, id: 'XY', value: '' }] }, { user: 'ann', claims: [{ credentialType: 70000, id: '', value: '' }] }), weight: 1 },
);
/** An update that may be malformed at the top: not an object, an array missing or of the wrong kind, a key it does not take, an index out of range. */
export const arbMaybeBrokenUpdate: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: arbUpdate, weight: 12 },
  {
    arbitrary: fc
      .tuple(arbUpdate, fc.constantFrom<[string, unknown]>(['junk', 1], ['changed', null], ['removed', {}], ['removed', [-1]], ['removed', [1.5]], ['added', 'x'], ['added', [null]], ['changed', [[0, 2]]]))
      .map(([u, [k, v]]) => ({ ...u, [k]: v })),
    weight: 1,
  },
  { arbitrary: fc.constantFrom(null, [], 'update', {}), weight: 1 },
);

/** One way of breaking a participant entry: a key it does not take, or a field of the wrong shape. */
const BROKEN_ENTRY: readonly [string, unknown][] = [
  ['junk', 1],
  ['__proto__', { role: 6 }],
  ['constructor', 'x'],
  ['user', 5],
  ['user', null],
  ['role', -1],
  ['role', 1.5],
  ['role', {}],
  ['role', 'nosuch'],
  ['role', 0],
  ['role', '0'],
  ['clients', -1],
  ['clients', 1.5],
  ['clients', '1'],
  ['clients', 2 ** 32],
];
/** A state that may be malformed (one time in four): an entry broken as above, missing a field, not an
 * object at all or listed twice; a key the state does not take; no participants array. Both evaluators
 * must reject exactly these. */
export const arbMaybeBrokenState = (policy: Policy): fc.Arbitrary<unknown> =>
  fc.oneof(
    { arbitrary: arbState(policy), weight: 9 },
    {
      arbitrary: fc
        .tuple(arbState(policy), fc.nat(), fc.constantFrom<[string, unknown]>(...BROKEN_ENTRY))
        .map(([s, at, [k, v]]) => {
          const ps: unknown[] = [...s.participants];
          const i = at % ps.length;
          // a computed key: `__proto__` becomes an own property, as JSON.parse makes it
          ps[i] = { ...(ps[i] as object), [k]: v };
          return { participants: ps };
        }),
      weight: 2,
    },
    {
      arbitrary: fc.tuple(arbState(policy), fc.nat(), fc.constantFrom('user', 'role', 'clients', 'null', 'array', 'string', 'twice')).map(([s, at, how]) => {
        const ps: unknown[] = [...s.participants];
        const i = at % ps.length;
        const p = ps[i] as Participant;
        if (how === 'null') ps[i] = null;
        else if (how === 'array') ps[i] = [p.user, p.role, p.clients];
        else if (how === 'string') ps[i] = p.user;
        else if (how === 'twice') ps.push({ ...p, clients: 0 });
        else {
          const copy: Record<string, unknown> = { ...p };
          delete copy[how];
          ps[i] = copy;
        }
        return { participants: ps };
      }),
      weight: 1,
    },
    { arbitrary: arbState(policy).map((s) => ({ ...s, extra: true })), weight: 1 },
    { arbitrary: fc.constantFrom({}, { participants: null }, { participants: {} }, null, [], 'state'), weight: 1 },
  );
