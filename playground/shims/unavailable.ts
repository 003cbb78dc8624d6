/**
 * The package root imports the TypeScript emitter and the formatter on first call (they load
 * ts-morph and prettier); the page calls neither, so the bundle gets this instead (scripts/playground.ts).
 */
const unavailable = (name: string) => (): never => {
  throw new Error(`${name} is not part of the playground`);
};
export const emitTypeScript = unavailable('emitTypeScript');
export const format = unavailable('format');
export const isFormatted = unavailable('isFormatted');
