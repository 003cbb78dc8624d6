/**
 * Runs the model (./model.ts) off the page's thread: the bundle is loaded again as a Web Worker, so a
 * large source never makes typing wait. Until the worker says it is ready (and where there can be
 * none: the page opened from disk), analyses run on the page's thread. One request at a time is in
 * the worker; while it works, only the newest request waits (older ones are dropped). A worker busy
 * for more than `RESTART_MS` when a newer request comes is stopped and started again.
 */
import { analyseSource, type Files, type PlaygroundResult } from './model.js';

export interface Request {
  id: number;
  text: string;
  file: string;
  /** the embedded files the author changed (path → text) */
  edits: Record<string, string>;
  scenarioPolicy?: string;
}
export interface Response {
  id: number;
  result?: PlaygroundResult;
  /** the model threw (it should not: a bug) */
  error?: string;
  ms: number;
}

const RESTART_MS = 2000;

/** One request answered (in the worker, or on the page's thread). */
export function answer(req: Request, base: Files): Response {
  const t0 = performance.now();
  try {
    const result = analyseSource(req.text, req.file, { ...base, ...req.edits }, req.scenarioPolicy ? { scenarioPolicy: req.scenarioPolicy } : {});
    return { id: req.id, result, ms: performance.now() - t0 };
  } catch (e) {
    return { id: req.id, error: e instanceof Error ? e.message : String(e), ms: performance.now() - t0 };
  }
}

interface WorkerScope {
  onmessage: ((e: MessageEvent<Request>) => void) | null;
  postMessage(message: unknown): void;
}

/** The worker's side: answer every request; say once that it is ready. */
export function serveWorker(base: Files): void {
  const scope = globalThis as unknown as WorkerScope;
  scope.onmessage = (e) => scope.postMessage(answer(e.data, base));
  scope.postMessage({ ready: true });
}

export class Analyser {
  private worker: Worker | undefined;
  private ready = false;
  private inFlight: { req: Request; since: number } | undefined;
  private pending: Request | undefined;
  private lastShown = 0;

  constructor(
    private readonly base: Files,
    private readonly scriptUrl: string | undefined,
    private readonly onAnswer: (r: Response) => void,
  ) {
    this.start();
  }

  /** Whether analyses run in a worker now. */
  get inWorker(): boolean {
    return this.ready;
  }

  run(req: Request): void {
    if (!this.worker || !this.ready) return this.show(answer(req, this.base));
    if (!this.inFlight) return this.send(req);
    this.pending = req;
    if (performance.now() - this.inFlight.since > RESTART_MS) {
      // the worker is stuck on an older text: start afresh with the newest one
      this.worker.terminate();
      this.inFlight = undefined;
      this.start();
      const next = this.pending;
      this.pending = undefined;
      this.show(answer(next, this.base));
    }
  }

  private start(): void {
    this.worker = undefined;
    this.ready = false;
    if (!this.scriptUrl || typeof Worker === 'undefined') return;
    let w: Worker;
    try {
      w = new Worker(this.scriptUrl);
    } catch {
      return; // e.g. a page opened from disk: workers need an origin
    }
    this.worker = w;
    w.onmessage = (e: MessageEvent<Response | { ready: true }>) => {
      if ('ready' in e.data) {
        this.ready = true;
        return;
      }
      this.inFlight = undefined;
      this.show(e.data);
      const next = this.pending;
      this.pending = undefined;
      if (next) this.send(next);
    };
    w.onerror = (e) => {
      e.preventDefault();
      // no worker after all: answer what was asked here
      w.terminate();
      this.worker = undefined;
      this.ready = false;
      const left = this.pending ?? this.inFlight?.req;
      this.inFlight = undefined;
      this.pending = undefined;
      if (left) this.show(answer(left, this.base));
    };
  }

  private send(req: Request): void {
    this.inFlight = { req, since: performance.now() };
    this.worker!.postMessage(req);
  }

  private show(r: Response): void {
    if (r.id < this.lastShown) return;
    this.lastShown = r.id;
    this.onAnswer(r);
  }
}
