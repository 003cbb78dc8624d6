/**
 * The MIMI wire codec: TLS presentation language (RFC 9420 §2.1) encoders and strict decoders for the
 * room-policy components of draft-ietf-mimi-room-policy-03, the participant list of
 * draft-mahy-mimi-app-components, and the AppDataDictionary / AppDataUpdate framing of
 * draft-ietf-mls-extensions. Canonical: `encode(decode(b))` is `b` for every valid `b`, and
 * `decode(encode(ir))` equals `ir` for every valid IR.
 *
 * Decoders throw only DecodeError; encoders throw EncodeError for values with no wire form.
 */
export { DecodeError, DecodeLimitError, EncodeError } from './errors.js';
export { encodePolicy, decodePolicy, MODELLED_COMPONENT_IDS } from './policy.js';
export {
  encodeComponent,
  decodeComponent,
  detectComponent,
  COMPONENT_KINDS,
  DETECT_ORDER,
  type ComponentKind,
  type ComponentValues,
} from './components.js';
export { showComponentId, type AppDataUpdate } from './dictionary.js';
export { inspect, inspectPartial, renderInspect, INSPECT_DEFAULTS, type InspectKind, type InspectLine, type InspectOptions, type InspectResult } from './inspect.js';
export { Reader, readAll, TRACE_HEX_FULL, TRACE_HEX_HEAD, TRACE_HEX_TAIL, type ReaderOptions, type TraceHook, type TraceLine } from './reader.js';
export { Writer, writeAll, encodeVarint, VARINT_MAX } from './writer.js';
export { wireSizeDiagnostic } from './size.js';
