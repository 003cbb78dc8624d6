/**
 * Imported first by bench/evaluator.ts: Cedar-wasm crashes Node 20 once other code has run in the
 * isolate unless V8 stops inlining JS→Wasm calls (shared/notes/benchmarking.md). `npm run bench`
 * passes the flag on the command line too; this covers `npx tsx bench/evaluator.ts`.
 */
import v8 from 'node:v8';

v8.setFlagsFromString('--no-turbo-inline-js-wasm-calls');
