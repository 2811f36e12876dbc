/**
 * @fileoverview Public API of glow-trade.
 */
export { Glow, MIN_INIT_ROWS, type GlowCreateOptions, type GlowLoadOptions, type NamedTensor } from './model/glow.js';
export { type ThreadsOption } from './wasm/pool.js';
export { DEFAULT_CONFIG, resolveConfig, levelWidths, type GlowConfig, type CouplingKind } from './model/config.js';
export { modelLayout, parameterTensors, type ModelLayout, type TensorSpec } from './model/layout.js';
export { ReferenceGlow } from './model/reference.js';
export { encodeCheckpoint, decodeCheckpoint, saveCheckpoint, loadCheckpoint, FORMAT_VERSION } from './model/checkpoint.js';
export { fitGlow, NonFiniteError, type FitOptions, type FitResult, type EpochRecord } from './model/fit.js';
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
export { trainOnCandles, type TrainOnCandlesOptions } from './pipeline/train-on-candles.js';
export { saveBundle, loadBundle, bundleToBytes, bundleFromBytes, scaledRows, nextReturns, type ModelBundle, type TrainingRecord, type TimeRange } from './trading/bundle.js';

// Trading.
export { GlowStrategy, calibrateStrategy, percentileRank, type Signal, type StrategyCalibration, type StrategyOptions } from './trading/strategy.js';
export { fitRidge, predictRidge, type RidgeModel } from './trading/ridge.js';
export { fitKMeans, assignClusters, type KMeansModel } from './trading/kmeans.js';
export { backtestPositions, metricsOfRows, DEFAULT_FEE, DEFAULT_SLIPPAGE, DEFAULT_CAPITAL, type BacktestInput, type BacktestResult, type BacktestSeries } from './trading/backtest.js';
export { computeMetrics, periodsPerYear, maxDrawdown, formatMetric, METRIC_NAMES, type Metrics, type MetricName, type MetricNotes, type MetricsInput } from './trading/metrics.js';
export { extractTrades, type Trade, type TradeInput } from './trading/trades.js';
export { runBacktest, type RunBacktestOptions, type RunBacktestResult } from './trading/run-backtest.js';
export { walkForward, type WalkForwardOptions, type WalkForwardResult, type WalkForwardFold } from './pipeline/walk-forward.js';
export { registerStrategy, getStrategy, listStrategies, type Strategy, type StrategyContext, type ForecastStrategyContext, type StrategyInfo } from './trading/registry.js';
export { equityCsv, tradesCsv, writeEquityCsv, writeTradesCsv, EQUITY_COLUMNS, TRADE_COLUMNS } from './trading/backtest-files.js';

// Risk: scenarios from the flow, VaR/CVaR, stress, out-of-sample VaR tests.
export { generateScenarios, horizonRisk, scenarioColumn, scenariosToCsv, returnsBelowMinusOne, RISK_HORIZONS, type RiskHorizon, type ScenarioSet, type ScenarioOptions, type ScenarioModel } from './risk/scenarios.js';
export { returnRisk, tailRisk, PERCENTILES, type ReturnRisk, type TailRisk, type VarCvar } from './risk/var.js';
export { quantile, quantileSorted, moments, type Moments } from './risk/stats.js';
export { stressTable, stressSeed, STRESS_TEMPERATURES, type StressRow } from './risk/stress.js';
export { varTest, forwardReturns, exceedanceCounts, HORIZON_BARS, type VarTestResult, type HorizonVarTest } from './risk/var-test.js';
export { kupiecPof, erfc, chiSquare1Survival, type KupiecResult } from './risk/kupiec.js';
export { clampedReturns } from './risk/scenarios.js';
export { tailRiskSorted, varCvarSorted, type PercentileKey } from './risk/var.js';
export { sortedFinite } from './risk/stats.js';
export { OVERLAP_NOTE, type ExceedanceCounts, type ForwardReturns } from './risk/var-test.js';
export { applyRebalanceBand, type RebalanceOptions } from './trading/rebalance.js';
export { resolveStrategyOptions, DEFAULT_HORIZON, DEFAULT_COST_RATE, DEFAULT_MIN_EDGE, DEFAULT_REBALANCE_BAND, LEGACY_OPTIONS, type ResolvedStrategyOptions } from './trading/strategy-options.js';

// The forecaster (DESIGN §9): a conditional, heavy-tailed flow p(next returns | market state).
export { ConditionalGlow, MIN_INIT_ROWS as MIN_FORECASTER_INIT_ROWS, type ConditionalGlowCreateOptions, type ConditionalGlowLoadOptions } from './model/conditional-glow.js';
export { fitConditional, type ConditionalFitOptions, type ConditionalFitResult } from './model/conditional-fit.js';
export { DEFAULT_FORECASTER_CONFIG, resolveForecasterConfig, type ForecasterConfig } from './model/forecaster-config.js';
export { forecasterLayout, type ForecasterLayout } from './model/forecaster-layout.js';
export { ReferenceConditionalGlow } from './model/forecaster-reference.js';
export { encodeForecaster, decodeForecaster, forecasterSize } from './model/forecaster-checkpoint.js';
export { modelKindOf, type ModelKind } from './model/checkpoint.js';
export { forecasterDataset, scaledContext, scaledTargets, targetPaths, calendarColumns, CONTEXT_NAMES, DEFAULT_FORECAST_HORIZON, type ForecasterDataset } from './data/forecaster-data.js';
export { trainForecaster, type TrainForecasterOptions } from './pipeline/train-forecaster.js';
export { forecastPositions, forecastExposures, calibrateForecastStrategy, type ForecastOutputs, type ForecastStrategyOptions, type ForecastCalibration } from './trading/forecast-strategy.js';
export { runForecastBacktest, type RunForecastBacktestOptions, type RunForecastBacktestResult } from './trading/run-forecast-backtest.js';
export { forecasterContexts, forecasterSampler, saveForecasterBundle, loadForecasterBundle, forecasterBundleToBytes, forecasterBundleFromBytes, type ForecasterBundle } from './trading/forecaster-bundle.js';

// Per-bar risk: the forecaster and the classical baselines, and the forecast tests.
export { runRisk, riskCsvRows, BASELINES, DEFAULT_RISK_HORIZONS, type RunRiskOptions, type RunRiskResult, type BaselineName } from './pipeline/run-risk.js';
export { scenarioRisk, lossProbability, type PathSampler, type ScenarioRiskOptions } from './risk/scenario-risk.js';
export { barLogReturns, realizedReturns, utcHours, type HorizonRisk, type RiskForecast } from './risk/bar-risk.js';
export { historicalRisk, DEFAULT_HS_WINDOW } from './risk/historical.js';
export { ewmaRisk, EWMA_LAMBDA, type VolatilityInput } from './risk/ewma.js';
export { fitGarchT, garchRisk, garchFilter, garchLogLikelihood, type GarchParams, type GarchFit, type GarchRiskOptions } from './risk/garch.js';
export { fitHourFactor, deseasonalise } from './risk/hour-factor.js';
export { coverageTests, hitRateHac, everyNth, type CoverageResult } from './risk/coverage.js';
export { pinballLoss, pinballLosses, dieboldMariano, meanFinite, type DieboldMarianoResult } from './risk/forecast-loss.js';
export { neweyWestVariance, neweyWestLag } from './risk/newey-west.js';
export { evaluateRiskForecasts, bestMethod, riskVerdict, type MethodEvaluation, type LevelEvaluation } from './risk/forecast-evaluation.js';
export { nelderMead, type NelderMeadOptions, type NelderMeadResult } from './risk/nelder-mead.js';
export { lgamma, digamma, betaInc, tCdf, tQuantile, tLogPdf, normalCdf, normalQuantile } from './util/special.js';
export { gammaDraw, studentTDraw } from './util/rng-dists.js';

// Limits and file companions of the data layer.
export { MAX_CANDLE_FILE_BYTES } from './data/candles-csv.js';
export { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_WAIT_MS } from './data/bybit.js';
export { readCandlesMeta, candlesMetaPath, OutputMismatchError, type CandlesMeta } from './data/candles-meta.js';
export { writeChunksAtomic, AtomicFile } from './util/atomic.js';
export { MODEL_MEMORY_BUDGET, CONFIG_LIMITS, modelSize } from './model/config.js';

// Honest statistics and baselines of a backtest.
export { honestStats, honestLines, alphaBeta, bootstrapSharpe, probabilisticSharpe, deflatedSharpe, expectedMaxSharpe, costShare, sharpePerBar, verdictOf, type HonestStats, type HonestInput, type AlphaBeta, type SharpeInterval } from './trading/honest-stats.js';
export { runBaselines, buyAndHoldDecisions, volTargetDecisions, momentumDecisions, DEFAULT_MOMENTUM_LOOKBACK, DEFAULT_REBALANCE_BAND as DEFAULT_VOL_TARGET_BAND, type VolTargetOptions, type BaselineInput } from './trading/baselines.js';
