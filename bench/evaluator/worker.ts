/**
 * One engine of the evaluator benchmark in its own isolate (a worker thread): it builds the seeded
 * workload, sets its engine up, checks the engine's decisions against the interpreter before any
 * timing, then runs the timing loops the main thread asks for, one at a time. An isolate per engine
 * keeps one engine's garbage and type feedback from slowing another (shared/notes/benchmarking.md).
 */
import '../engines/v8-flags.js';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { authorize, canTransition, hasCapability } from '../../runtime/evaluator/index.js';
import { baseline } from '../engines/baseline.js';
import { casbin, casbinCached } from '../engines/casbin.js';
import { cedarEngine } from '../engines/cedar.js';
import { WORKLOADS, workload } from './workload.js';

export type Engine = 'baseline' | 'generated' | 'interpreter' | 'casbin' | 'casbin-cached' | 'cedar';
export interface WorkerInput {
  engine: Engine;
  /** the generated evaluator's file (engine `generated`) */
  genFile: string;
  /** also time the generated authorize on one pool per action type (`--by-type`) */
  byType: boolean;
}
export type WorkerRequest = { loop: string; n: number };
export type WorkerReply = { ready: string[] } | { loop: string; seconds: number; sink: number } | { error: string };

type Loops = Record<string, (n: number) => number | Promise<number>>;

async function setUp(engine: Engine, genFile: string, byType: boolean): Promise<Loops> {
  const w = workload();
  const { ip, ROLES, roleNames, CAPS, capName, q1r, q1c, q2a, q2f, q2t, q3, state, workloads, parsedState, parsed } = w;
  /** Same answers as the interpreter on the whole domain of both questions (sync or async engines). */
  const check = async (has: (r: number, c: number) => boolean | Promise<boolean>, can: (a: number, f: number, t: number) => boolean | Promise<boolean>) => {
    for (let r = 0; r < ROLES; r++) for (const c of CAPS) if ((await has(r, c)) !== hasCapability(ip, r, c)) throw new Error(`${engine}: hasCapability(${r}, ${c}) differs`);
    for (let a = 0; a < ROLES; a++) for (let f = 0; f < ROLES; f++) for (let t = 0; t < ROLES; t++) if ((await can(a, f, t)) !== canTransition(ip, a, f, t)) throw new Error(`${engine}: canTransition(${a}, ${f}, ${t}) differs`);
  };
  switch (engine) {
    case 'baseline': {
      const base = baseline(ip);
      await check(base.hasCapability, base.canTransition);
      return {
        'baseline.has': (n) => { let k = 0; const f = base.hasCapability; for (let i = 0; i < n; i++) k += +f(q1r[i], q1c[i]); return k; },
        'baseline.move': (n) => { let k = 0; const f = base.canTransition; for (let i = 0; i < n; i++) k += +f(q2a[i], q2f[i], q2t[i]); return k; },
      };
    }
    case 'generated': {
      const gen = (await import(pathToFileURL(genFile).href)) as typeof import('../multi-org.evaluator.types.js');
      await check(gen.hasCapability, gen.canTransition);
      const prepared = gen.prepareState(state as never);
      for (const wl of WORKLOADS)
        for (let i = 0; i < workloads[wl].length; i++) {
          const want = authorize(ip, parsedState, parsed[wl][i]);
          const got = gen.authorize(prepared, workloads[wl][i] as never);
          if (want.allowed !== got.allowed || want.rule !== got.rule || want.reason !== got.reason) throw new Error(`generated authorize differs on ${JSON.stringify(workloads[wl][i])}`);
        }
      const loops: Loops = {
        'generated.has': (n) => { let k = 0; const f = gen.hasCapability; for (let i = 0; i < n; i++) k += +f(q1r[i], q1c[i]); return k; },
        'generated.move': (n) => { let k = 0; const f = gen.canTransition; for (let i = 0; i < n; i++) k += +f(q2a[i], q2f[i], q2t[i]); return k; },
        'generated.authorizeRaw': (n) => { let k = 0; const f = gen.authorize; const pool = workloads.questions; for (let i = 0; i < n; i++) k += +f(state as never, pool[q3[i]] as never).allowed; return k; },
      };
      // one loop (one closure, its own type feedback) per workload
      const authorizeLoop = (pool: readonly unknown[]) => (n: number) => { let k = 0; const f = gen.authorize; for (let i = 0; i < n; i++) k += +f(prepared, pool[q3[i]] as never).allowed; return k; };
      for (const wl of WORKLOADS) loops[`generated.authorize.${wl}`] = authorizeLoop(workloads[wl]);
      if (byType) for (const [k, pool] of Object.entries(w.byPlan)) loops[`generated.type.${k}`] = authorizeLoop(pool);
      return loops;
    }
    case 'interpreter': {
      const loops: Loops = {
        'interpreter.has': (n) => { let k = 0; for (let i = 0; i < n; i++) k += +hasCapability(ip, q1r[i], q1c[i]); return k; },
        'interpreter.move': (n) => { let k = 0; for (let i = 0; i < n; i++) k += +canTransition(ip, q2a[i], q2f[i], q2t[i]); return k; },
        'interpreter.authorizeRaw': (n) => { let k = 0; const pool = workloads.questions; for (let i = 0; i < n; i++) k += +authorize(ip, state, pool[q3[i]]).allowed; return k; },
      };
      const authorizeLoop = (pool: typeof parsed.all) => (n: number) => { let k = 0; for (let i = 0; i < n; i++) k += +authorize(ip, parsedState, pool[q3[i]]).allowed; return k; };
      for (const wl of WORKLOADS) loops[`interpreter.authorize.${wl}`] = authorizeLoop(parsed[wl]);
      return loops;
    }
    case 'casbin': {
      const cas = await casbin(ip, roleNames, capName);
      await check((r, c) => cas.hasCapability(roleNames[r], capName(c)), (a, f, t) => cas.canTransition(roleNames[a], roleNames[f], roleNames[t]));
      return {
        'casbin.has': (n) => { let k = 0; for (let i = 0; i < n; i++) k += +cas.hasCapability(roleNames[q1r[i]], capName(q1c[i])); return k; },
        'casbin.move': (n) => { let k = 0; for (let i = 0; i < n; i++) k += +cas.canTransition(roleNames[q2a[i]], roleNames[q2f[i]], roleNames[q2t[i]]); return k; },
      };
    }
    case 'casbin-cached': {
      const cas = await casbinCached(ip, roleNames, capName);
      await check((r, c) => cas.hasCapability(roleNames[r], capName(c)), (a, f, t) => cas.canTransition(roleNames[a], roleNames[f], roleNames[t]));
      return {
        'casbin-cached.has': async (n) => { let k = 0; for (let i = 0; i < n; i++) k += +(await cas.hasCapability(roleNames[q1r[i]], capName(q1c[i]))); return k; },
        'casbin-cached.move': async (n) => { let k = 0; for (let i = 0; i < n; i++) k += +(await cas.canTransition(roleNames[q2a[i]], roleNames[q2f[i]], roleNames[q2t[i]])); return k; },
      };
    }
    case 'cedar': {
      const ced = cedarEngine(ip, roleNames, capName);
      await check((r, c) => ced.hasCapability(roleNames[r], capName(c)), (a, f, t) => ced.canTransition(roleNames[a], roleNames[f], roleNames[t]));
      return {
        'cedar.has': (n) => { let k = 0; for (let i = 0; i < n; i++) k += +ced.hasCapability(roleNames[q1r[i]], capName(q1c[i])); return k; },
        'cedar.move': (n) => { let k = 0; for (let i = 0; i < n; i++) k += +ced.canTransition(roleNames[q2a[i]], roleNames[q2f[i]], roleNames[q2t[i]]); return k; },
      };
    }
  }
}

const port = parentPort!;
const { engine, genFile, byType } = workerData as WorkerInput;
try {
  const loops = await setUp(engine, genFile, byType);
  port.on('message', async ({ loop, n }: WorkerRequest) => {
    // warm-up: short calls for 100 ms, so that the function is optimized (and the optimizing compiler,
    // which works in the background, is done) before the timed call
    const w0 = performance.now();
    do await loops[loop](Math.ceil(n / 100));
    while (performance.now() - w0 < 100);
    const t = performance.now();
    const sink = await loops[loop](n);
    port.postMessage({ loop, seconds: (performance.now() - t) / 1000, sink } satisfies WorkerReply);
  });
  port.postMessage({ ready: Object.keys(loops) } satisfies WorkerReply);
} catch (e) {
  port.postMessage({ error: (e as Error).message } satisfies WorkerReply);
}
