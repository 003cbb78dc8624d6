/**
 * Base room policy consistency (draft-ietf-mimi-room-policy-03 §"Base Room policy component syntax"):
 * `parent_room` is set exactly when the room is parent-dependant; `policy_component_ids` lists the
 * policy components the room carries.
 */
import { defaultPolicyComponentIds } from '../../runtime/ir.js';
import { hex16 } from '../../runtime/registry.js';
import type { PolicyRule } from './context.js';

export const baseConsistency: PolicyRule = {
  kinds: ['parent-room-mismatch', 'component-ids-mismatch'],
  title: 'parent_room iff parent_dependant; policy_component_ids lists the components present',
  run(ctx) {
    const b = ctx.policy.base;
    const prov = ctx.provenance?.base;
    if (b.parentDependant && b.parentRooms.length === 0)
      ctx.report('parent-room-mismatch', 'a parent-dependant room must name its parent room', prov?.parentDependant ?? prov?.block, { help: 'add `parent_room "<room id>"`' });
    if (!b.parentDependant && b.parentRooms.length > 0)
      ctx.report('parent-room-mismatch', '`parent_room` is set but the room is not parent-dependant', prov?.parentRooms ?? prov?.block, { help: 'add `parent_dependant true` or remove `parent_room`' });
    const expected = defaultPolicyComponentIds(ctx.policy);
    const listed = new Set(b.policyComponentIds);
    const missing = expected.filter((id) => !listed.has(id));
    if (missing.length > 0)
      ctx.report('component-ids-mismatch', `\`policy_component_ids\` does not list ${missing.map(hex16).join(', ')}, which the policy carries`, prov?.policyComponentIds ?? prov?.block, {
        help: 'remove the `components` line to have the list computed',
      });
  },
};
