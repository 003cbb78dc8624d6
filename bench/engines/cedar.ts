/**
 * Cedar (`@cedar-policy/cedar-wasm`), idiomatically: roles as principals (`Role::"acme_admin"`), each
 * capability an action on the room, one `permit` per role for its capabilities and one per allowed
 * role change (`action == Action::"move"`, resource the from-role, `context.to` the destination); the
 * policy set is parsed once (`preparsePolicySet`) and every question is a `statefulIsAuthorized`.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { canTransition, type IndexedPolicy } from '../../runtime/evaluator/index.js';

export function cedarEngine(ip: IndexedPolicy, roleNames: readonly string[], capName: (code: number) => string) {
  const policies: string[] = [];
  for (const [r, set] of ip.caps)
    if (set.size) policies.push(`permit(principal == Role::"${roleNames[r]}", action in [${[...set].map((c) => `Action::"${capName(c)}"`).join(', ')}], resource == Room::"room");`);
  for (let a = 0; a < roleNames.length; a++)
    for (let f = 0; f < roleNames.length; f++)
      for (let t = 0; t < roleNames.length; t++)
        if (canTransition(ip, a, f, t)) policies.push(`permit(principal == Role::"${roleNames[a]}", action == Action::"move", resource == Role::"${roleNames[f]}") when { context.to == "${roleNames[t]}" };`);
  const parsed = cedar.preparsePolicySet('room', { staticPolicies: policies.join('\n') });
  if (parsed.type !== 'success') throw new Error(`cedar: ${JSON.stringify(parsed)}`);
  const room = { type: 'Room', id: 'room' };
  const ask = (principal: string, action: string, resource: { type: string; id: string }, context: Record<string, string>): boolean => {
    const r = cedar.statefulIsAuthorized({ principal: { type: 'Role', id: principal }, action: { type: 'Action', id: action }, resource, context, preparsedPolicySetId: 'room', entities: [] });
    if (r.type !== 'success') throw new Error(`cedar: ${JSON.stringify(r.errors)}`);
    return r.response.decision === 'allow';
  };
  return {
    hasCapability: (role: string, cap: string): boolean => ask(role, cap, room, {}),
    canTransition: (a: string, f: string, t: string): boolean => ask(a, 'move', { type: 'Role', id: f }, { to: t }),
  };
}
