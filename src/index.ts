/**
 * @fileoverview Public API of glow-trade.
 */
export { Glow, MIN_INIT_ROWS, type GlowCreateOptions, type NamedTensor } from './model/glow.js';
export { DEFAULT_CONFIG, resolveConfig, levelWidths, type GlowConfig, type CouplingKind } from './model/config.js';
export { modelLayout, parameterTensors, type ModelLayout, type TensorSpec } from './model/layout.js';
export { ReferenceGlow } from './model/reference.js';
export { encodeCheckpoint, decodeCheckpoint, saveCheckpoint, loadCheckpoint, FORMAT_VERSION } from './model/checkpoint.js';
export { fitGlow, NonFiniteError, type FitOptions, type FitResult, type EpochRecord } from './train/fit.js';
export { Engine, loadEngine, defaultEngine, setDefaultEngine, defaultWasmUrl, type EngineSource, type EngineVariant } from './wasm/engine.js';
export { Rng } from './util/rng.js';
export { writeFileAtomic } from './util/atomic.js';
