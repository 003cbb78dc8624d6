/**
 * zod schemas of the policy IR and of the evaluators' inputs, derived from their shapes as data
 * (runtime/ir.ts, runtime/evaluator/inputs.ts; runtime/schema.ts): for applications that validate
 * with zod. The runtime entry (`mimi-policy/runtime`) does not import this module, so zod is not in
 * its module graph; the package root re-exports it.
 */
import { z } from 'zod';
import * as ir from './ir.js';
import type { Infer, ObjectNode, Schema } from './schema.js';
import { ActionInputShape, ClaimInputShape, ParticipantInputShape, SenderInputShape, StateInputShape, UpdateInputShape, type SenderInput, type StateInput, type UpdateInput } from './evaluator/inputs.js';

const HEX = /^(?:[0-9a-f]{2})*$/;

function objectToZod(s: ObjectNode): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const k of s.keys) shape[k] = toZodNode(s.fields[k]!);
  return s.strict ? z.strictObject(shape, { error: s.message }) : z.object(shape, { error: s.message });
}

function toZodNode(s: Schema): z.ZodType {
  const error = s.message;
  switch (s.kind) {
    case 'string':
      return z.string({ error });
    case 'hex':
      return z.string({ error }).regex(HEX, { error });
    case 'int':
      return z.number({ error }).int({ error }).min(s.min, { error }).max(s.max, { error });
    case 'boolean':
      return z.boolean({ error });
    case 'enum':
      return z.enum(s.values as [string, ...string[]], { error });
    case 'array':
      return z.array(toZodNode(s.of), { error });
    case 'ref':
      return z.union([z.number().int().min(0).max(s.max), z.string()], { error });
    case 'nullable':
      return toZodNode(s.of).nullable();
    case 'optional':
      return toZodNode(s.of).optional();
    case 'object':
      return objectToZod(s);
    case 'tagged':
      return z.discriminatedUnion(s.tag, [...s.cases.values()].map(objectToZod) as [z.ZodObject, ...z.ZodObject[]], { error });
    case 'union':
      return z.union([z.string({ error }), objectToZod(s.object)], { error });
  }
}

/** The zod schema of a shape: it accepts exactly the values `check` accepts (test/schema.test.ts). */
export const toZod = <S extends Schema>(s: S): z.ZodType<Infer<S>> => toZodNode(s) as z.ZodType<Infer<S>>;

export const RoleChangeSchema = toZod(ir.RoleChangeShape);
export const RoleSchema = toZod(ir.RoleShape);
export const ClaimSchema = toZod(ir.ClaimShape);
export const PreAuthEntrySchema = toZod(ir.PreAuthEntryShape);
export const BaseRoomPolicySchema = toZod(ir.BaseRoomPolicyShape);
export const UserRolePairSchema = toZod(ir.UserRolePairShape);
export const ParticipantListUpdateSchema = toZod(ir.ParticipantListUpdateShape);
export const OptionalitySchema = toZod(ir.OptionalityShape);
export const HistoryPolicySchema = toZod(ir.HistoryPolicyShape);
export const OpaqueComponentSchema = toZod(ir.OpaqueComponentShape);
export const PolicySchema = toZod(ir.PolicyShape);
export const ClaimInputSchema = toZod(ClaimInputShape);
export const ParticipantInputSchema = toZod(ParticipantInputShape);
export const StateInputSchema = toZod(StateInputShape);
export const ActionInputSchema = toZod(ActionInputShape);
export const SenderInputSchema = toZod(SenderInputShape);
export const UpdateInputSchema = toZod(UpdateInputShape);

// Each derived schema's z.infer is the written-out type (a compile error here when they drift apart).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
// eslint-disable-next-line @typescript-eslint/no-unused-vars
type InferredAreTheTypes = [
  Assert<Same<z.infer<typeof RoleChangeSchema>, ir.RoleChange>>,
  Assert<Same<z.infer<typeof RoleSchema>, ir.Role>>,
  Assert<Same<z.infer<typeof ClaimSchema>, ir.Claim>>,
  Assert<Same<z.infer<typeof PreAuthEntrySchema>, ir.PreAuthEntry>>,
  Assert<Same<z.infer<typeof BaseRoomPolicySchema>, ir.BaseRoomPolicy>>,
  Assert<Same<z.infer<typeof UserRolePairSchema>, ir.UserRolePair>>,
  Assert<Same<z.infer<typeof ParticipantListUpdateSchema>, ir.ParticipantListUpdate>>,
  Assert<Same<z.infer<typeof OptionalitySchema>, ir.Optionality>>,
  Assert<Same<z.infer<typeof HistoryPolicySchema>, ir.HistoryPolicy>>,
  Assert<Same<z.infer<typeof OpaqueComponentSchema>, ir.OpaqueComponent>>,
  Assert<Same<z.infer<typeof PolicySchema>, ir.Policy>>,
  // (StateInput's array is readonly: what zod gives is one)
  Assert<z.infer<typeof StateInputSchema> extends StateInput ? true : false>,
  Assert<Same<z.infer<typeof UpdateInputSchema>, UpdateInput>>,
  Assert<Same<z.infer<typeof SenderInputSchema>, SenderInput>>,
];
