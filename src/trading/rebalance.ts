/**
 * @fileoverview From a time-ordered sequence of TARGET positions to the positions actually held:
 *  - no-trade band: trade only when the target has moved away from the held position by more than
 *    the band (small changes cost fees and slippage but earn almost nothing);
 *  - keep: where a row is marked `keep` (the strategy has no edge large enough to pay for a trade,
 *    but nothing says the held position is wrong), the held position is kept whatever the target.
 *
 * This is the one path-dependent step of the GLOW strategy (a signal row is judged on its own; the
 * held position depends on the previous one). It is a pure left-to-right scan: held[t] depends only
 * on targets[0..t] and keep[0..t], so truncating the data after bar t never changes any position up
 * to t. Callers pass rows in time order, with the position held before the first one (flat by default).
 */

export interface RebalanceOptions {
  /** Position held before the first target (default 0, flat). */
  initial?: number;
  /** keep[t] = true: hold the previous position at row t, ignoring targets[t]. */
  keep?: ArrayLike<boolean>;
}

/**
 * held[t] = held[t−1] if keep[t]; else targets[t] if |targets[t] − held[t−1]| > band; else held[t−1].
 * held[−1] = initial. A band of 0 and no keep marks give held = targets.
 */
export function applyRebalanceBand(targets: ArrayLike<number>, band: number, options: RebalanceOptions = {}): Float64Array {
  const { initial = 0, keep } = options;
  if (!(band >= 0) || !Number.isFinite(band)) throw new RangeError(`applyRebalanceBand: band must be a finite number ≥ 0, got ${band}`);
  if (!Number.isFinite(initial)) throw new RangeError(`applyRebalanceBand: initial position must be finite, got ${initial}`);
  if (keep && keep.length !== targets.length) throw new RangeError(`applyRebalanceBand: ${targets.length} targets but ${keep.length} keep marks`);
  const held = new Float64Array(targets.length);
  let h = initial;
  for (let t = 0; t < targets.length; t++) {
    const target = targets[t];
    if (!Number.isFinite(target)) throw new RangeError(`applyRebalanceBand: target ${t} is ${target}, expected a finite number`);
    if (!keep?.[t] && Math.abs(target - h) > band) h = target;
    held[t] = h;
  }
  return held;
}
