/** The public face of compiler/: compile, check, render, and (later) analyse and emit. */
export { compileFile, compileSource, loadWire, type CompileResult, type CompileOptions, type LoadWireResult, type WireKind } from './compile.js';
export { lower, type Symbols, type LowerResult } from './lower.js';
export { loadProgram, nodeHost, memoryHost, packageRoot, type CompilerHost, type Program } from './resolve.js';
export { checkPolicy, policyRules, type PolicyRule, type RuleContext } from './rules/index.js';
export { renderHuman, renderPlain, diagnosticJson, summaryLine, describeStep, type RenderOptions } from './render.js';
export { suggest, didYouMean } from '../runtime/suggest.js';
export { analyse, analyses, FINDING_KINDS, type AnalyseOptions, type Analysis, type Finding } from './analyses/index.js';
export { Explainer, type CapabilityAnswer, type RoleAnswer } from './analyses/shared/explain.js';
export { emitTypeScript, emitOptionsFromSymbols, type TypeScriptEmitOptions } from './emit/typescript.js';
