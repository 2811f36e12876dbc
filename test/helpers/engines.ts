/**
 * @fileoverview The wasm builds a kernel test runs on: the plain SIMD build, and the relaxed-SIMD
 * one where this runtime can run it (a skipped build is logged, not failed).
 */
import { defaultEngine, type EngineVariant, type GlowExports } from '../../src/wasm/engine.js';

/** A fresh instance of each build this runtime can run. */
export function engineVariants(): { variant: EngineVariant; ex: GlowExports }[] {
  const out: { variant: EngineVariant; ex: GlowExports }[] = [{ variant: 'simd', ex: defaultEngine('simd').instantiate() }];
  try {
    out.push({ variant: 'relaxed-simd', ex: defaultEngine('relaxed-simd').instantiate() });
  } catch (err) {
    console.log(`    (relaxed-SIMD build skipped: ${(err as Error).message})`);
  }
  return out;
}
