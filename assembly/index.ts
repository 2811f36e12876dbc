/**
 * @fileoverview The glow-trade WebAssembly ABI: re-exports every kernel entry point.
 */
export * from './memory';
