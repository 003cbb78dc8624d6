/**
 * mimi-policy as a library: everything a command does is a typed function here (parse, compile and
 * check, encode/decode, decompile, build outputs). The CLI only parses arguments and renders.
 */
export { parse, type ParseResult, type SourceFile } from './grammar/index.js';
export * from './compiler/index.js';
export * from './runtime/ir.js';
export * from './runtime/diagnostics.js';
export * from './runtime/codec/index.js';
export { capabilities, capabilityByCode, capabilityByName, isPrivateUse, type CapabilityInfo } from './runtime/registry.js';
