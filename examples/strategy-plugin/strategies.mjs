/**
 * @fileoverview An example glow-trade strategy plugin (plain ESM, no dependencies, no build step).
 *
 * oclif calls this hook when `glow-trade backtest` runs `config.runHook('strategies', {})`; it returns
 * the strategies this plugin adds. A strategy is `{ name, description, positions(context) }`, where
 * `positions` returns one position per tested row: the fraction of equity to hold over the NEXT bar,
 * decided at that row's close from what is known then (see src/trading/registry.ts for the context).
 *
 * Link it into a glow-trade installation with:
 *   glow-trade plugins link ./examples/strategy-plugin --no-install
 *   glow-trade backtest --model model.bin --data btc.csv --strategy momentum
 */

/** Time-series momentum: long when the last 20 bars went up, short when they went down. */
const momentum = {
  name: 'momentum',
  description: 'Sign of return_20 (the 20-bar return up to the current close): +1 long, −1 short, 0 flat.',
  positions(context) {
    const d = context.featureNames.length;
    const column = context.featureNames.indexOf('return_20');
    if (column < 0) throw new Error('momentum: the model has no return_20 feature');
    const out = new Float64Array(context.rows);
    for (let i = 0; i < context.rows; i++) out[i] = Math.sign(context.featureRows[i * d + column]);
    return out;
  },
};

export default async function strategies() {
  return [momentum];
}
