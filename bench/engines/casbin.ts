/**
 * casbin (node-casbin), idiomatically: an RBAC-style model with capabilities as `p` policy lines
 * (role, room, capability) and the role changes as a second policy section `p2` (actor role, from, to),
 * each with its own matcher; decisions with `enforceSync`. Policy lines are generated from the IR.
 */
import { EnforceContext, newCachedEnforcer, newEnforcer, newModelFromString, StringAdapter } from 'casbin';
import { canTransition, type IndexedPolicy } from '../../runtime/evaluator/index.js';

const MODEL = `
[request_definition]
r = sub, obj, act
r2 = sub, from, to

[policy_definition]
p = sub, obj, act
p2 = sub, from, to

[policy_effect]
e = some(where (p.eft == allow))
e2 = some(where (p.eft == allow))

[matchers]
m = r.sub == p.sub && r.obj == p.obj && r.act == p.act
m2 = r2.sub == p2.sub && r2.from == p2.from && r2.to == p2.to
`;

export async function casbin(ip: IndexedPolicy, roleNames: readonly string[], capName: (code: number) => string) {
  const lines: string[] = [];
  for (const [r, set] of ip.caps) for (const c of set) lines.push(`p, ${roleNames[r]}, room, ${capName(c)}`);
  for (let a = 0; a < roleNames.length; a++)
    for (let f = 0; f < roleNames.length; f++) for (let t = 0; t < roleNames.length; t++) if (canTransition(ip, a, f, t)) lines.push(`p2, ${roleNames[a]}, ${roleNames[f]}, ${roleNames[t]}`);
  const e = await newEnforcer(newModelFromString(MODEL), new StringAdapter(lines.join('\n')));
  const ctx = new EnforceContext('r2', 'p2', 'e2', 'm2');
  return {
    hasCapability: (role: string, cap: string): boolean => e.enforceSync(role, 'room', cap),
    canTransition: (a: string, f: string, t: string): boolean => e.enforceSync(ctx, a, f, t),
  };
}

const CACHED_MODEL = `
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.sub == p.sub && r.obj == p.obj && r.act == p.act
`;

/**
 * casbin with its decision cache (`newCachedEnforcer`): the cache serves the async `enforce` only, and
 * only requests of strings, so both questions share the one request shape — capabilities as
 * (role, `room`, capability), role changes as (`move:` + actor role, from, to).
 */
export async function casbinCached(ip: IndexedPolicy, roleNames: readonly string[], capName: (code: number) => string) {
  const lines: string[] = [];
  for (const [r, set] of ip.caps) for (const c of set) lines.push(`p, ${roleNames[r]}, room, ${capName(c)}`);
  for (let a = 0; a < roleNames.length; a++)
    for (let f = 0; f < roleNames.length; f++) for (let t = 0; t < roleNames.length; t++) if (canTransition(ip, a, f, t)) lines.push(`p, move:${roleNames[a]}, ${roleNames[f]}, ${roleNames[t]}`);
  const e = await newCachedEnforcer(newModelFromString(CACHED_MODEL), new StringAdapter(lines.join('\n')));
  return {
    hasCapability: (role: string, cap: string): Promise<boolean> => e.enforce(role, 'room', cap),
    canTransition: (a: string, f: string, t: string): Promise<boolean> => e.enforce(`move:${a}`, f, t),
  };
}
