/**
 * @fileoverview A seeded synthetic market for offline work and tests: hourly OHLCV that looks like a
 * liquid crypto perpetual. Same options and seed ⇒ bit-identical candles on every platform.
 *
 * Model, per bar t (hourly parameters; other intervals rescale them, see `scaleToInterval`):
 * - regime k_t ∈ {calm bull, range, stress}: a Markov chain with sticky transitions; each regime has
 *   its own drift μ_k and volatility level m_k;
 * - volatility: GARCH(1,1), σ²_t = ω_k + α·ε²_{t−1} + β·σ²_{t−1} with ω_k = (m_k·σ̄)²(1 − α − β), so
 *   large moves beget large moves (clustering) and each regime pulls towards its own level;
 * - log return r_t = μ_k + ε_t, ε_t = σ_t·z_t, z_t Student-t with ν = 4 scaled to unit variance (fat tails);
 * - intrabar path: a Brownian bridge of 12 steps from open to close; high/low are the path's extremes
 *   widened by the expected overshoot of a continuous path between grid points, so
 *   low ≤ min(open, close) ≤ max(open, close) ≤ high always; open = previous close (a 24/7 market);
 * - volume: log-normal around a base level, rising with σ_t/σ̄ and with |z_t| (volume ∝ activity),
 *   with AR(1) noise and an intraday cycle peaking in the US session; turnover = volume × (h + l + c)/3.
 */
import { Rng } from '../util/rng.js';
import { allocateCandles, type Candles } from './candles.js';

export interface SimulateMarketOptions {
  bars: number;
  seed: number;
  /** Open time of the first candle, Unix ms (default 2024-01-01T00:00Z). */
  start?: number;
  intervalMs?: number;
  startPrice?: number;
}

export interface SimulatedMarket {
  candles: Candles;
  /** Regime of each bar: 0 calm bull, 1 range, 2 stress. */
  regime: Uint8Array;
  /** Conditional volatility σ_t of each bar's log return. */
  sigma: Float64Array;
}

const HOUR = 3_600_000;
const DEFAULT_START = Date.UTC(2024, 0, 1);
/**
 * Long-run hourly volatility level. With fat tails a sample year shows less than 0.0085·√8760 ≈ 80 %:
 * typically 55–65 % annualised (BTCUSDT 2019–2023: 72 %).
 */
const SIGMA_BAR = 0.0085;
const GARCH_ALPHA = 0.1;
const GARCH_BETA = 0.88;
const NU = 4;
const DRIFT = [0.00008, 0, -0.00012];
const VOL_LEVEL = [0.8, 0.75, 1.8];
/** Hourly transition probabilities: mean stays of 250 h, 250 h and 60 h. */
const TRANSITIONS = [
  [0.996, 0.003, 0.001],
  [0.0025, 0.996, 0.0015],
  [0.006, 0.0107, 0.9833],
];
const PATH_STEPS = 12;
/** Expected overshoot of a continuous maximum over a discrete one, in step standard deviations. */
const OVERSHOOT = 0.5826;
const BASE_VOLUME = 1000;
const MAX_SIGMA = 0.08;

export function simulateMarket(options: SimulateMarketOptions): Candles {
  return simulateMarketDetailed(options).candles;
}

export function simulateMarketDetailed(options: SimulateMarketOptions): SimulatedMarket {
  const { bars, seed } = options;
  const start = options.start ?? DEFAULT_START;
  const intervalMs = options.intervalMs ?? HOUR;
  const startPrice = options.startPrice ?? 30_000;
  if (!Number.isInteger(bars) || bars < 0) throw new RangeError(`bars must be a non-negative integer, got ${bars}`);
  if (!Number.isSafeInteger(start) || start < 0) throw new RangeError(`start must be Unix ms ≥ 0, got ${start}`);
  if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0) throw new RangeError(`intervalMs must be a positive integer, got ${intervalMs}`);
  if (!(startPrice > 0) || !Number.isFinite(startPrice)) throw new RangeError(`startPrice must be positive, got ${startPrice}`);

  const rng = new Rng(seed);
  const { drift, omega, transitions, sigmaBar } = scaleToInterval(intervalMs / HOUR);
  const candles = allocateCandles(bars);
  const regime = new Uint8Array(bars);
  const sigmaOut = new Float64Array(bars);
  const path = new Float64Array(PATH_STEPS + 1);
  const tScale = Math.sqrt((NU - 2) / NU);

  let k = pick(rng.uniform(), [0.4, 0.45, 0.15]);
  let variance = omega[k] / (1 - GARCH_ALPHA - GARCH_BETA);
  let prevClose = startPrice;
  let volumeNoise = 0;
  for (let t = 0; t < bars; t++) {
    if (t > 0) k = pick(rng.uniform(), transitions[k]);
    const sigma = Math.min(MAX_SIGMA, Math.sqrt(variance));
    const z = studentT(rng) * tScale;
    const eps = sigma * z;
    const r = drift[k] + eps;
    variance = omega[k] + GARCH_ALPHA * eps * eps + GARCH_BETA * sigma * sigma;

    // Brownian bridge in log price from 0 to r.
    const step = sigma / Math.sqrt(PATH_STEPS);
    path[0] = 0;
    for (let j = 1; j <= PATH_STEPS; j++) path[j] = path[j - 1] + step * rng.normal();
    const miss = path[PATH_STEPS] - r;
    // Start from the open (0) and the exact close (r) so rounding in the bridge cannot cut them off.
    let hi = Math.max(0, r), lo = Math.min(0, r);
    for (let j = 1; j < PATH_STEPS; j++) {
      path[j] -= (miss * j) / PATH_STEPS;
      if (path[j] > hi) hi = path[j];
      if (path[j] < lo) lo = path[j];
    }
    const open = prevClose;
    const close = open * Math.exp(r);
    const high = open * Math.exp(hi + OVERSHOOT * step * 2 * rng.uniform());
    const low = open * Math.exp(lo - OVERSHOOT * step * 2 * rng.uniform());

    const time = start + t * intervalMs;
    const hourOfDay = (time % 86_400_000) / HOUR;
    volumeNoise = 0.6 * volumeNoise + 0.25 * rng.normal();
    const volume = BASE_VOLUME * Math.exp(
      0.9 * Math.log(sigma / sigmaBar) + 0.35 * Math.abs(z) + volumeNoise + 0.2 * Math.cos((2 * Math.PI * (hourOfDay - 15)) / 24),
    ) * (intervalMs / HOUR);

    candles.timestamp[t] = time;
    candles.open[t] = open;
    candles.high[t] = high;
    candles.low[t] = low;
    candles.close[t] = close;
    candles.volume[t] = volume;
    candles.turnover[t] = volume * ((high + low + close) / 3);
    regime[t] = k;
    sigmaOut[t] = sigma;
    prevClose = close;
  }
  return { candles, regime, sigma: sigmaOut };
}

/**
 * Hourly parameters rescaled to bars of `hours` hours: drift and variance levels in proportion;
 * transitions as P^hours for whole hours (so regimes last as many hours), I + (P − I)·hours below one.
 * GARCH α, β stay per bar, so clustering is measured in bars.
 */
function scaleToInterval(hours: number) {
  const drift = DRIFT.map((d) => d * hours);
  const sigmaBar = SIGMA_BAR * Math.sqrt(hours);
  const omega = VOL_LEVEL.map((m) => (m * sigmaBar) ** 2 * (1 - GARCH_ALPHA - GARCH_BETA));
  let transitions: number[][];
  if (hours <= 1) {
    transitions = TRANSITIONS.map((row, i) => row.map((p, j) => (i === j ? 1 - (1 - p) * hours : p * hours)));
  } else {
    transitions = matrixPower(TRANSITIONS, Math.round(hours));
  }
  return { drift, omega, transitions, sigmaBar };
}

function matrixPower(m: number[][], power: number): number[][] {
  let result: number[][] = m.map((_, i) => m.map((__, j) => (i === j ? 1 : 0)));
  let base = m;
  const mul = (a: number[][], b: number[][]) =>
    a.map((row, i) => b[0].map((_, j) => row.reduce((s, _v, l) => s + a[i][l] * b[l][j], 0)));
  for (let p = power; p > 0; p >>= 1) {
    if (p & 1) result = mul(result, base);
    base = mul(base, base);
  }
  return result;
}

/** Index of the bucket a uniform u falls in, for probabilities summing to 1. */
function pick(u: number, probabilities: readonly number[]): number {
  let acc = 0;
  for (let i = 0; i < probabilities.length - 1; i++) {
    acc += probabilities[i];
    if (u < acc) return i;
  }
  return probabilities.length - 1;
}

/** Student-t with ν = 4 degrees of freedom: N(0,1) / √(χ²₄ / 4), χ²₄ = −2·ln(u₁u₂). */
function studentT(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng.uniform() * rng.uniform();
  const chi2 = -2 * Math.log(u);
  return rng.normal() / Math.sqrt(chi2 / NU);
}
