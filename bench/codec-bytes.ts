/**
 * Big opaque data through the codec: hex both ways, a policy with one large unknown component
 * (decode, encode, inspect) and a large text checked without building it (inspect's validate-only
 * pass). The runtime is platform-neutral (runtime/codec/hex.ts): under Node it uses Buffer, elsewhere
 * a table-driven path, timed here too (the `portable*` functions).
 *
 *   tsx bench/codec-bytes.ts [MB]
 */
const MB = Number(process.argv[2] ?? 100);

const hexModule: Record<string, unknown> = await import('../runtime/codec/hex.js');
const { fromHex, toHex } = hexModule as typeof import('../runtime/codec/hex.js');
const { decodePolicy, encodePolicy, inspectPartial, encodeComponent } = await import('../runtime/codec/index.js');
const { ComponentId, defaultBasePolicy } = await import('../runtime/ir.js');
type Policy = import('../runtime/ir.js').Policy;

const time = (name: string, f: () => unknown): void => {
  const t = performance.now();
  f();
  console.log(`${name.padEnd(48)} ${(performance.now() - t).toFixed(0).padStart(6)} ms`);
};
const n = MB * 1024 * 1024;
console.log(`${MB} MB (node ${process.version})\n`);
const data = new Uint8Array(n);
for (let i = 0; i < n; i++) data[i] = (i * 131) & 0xff;
let hex = '';
time(`toHex, ${MB} MB`, () => (hex = toHex(data)));
time(`fromHex, ${MB} MB`, () => fromHex(hex));
const portableToHex = hexModule.portableToHex as typeof toHex | undefined;
const portableFromHex = hexModule.portableFromHex as typeof fromHex | undefined;
if (portableToHex && portableFromHex) {
  time(`toHex without Buffer, ${MB} MB`, () => portableToHex(data));
  time(`fromHex without Buffer, ${MB} MB`, () => portableFromHex(hex));
}

// a small room (two roles, two participants) carrying one unknown component of MB megabytes
const role = (index: number, name: string, capabilities: number[]) => ({ index, name, description: '', capabilities, minParticipants: 0, maxParticipants: null, minActive: 0, maxActive: null, changes: [] });
const small: Policy = {
  base: { ...defaultBasePolicy(), policyComponentIds: [ComponentId.participantList, ComponentId.roles] },
  roles: [role(0, 'guest', []), role(1, 'member', [0x0001, 0x0002, 0x0100])],
  preauth: null,
  participants: [{ user: 'mimi://example.com/u/alice', role: 1 }, { user: 'mimi://example.com/u/bob', role: 0 }],
  history: null,
  otherComponents: [],
};
let bytes: Uint8Array = new Uint8Array();
time(`encodePolicy with a ${MB} MB unknown component`, () => (bytes = encodePolicy({ ...small, otherComponents: [{ id: 0xf000, data: hex }] })));
time(`decodePolicy of it`, () => decodePolicy(bytes));
time(`inspect of it`, () => inspectPartial(bytes, 'policy'));

const roles = encodeComponent('roles', [role(0, 'é'.repeat(n / 2), [])]);
time(`inspect of a role named with ${MB} MB of UTF-8`, () => inspectPartial(roles, 'roles'));
const { isUtf8, portableIsUtf8 } = await import('../runtime/codec/utf8.js');
const text = new TextEncoder().encode('é'.repeat(n / 2));
time(`isUtf8, ${MB} MB`, () => isUtf8(text));
time(`isUtf8 without node:buffer, ${MB} MB`, () => portableIsUtf8(text));
