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

// Market data: Bybit, candle files, synthetic market, features, scaler.
export { fetchCandles, bybitBaseUrl, BYBIT_CATEGORIES, DEFAULT_BYBIT_BASE_URL, type BybitCategory, type FetchCandlesOptions, type FetchCandlesResult, type FetchProgress } from './data/bybit.js';
export { updateCandlesFile, type UpdateCandlesFileOptions, type UpdateCandlesFileResult } from './data/update-file.js';
export { type Candles, CANDLE_COLUMNS, candleCount, candlesFromRows, sliceCandles, mergeCandles } from './data/candles.js';
export { readCandles, writeCandles, parseCandlesCsv, candlesToCsv } from './data/candles-csv.js';
export { validateCandles, CandleDataError } from './data/candle-checks.js';
export { parseInterval, type Interval } from './data/interval.js';
export { findGaps, type Gap } from './data/gaps.js';
export { simulateMarket, simulateMarketDetailed, type SimulateMarketOptions } from './data/synthetic.js';
export { stylisedFacts, logReturns, type StylisedFacts } from './data/stylised-facts.js';
export { computeFeatures, FEATURE_NAMES, FEATURE_COUNT, FEATURE_LOOKBACK, type FeatureSet } from './data/features.js';
export { fitScaler, scaleFeatures, unscaleFeatures, scalerToJSON, scalerFromJSON, type Scaler } from './data/scaler.js';
export { chronologicalSplit, type ChronologicalSplit } from './data/split.js';

// From candles to a trained, calibrated model file.
export { trainOnCandles, saveBundle, loadBundle, bundleToBytes, bundleFromBytes, scaledRows, nextReturns, type ModelBundle, type TrainingRecord, type TrainOnCandlesOptions, type TimeRange } from './train/pipeline.js';

// Trading.
export { GlowStrategy, calibrateStrategy, percentileRank, type Signal, type StrategyCalibration, type StrategyOptions } from './trading/strategy.js';
export { fitRidge, predictRidge, type RidgeModel } from './trading/ridge.js';
export { fitKMeans, assignClusters, type KMeansModel } from './trading/kmeans.js';
