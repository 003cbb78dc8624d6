/**
 * Properties of the codec: canonical round trips both ways on random valid IR, and strictness under
 * fuzzing (random bytes, truncations and mutations of valid encodings either decode — and then
 * re-encode to the same bytes — or throw DecodeError, never anything else).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  decodeComponent,
  decodePolicy,
  detectComponent,
  encodeComponent,
  encodePolicy,
  type ComponentKind,
  type ComponentValues,
} from '../runtime/codec/index.js';
import {
  arbBase,
  arbDictionary,
  arbHex,
  arbHistory,
  arbParticipantListUpdate,
  arbParticipants,
  arbPolicy,
  arbPreAuthEntry,
  arbRole,
  arbU16,
} from './arbitraries.js';

const RUNS = 300;

const ARBS: { [K in ComponentKind]: fc.Arbitrary<ComponentValues[K]> } = {
  dictionary: arbDictionary,
  roles: fc.array(arbRole, { maxLength: 4 }),
  preauth: fc.array(arbPreAuthEntry, { maxLength: 3 }),
  base: arbBase,
  participants: arbParticipants,
  participantsUpdate: arbParticipantListUpdate,
  history: arbHistory,
  appDataUpdate: fc.oneof(
    fc.record({ componentId: arbU16, op: fc.constant('update' as const), data: arbHex }),
    fc.record({ componentId: arbU16, op: fc.constant('remove' as const) }),
  ),
};
const KINDS = Object.keys(ARBS) as ComponentKind[];

/** Decodes as `kind` (or a whole policy); on success re-encodes, on failure requires a DecodeError. */
function decodeOrDecodeError(kind: ComponentKind | 'policy', bytes: Uint8Array): void {
  let reencoded: Uint8Array;
  try {
    reencoded = kind === 'policy' ? encodePolicy(decodePolicy(bytes)) : encodeComponent(kind, decodeComponent(kind, bytes));
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThanOrEqual(bytes.length);
    return;
  }
  // canonical: whatever decodes re-encodes to exactly the same bytes
  expect(Buffer.from(reencoded).equals(Buffer.from(bytes))).toBe(true);
}

describe('round trips', () => {
  it.each(KINDS)('%s: IR -> bytes -> IR and bytes -> IR -> bytes', (kind) => {
    fc.assert(
      fc.property(ARBS[kind] as fc.Arbitrary<ComponentValues[typeof kind]>, (value) => {
        const bytes = encodeComponent(kind, value);
        const decoded = decodeComponent(kind, bytes);
        expect(decoded).toEqual(value);
        expect(encodeComponent(kind, decoded)).toEqual(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('policy: IR -> bytes -> IR and bytes -> IR -> bytes', () => {
    fc.assert(
      fc.property(arbPolicy, (policy) => {
        const bytes = encodePolicy(policy);
        const decoded = decodePolicy(bytes);
        expect(decoded).toEqual(policy);
        expect(encodePolicy(decoded)).toEqual(bytes);
        // the encoding is a dictionary, and detection (a heuristic) says so
        expect(detectComponent(bytes)).toBe('dictionary');
      }),
      { numRuns: RUNS },
    );
  });
});

/** A valid policy encoding with one edit: truncation, byte change, insertion or deletion. */
const arbMutatedPolicy = fc
  .tuple(arbPolicy.map(encodePolicy), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('truncate', 'set', 'insert', 'delete'))
  .map(([b, at, byte, edit]) => {
    const i = at % (b.length + 1);
    const out = Array.from(b);
    if (edit === 'truncate') out.length = i;
    else if (edit === 'set' && i < out.length) out[i] = byte;
    else if (edit === 'insert') out.splice(i, 0, byte);
    else if (edit === 'delete') out.splice(i, 1);
    return Uint8Array.from(out);
  });

describe('fuzzing: decode or DecodeError, never another exception', () => {
  const targets: Array<ComponentKind | 'policy'> = [...KINDS, 'policy'];

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 48 }), (bytes) => {
        for (const kind of targets) decodeOrDecodeError(kind, bytes);
        detectComponent(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('short inputs of mostly 0 and 1 (often valid, so re-encoding is checked too)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 0, 0, 0, 1, 1, 2, 4), { maxLength: 14 }).map((b) => Uint8Array.from(b)), (bytes) => {
        for (const kind of targets) decodeOrDecodeError(kind, bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('truncations and mutations of valid policy encodings', () => {
    fc.assert(
      fc.property(arbMutatedPolicy, (bytes) => {
        decodeOrDecodeError('policy', bytes);
        decodeOrDecodeError('dictionary', bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('every strict prefix of a valid encoding is rejected', () => {
    fc.assert(
      fc.property(arbPolicy, (policy) => {
        const bytes = encodePolicy(policy);
        for (let n = 0; n < bytes.length; n++) expect(() => decodePolicy(bytes.subarray(0, n))).toThrow(DecodeError);
      }),
      { numRuns: 50 },
    );
  });
});
