// The worker's entry point: worker threads do not inherit the main thread's tsx loader (Node 20), so
// register it here, then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
