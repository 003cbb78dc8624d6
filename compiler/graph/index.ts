/** The public face of compiler/graph/: generic graph algorithms that know nothing of policies. */
export { Digraph } from './digraph.js';
export { bfs, shortestPath, type BfsOptions, type BfsResult } from './bfs.js';
export { stronglyConnected, reachableUnion, reachable, hasBit, type Components } from './scc.js';
export { forwardChain, derivation, type Rule, type ClosureResult } from './closure.js';
