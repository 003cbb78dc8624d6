/**
 * All-or-nothing output: every artifact is written to a temporary folder inside the destination, then
 * renamed into place, so a failure never leaves a partial set of files.
 *
 * 1. Every destination is checked first: the folder must be a writable folder, each file name unique
 *    and no destination may be a folder (or anything but a file). A problem there is refused before
 *    anything is written.
 * 2. The new files are written into the temporary folder (a full disk fails here, nothing replaced).
 * 3. Each is renamed into place; a file it replaces is kept in the temporary folder first (a hard
 *    link, or a copy where links are not possible). If a rename still fails midway, what was renamed
 *    is undone: replaced files get their old content back, new ones are removed.
 * Failures are a WriteError naming the path and why, with the system's error code (exit 2).
 */
import { accessSync, constants, copyFileSync, linkSync, lstatSync, mkdirSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Output that could not be written. `code` is the system's (EISDIR, EACCES, ENOSPC, …); `path` the file or folder. */
export class WriteError extends Error {
  override readonly name = 'WriteError';
  constructor(
    message: string,
    readonly path: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The file-system operations used, replaceable in tests to make one of them fail. */
export interface WriteFs {
  renameSync(from: string, to: string): void;
  writeFileSync(path: string, bytes: Uint8Array): void;
}
const realFs: WriteFs = { renameSync, writeFileSync: (p, b) => writeFileSync(p, b) };

const codeOf = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? 'EIO';
function reason(e: unknown): string {
  switch (codeOf(e)) {
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'EEXIST':
      return 'it exists and is not a directory';
    case 'ENOENT':
      return 'a part of the path does not exist';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'EBUSY':
      return 'it is busy';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'EDQUOT':
      return 'the disk quota is exceeded';
    default:
      // the system's words without Node's syscall and path (`EIO: i/o error, write '/x'` → `EIO: i/o error`)
      return systemWords(e);
  }
}
/** `CODE: description` of a system error, without the syscall and path Node appends. */
const systemWords = (e: unknown): string => {
  const m = /^([A-Z0-9]+: [^,]*)/.exec((e as Error).message ?? '');
  return m ? m[1] : `the system refused (${codeOf(e)})`;
};
const fail = (path: string, why: string, code: string, written = false): never => {
  throw new WriteError(`cannot write \`${path}\`: ${why}; ${written ? 'nothing was changed (the files already moved into place were put back)' : 'no file was written'}`, path, code);
};

const statSafe = (p: string) => {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
};
const lstatSafe = (p: string) => {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
};

/**
 * One output file, all or nothing (writeAllOrNothing), or stdout when `out` is undefined or `-`.
 * A destination that is a directory (or ends in `/`) is refused, naming it.
 */
export function writeOutput(out: string | undefined, content: string | Uint8Array, stdout: (text: string) => void, fs: WriteFs = realFs): void {
  if (out === undefined || out === '-') {
    stdout(typeof content === 'string' ? content : new TextDecoder().decode(content));
    return;
  }
  if (out === '' || /[/\\]$/.test(out)) fail(out, 'expected a file name, not a directory', 'EISDIR');
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  writeAllOrNothing(dirname(out), [{ name: basename(out), bytes }], fs);
}

/** Step 1: refuse what cannot work before anything is written. Returns the destinations that exist. */
function checkDestinations(dir: string, files: readonly { name: string }[]): Set<string> {
  try {
    // a file where the folder should be is named as such (mkdir would say EEXIST)
    if (!lstatSafe(dir)?.isDirectory() && statSafe(dir)?.isFile()) fail(dir, 'it is a file, not a directory', 'ENOTDIR');
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    if (e instanceof WriteError) throw e;
    fail(dir, reason(e), codeOf(e));
  }
  try {
    if (!statSync(dir).isDirectory()) fail(dir, 'it is not a directory', 'ENOTDIR');
    accessSync(dir, constants.W_OK);
  } catch (e) {
    if (e instanceof WriteError) throw e;
    fail(dir, reason(e), codeOf(e));
  }
  const names = new Set<string>();
  const existing = new Set<string>();
  for (const f of files) {
    const dest = join(dir, f.name);
    if (f.name === '' || f.name.includes('/') || f.name.includes('\\')) fail(dest, 'not a plain file name', 'EINVAL');
    if (names.has(f.name)) fail(dest, 'two outputs have this name', 'EINVAL');
    names.add(f.name);
    let st;
    try {
      st = lstatSync(dest);
    } catch (e) {
      if (codeOf(e) === 'ENOENT') continue;
      fail(dest, reason(e), codeOf(e));
    }
    if (st!.isDirectory()) fail(dest, 'it is a directory', 'EISDIR');
    if (!st!.isFile() && !st!.isSymbolicLink()) fail(dest, 'it is not a regular file', 'EINVAL');
    existing.add(f.name);
  }
  return existing;
}

export function writeAllOrNothing(dir: string, files: readonly { name: string; bytes: Uint8Array }[], fs: WriteFs = realFs): void {
  const existing = checkDestinations(dir, files);
  const tmp = join(dir, `.mimi-policy-tmp-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(tmp);
    mkdirSync(join(tmp, 'replaced'));
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    fail(tmp, reason(e), codeOf(e));
  }
  try {
    // step 2: the new files, next to their destinations
    for (const f of files) {
      try {
        fs.writeFileSync(join(tmp, f.name), f.bytes);
      } catch (e) {
        fail(join(dir, f.name), reason(e), codeOf(e));
      }
    }
    // step 3: into place, keeping what is replaced until every rename has succeeded
    const done: string[] = [];
    for (const f of files) {
      const dest = join(dir, f.name);
      try {
        if (existing.has(f.name)) keep(dest, join(tmp, 'replaced', f.name));
        fs.renameSync(join(tmp, f.name), dest);
        done.push(f.name);
      } catch (e) {
        undo(dir, tmp, done, existing);
        fail(dest, reason(e), codeOf(e), done.length > 0);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A second name for `dest`'s content (a hard link, or a copy), so that it can be put back. */
function keep(dest: string, backup: string): void {
  try {
    linkSync(dest, backup);
  } catch {
    copyFileSync(dest, backup);
  }
}

/** Puts back what the renames in `done` replaced, and removes the files they added. Best effort. */
function undo(dir: string, tmp: string, done: readonly string[], existing: ReadonlySet<string>): void {
  for (const name of [...done].reverse()) {
    const dest = join(dir, name);
    try {
      if (existing.has(name)) renameSync(join(tmp, 'replaced', name), dest);
      else unlinkSync(dest);
    } catch {
      // nothing more can be done; the error reported names the first failure
    }
  }
}
