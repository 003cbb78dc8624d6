/**
 * The public face of compiler/format/: `format(text)` formats `.mimi` source with prettier and the
 * `.mimi` plugin. Formatting keeps every comment, is idempotent, and never changes what the file
 * compiles to (the IR before and after is the same).
 */
import * as prettier from 'prettier';
import { mimiPlugin } from './plugin.js';

export { mimiPlugin, MimiSyntaxError } from './plugin.js';

export interface FormatOptions {
  /** default 100 */
  printWidth?: number;
  /** default 2 */
  tabWidth?: number;
  useTabs?: boolean;
  /** the file's path, for messages */
  filepath?: string;
  /** refuse a source larger than this many UTF-8 bytes: rejects with one `limit-exceeded` (E0006) diagnostic (default 16 MB, `--max-source-bytes`) */
  maxSourceBytes?: number;
}

/** Format `.mimi` source. Rejects with a `MimiSyntaxError` (carrying the diagnostics) when it does not parse. */
export function format(text: string, options: FormatOptions = {}): Promise<string> {
  return prettier.format(text, { ...options, parser: 'mimi', plugins: [mimiPlugin] });
}

/** Whether `text` is already formatted. */
export async function isFormatted(text: string, options: FormatOptions = {}): Promise<boolean> {
  return (await format(text, options)) === text;
}
