/**
 * `mimi-policy/runtime`: what an application that only reads and authorizes policies needs, with no
 * compiler, grammar, formatter or emitter in its module graph (test/entry-points.test.ts checks it):
 * the MIMI wire codec, the policy IR (types and zod schemas), the authorization semantics, the
 * interpreter (authorize, authorizeUpdate, the queries), the diagnostics table and the input limits.
 */
export * from './ir.js';
export * from './diagnostics.js';
export * from './limits.js';
export * from './codec/index.js';
export * from './semantics.js';
export { capabilities, capabilityByCode, capabilityByName, isPrivateUse, hex16, PRIVATE_USE_MIN, PRIVATE_USE_MAX, type CapabilityInfo } from './registry.js';
export * from './evaluator/index.js';
