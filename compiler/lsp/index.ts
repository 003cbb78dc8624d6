/** The public face of compiler/lsp/: the `.mimi` language server, started on any LSP connection. */
export { startServer, toLspDiagnostic, DEBOUNCE_MS, type ServerOptions, type RunningServer } from './server.js';
export { FrameParser, FrameReader, MAX_FRAME_BYTES, type DroppedFrame, type FrameEvent, type FrameReaderOptions } from './transport.js';
export { checkParams } from './params.js';
export { Workspace, type Analysis } from './analysis.js';
export { completions, completionContext } from './completion.js';
export { collectOccurrences, type Occurrence, type Namespace } from './occurrences.js';
export { codeActions, fixData, readFixData, suggestionOf, allowLine, allowInsertion, ACK_PLACEHOLDER, type FixData, type FixRequest } from './code-actions.js';
export { semanticTokens, decodeSemanticTokens, nameIndex, SEMANTIC_TOKENS_LEGEND, TOKEN_TYPES, TOKEN_MODIFIERS, type NameIndex, type TokenType, type TokenModifier } from './semantic-tokens.js';
