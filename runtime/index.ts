/**
 * `mimi-policy/runtime`: what an application that only reads and authorizes policies needs, with no
 * compiler, grammar, formatter or emitter in its module graph (test/entry-points.test.ts checks it):
 * the MIMI wire codec, the policy IR (types and shapes as data, runtime/schema.ts), the authorization
 * semantics, the interpreter (authorize, authorizeUpdate, the queries), the diagnostics table and the
 * input limits. No dependencies: zod schemas derived from the shapes are exported by the package root
 * (runtime/zod.ts), not here.
 */
export * from './ir.js';
export * from './diagnostics.js';
export * from './limits.js';
export * from './codec/index.js';
export * from './semantics.js';
export { capabilities, capabilityByCode, capabilityByName, isPrivateUse, hex16, PRIVATE_USE_MIN, PRIVATE_USE_MAX, type CapabilityInfo } from './registry.js';
export * from './evaluator/index.js';
export { check, fits, type Schema, type SchemaIssue, type Infer } from './schema.js';
