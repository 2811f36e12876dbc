/**
 * @fileoverview The browser-safe part of the public API (`glow-trade/browser`): the flow, its
 * WebAssembly engine, model files from bytes, the scaler and the calibrated strategy. Nothing here
 * imports a Node built-in at load time (a test walks this module graph to keep it so); reading and
 * writing files, Bybit, CSV and the CLI stay in the Node entry point. In a browser, load the engine
 * first — `setDefaultEngine(await loadEngine(new URL('glow.wasm', base)))` — then use
 * `bundleFromBytes(await (await fetch(modelUrl)).arrayBuffer())`.
 */
export { Glow, MIN_INIT_ROWS, type GlowCreateOptions, type NamedTensor } from './model/glow.js';
export { DEFAULT_CONFIG, resolveConfig, levelWidths, type GlowConfig, type CouplingKind } from './model/config.js';
export { encodeCheckpoint, decodeCheckpoint, FORMAT_VERSION } from './model/checkpoint.js';
export { Engine, loadEngine, setDefaultEngine, relaxedSimdSupported, type EngineSource, type EngineVariant } from './wasm/engine.js';
export { scaleFeatures, unscaleFeatures, scalerFromJSON, scalerToJSON, type Scaler } from './data/scaler.js';
export { GlowStrategy, percentileRank, type Signal, type StrategyCalibration } from './trading/strategy.js';
export { Rng } from './util/rng.js';
export { bundleFromBytes, bundleToBytes, type ModelBundle } from './trading/bundle.js';
