/**
 * Runs before every test file. The CLI suites spawn the binary synchronously (spawnSync): a file of
 * such tests never lets the worker's event loop turn, and vitest's RPC to the main process times out
 * after 60 s ("Timeout calling onTaskUpdate") on a loaded machine. Yielding once after each test lets
 * it answer.
 */
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
