/**
 * The playground bundle's entry: on the page it starts the page (./page.ts); loaded as a Web Worker
 * (by the page, ./analyser.ts) it answers analysis requests.
 */
import { serveWorker } from './analyser.js';
import type { Files } from './model.js';
import { startPage } from './page.js';

declare const __PLAYGROUND_FILES__: Files;

if (typeof document === 'undefined') serveWorker(__PLAYGROUND_FILES__);
else startPage((document.currentScript as HTMLScriptElement | null)?.src);
