/**
 * Capability placement (draft-ietf-mimi-room-policy-03 §"Role Capabilities", §"Base Room policy"):
 * `canOpenJoin` only on role 0; fixed-membership rooms give no non-zero, non-banned role
 * `canAddParticipant`; reserved capabilities have no semantics yet; codes that are neither registered
 * nor private-use, and duplicates, can only come from wire input.
 */
import { capabilityByCode, capabilityByName, hex16, isPrivateUse } from '../../runtime/registry.js';
import { ACTIONS, JOIN } from '../../runtime/semantics.js';
import type { PolicyRule } from './context.js';

const OPEN_JOIN = capabilityByName.get(JOIN.open.capability)!.code;
const ADD = capabilityByName.get(ACTIONS.add.capability!)!.code;

export const capabilityPlacement: PolicyRule = {
  kinds: ['open-join-not-role-0', 'fixed-membership-add', 'reserved-capability', 'duplicate-capability', 'unknown-capability-code'],
  title: 'canOpenJoin on role 0 only; no canAddParticipant in fixed-membership rooms; reserved and unknown codes',
  run(ctx) {
    const { policy } = ctx;
    policy.roles.forEach((r, i) => {
      const seen = new Set<number>();
      for (const code of r.capabilities) {
        if (seen.has(code)) {
          ctx.report('duplicate-capability', `role \`${r.name}\` lists ${capabilityByCode.get(code)?.name ?? hex16(code)} twice`, ctx.grantSpan(i, code));
          continue;
        }
        seen.add(code);
        const info = capabilityByCode.get(code);
        if (info?.reserved)
          ctx.report('reserved-capability', `\`${info.name}\` is reserved in the registry and has no defined meaning yet`, ctx.grantSpan(i, code), {
            help: 'clients may ignore it; remove it unless your deployment defines it',
          });
        if (!info && !isPrivateUse(code))
          ctx.report('unknown-capability-code', `role \`${r.name}\` has capability code ${hex16(code)}, which is neither registered nor private-use`, ctx.roleSpan(i));
      }
      if (r.index !== 0 && seen.has(OPEN_JOIN))
        ctx.report('open-join-not-role-0', `\`canOpenJoin\` is granted to role \`${r.name}\` (index ${r.index}), but only role 0 may hold it`, ctx.grantSpan(i, OPEN_JOIN), {
          help: 'open joining is decided by role 0 (non-participants): grant `canOpenJoin` to the role at `@0` and list the join targets in its `changes` (`none -> member`)',
        });
      if (policy.base.fixedMembership && r.index !== 0 && r.index !== 1 && seen.has(ADD)) {
        const room = ctx.provenance?.base.fixedMembership;
        ctx.report('fixed-membership-add', `fixed-membership room gives role \`${r.name}\` \`canAddParticipant\``, ctx.grantSpan(i, ADD), {
          labels: room ? [{ span: room, message: 'the room is fixed-membership here' }] : [],
          help: 'in a fixed-membership room nobody can be added after creation: remove `canAddParticipant`',
        });
      }
    });
  },
};
