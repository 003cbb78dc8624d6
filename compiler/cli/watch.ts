/**
 * `--watch` (check, test): run once, then again whenever one of the files the run read changes (the
 * inputs and everything they import), until SIGINT or SIGTERM. Changes are debounced (an editor's
 * save is often several writes), the folders holding the files are watched rather than the files
 * (an editor that saves by renaming a new file into place replaces the file a watch would hold),
 * and the set of files is taken again after each run (an import added or removed is followed).
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { CliIO } from './options.js';

export interface WatchRun {
  /** the exit code the run would have had on its own */
  code: number;
  /** every file the run read (absolute, or relative to the working directory) */
  files: readonly string[];
}

export interface WatchOptions {
  /** quiet time after the last change before re-running (default 150 ms) */
  debounceMs?: number;
  /** ends the watch (tests); SIGINT and SIGTERM end it too */
  signal?: AbortSignal;
}

/**
 * Runs `once`, then re-runs it after changes until stopped; resolves with the last run's exit code.
 * Each re-run is announced on stderr with the file that changed.
 */
export async function watchAndRerun(once: () => Promise<WatchRun> | WatchRun, io: CliIO, options: WatchOptions = {}): Promise<number> {
  const debounce = options.debounceMs ?? 150;
  let last = await once();
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let pending: string | undefined;
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));

  const arm = (files: readonly string[]) => {
    for (const w of watchers) w.close();
    watchers = [];
    // folder → the names in it that matter
    const byDir = new Map<string, Set<string>>();
    for (const f of files) {
      const abs = resolve(io.cwd, f);
      const names = byDir.get(dirname(abs)) ?? new Set<string>();
      names.add(basename(abs));
      byDir.set(dirname(abs), names);
    }
    for (const [dir, names] of byDir) {
      try {
        const w = watch(dir, { persistent: true }, (_event, name) => {
          const changed = name === null ? undefined : String(name);
          if (changed !== undefined && !names.has(changed)) return;
          onChange(resolve(dir, changed ?? '.'));
        });
        w.on('error', () => undefined);
        watchers.push(w);
      } catch {
        // a folder that went away: the next run reports its file as missing
      }
    }
  };
  const onChange = (path: string) => {
    pending = path;
    if (timer) clearTimeout(timer);
    timer = setTimeout(rerun, debounce);
  };
  const rerun = async () => {
    timer = undefined;
    if (running) return;
    running = true;
    const what = pending;
    pending = undefined;
    io.err(`\n[watch] ${what ? `${what} changed; ` : ''}running again\n`);
    try {
      last = await once();
    } catch (e) {
      // an unreadable file while watching is reported and the watch goes on
      io.err(`mimi-policy: ${(e as Error).message}\n`);
      last = { code: 2, files: last.files };
    }
    running = false;
    arm(last.files);
    io.err(`[watch] waiting for changes (Ctrl-C to stop)\n`);
    if (pending !== undefined) onChange(pending);
  };

  arm(last.files);
  io.err(`[watch] waiting for changes to ${last.files.length} file${last.files.length === 1 ? '' : 's'} (Ctrl-C to stop)\n`);
  const onSignal = () => stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  options.signal?.addEventListener('abort', onSignal, { once: true });
  await stopped;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (timer) clearTimeout(timer);
  for (const w of watchers) w.close();
  return last.code;
}
