/**
 * @fileoverview Options of the GLOW strategy: their defaults, their validation, and the defaults
 * that apply to calibrations read from model files written before an option existed.
 *
 * Cost awareness. The ridge predicts the forward `horizon`-bar return c_{t+h}/c_t − 1 ("edge"). A
 * trade pays `costRate` (fee + slippage per unit of |Δposition|) on entry and again on exit, so a
 * prediction smaller than a few cost rates cannot pay for itself: below `minEdge × costRate` the
 * target position is flat, and over a sequence the held position is kept ('hold') or closed ('flat'). `rebalanceBand` keeps the held position until the target moves away from
 * it by more than the band (path-dependent, applied over a time-ordered sequence: see rebalance.ts).
 * Defaults (horizon 8, minEdge 1.5, band 0.75, belowEdge 'hold') were chosen on the validation
 * split of 8 seeded synthetic markets and of BTCUSDT 1h, never on a test period: a grid over horizon
 * {1…48}, minEdge {0…4}, band {0…0.75}, hold/flat. Turnover was what separated the candidates.
 */

export interface StrategyOptions {
  /** Quantile of the training log-likelihoods below which the strategy stays flat (default 0.05). */
  likelihoodQuantile?: number;
  /** 'ridge' (default): regression of the forward return on z; 'latent0': the seed's tanh(z_0). */
  direction?: 'ridge' | 'latent0';
  /** Ridge penalty (default 10). */
  ridgeLambda?: number;
  /** Bars of the forward return the ridge predicts: c_{t+h}/c_t − 1 (default 8; 1 = the next bar). */
  horizon?: number;
  /** Cost per unit of |Δposition| the edge must beat: fee + slippage (default 0.0015). */
  costRate?: number;
  /** Flat unless |predicted horizon return| ≥ minEdge × costRate (default 1.5; 0 = off; ridge only). */
  minEdge?: number;
  /**
   * What a row whose edge is below the hurdle (but passes every other filter) does when positions
   * are held over a sequence: 'hold' keeps the held position (default: exiting costs as much as
   * entering, and a weak edge is no reason to pay it), 'flat' goes flat. A single row's target is flat.
   */
  belowEdge?: 'hold' | 'flat';
  /** Keep the held position unless the target differs from it by more than this (default 0.75; 0 = off). */
  rebalanceBand?: number;
  /** Largest absolute position, as a fraction of equity (default 1). */
  maxPosition?: number;
  /** Positions with confidence below this are zero (default 0). */
  minConfidence?: number;
  longOnly?: boolean;
  /** Number of k-means regimes (default 4). */
  regimes?: number;
  /** Trade only in these regimes (default: all). */
  allowedRegimes?: number[];
  /** Seed of the k-means++ initialisation (default 0). */
  seed?: number;
}

export type ResolvedStrategyOptions = Required<Omit<StrategyOptions, 'allowedRegimes'>> & { allowedRegimes: number[] | null };

export const DEFAULT_HORIZON = 8;
export const DEFAULT_COST_RATE = 0.0015;
export const DEFAULT_MIN_EDGE = 1.5;
export const DEFAULT_REBALANCE_BAND = 0.75;

/**
 * What a calibration stored before the cost-aware options existed was fitted and used with: a ridge
 * of the NEXT-bar return (horizon 1 is a fact about its weights, not a preference), no edge hurdle and
 * no band. Loading such a file therefore reproduces its original positions exactly.
 */
export const LEGACY_OPTIONS = { horizon: 1, costRate: DEFAULT_COST_RATE, minEdge: 0, belowEdge: 'flat', rebalanceBand: 0 } as const;

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(`strategy: ${message}`);
}

/** Options with defaults filled in, validated; names the option and the value when one is wrong. */
export function resolveStrategyOptions(o: StrategyOptions): ResolvedStrategyOptions {
  const opts: ResolvedStrategyOptions = {
    likelihoodQuantile: o.likelihoodQuantile ?? 0.05,
    direction: o.direction ?? 'ridge',
    ridgeLambda: o.ridgeLambda ?? 10,
    horizon: o.horizon ?? DEFAULT_HORIZON,
    costRate: o.costRate ?? DEFAULT_COST_RATE,
    minEdge: o.minEdge ?? DEFAULT_MIN_EDGE,
    belowEdge: o.belowEdge ?? 'hold',
    rebalanceBand: o.rebalanceBand ?? DEFAULT_REBALANCE_BAND,
    maxPosition: o.maxPosition ?? 1,
    minConfidence: o.minConfidence ?? 0,
    longOnly: o.longOnly ?? false,
    regimes: o.regimes ?? 4,
    allowedRegimes: o.allowedRegimes ?? null,
    seed: o.seed ?? 0,
  };
  check(opts.likelihoodQuantile >= 0 && opts.likelihoodQuantile < 1, `likelihoodQuantile must be in [0, 1), got ${opts.likelihoodQuantile}`);
  check(opts.maxPosition > 0 && Number.isFinite(opts.maxPosition), `maxPosition must be a finite number > 0, got ${opts.maxPosition}`);
  check(opts.minConfidence >= 0 && opts.minConfidence <= 1, `minConfidence must be in [0, 1], got ${opts.minConfidence}`);
  check(opts.direction === 'ridge' || opts.direction === 'latent0', `direction must be 'ridge' or 'latent0', got ${opts.direction}`);
  check(Number.isInteger(opts.regimes) && opts.regimes >= 1, `regimes must be a positive integer, got ${opts.regimes}`);
  check(Number.isInteger(opts.horizon) && opts.horizon >= 1, `horizon must be a whole number of bars ≥ 1, got ${opts.horizon}`);
  check(opts.costRate >= 0 && Number.isFinite(opts.costRate), `costRate must be a finite number ≥ 0, got ${opts.costRate}`);
  check(opts.minEdge >= 0 && Number.isFinite(opts.minEdge), `minEdge must be a finite number ≥ 0, got ${opts.minEdge}`);
  check(opts.belowEdge === 'hold' || opts.belowEdge === 'flat', `belowEdge must be 'hold' or 'flat', got ${opts.belowEdge}`);
  check(opts.rebalanceBand >= 0 && Number.isFinite(opts.rebalanceBand), `rebalanceBand must be a finite number ≥ 0, got ${opts.rebalanceBand}`);
  return opts;
}

/** Options of a stored calibration: fields missing from older model files get LEGACY_OPTIONS. */
export function storedStrategyOptions(stored: Partial<ResolvedStrategyOptions>): ResolvedStrategyOptions {
  const { allowedRegimes, ...rest } = stored;
  return resolveStrategyOptions({ ...LEGACY_OPTIONS, ...rest, allowedRegimes: allowedRegimes ?? undefined });
}
