/**
 * Browser stand-ins for the Node built-ins that library modules import at their top but the page
 * never calls (compiler/resolve.ts's `nodeHost`, `memoryHost` and `packageRoot` read the disk; the page
 * compiles through its own host, playground/model.ts). scripts/playground.ts points every `node:*`
 * import of the bundle here. The one function the page does use is `isDeepStrictEqual`
 * (compiler/emit/source.ts compares a preauth entry's embedded role with the role list): for the IR's
 * plain data (objects, arrays, strings, numbers, booleans, null) it is the structural comparison below.
 */
const unavailable = (name: string) => (): never => {
  throw new Error(`${name} is not available in the browser`);
};

export const existsSync = unavailable('fs.existsSync');
export const readFileSync = unavailable('fs.readFileSync');
export const statSync = unavailable('fs.statSync');
export const dirname = unavailable('path.dirname');
export const join = unavailable('path.join');
export const resolve = unavailable('path.resolve');
export const fileURLToPath = unavailable('url.fileURLToPath');

export function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => isDeepStrictEqual(x, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && isDeepStrictEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
