/**
 * @fileoverview Public API of glow-trade.
 */
export { Rng } from './util/rng.js';
export { writeFileAtomic } from './util/atomic.js';
