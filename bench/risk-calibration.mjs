/**
 * @fileoverview Calibration evidence for the forecaster's 1-bar VaR (issue 13), from the per-bar CSV
 * of `glow-trade risk --output` and the candle file: breach rates and pinball losses; whether one
 * scale κ of the log-return quantile, q' = expm1(κ·log1p(q)), fitted (min pinball) on one half of the
 * bars helps on the other half; the same with one κ per tercile of the forecast's own VaR95; breach
 * rates by UTC hour, by EWMA-volatility tercile and by the EWMA/forecaster VaR ratio; and the
 * non-overlapping 20-bar breach rate. Plain JS on the built library (run `npm run build` first):
 *   node bench/risk-calibration.mjs risk.csv candles.csv [label]
 * Run it on validation bars (risk --from/--to --allow-in-sample) to decide; never tune on test bars.
 */
import { readCandles } from '../dist/src/data/candles-csv.js';
import { barLogReturns } from '../dist/src/risk/bar-risk.js';
import { pinballLoss } from '../dist/src/risk/forecast-loss.js';
import fs from 'node:fs';

const [csvPath, candlePath, label = ''] = process.argv.slice(2);
if (!csvPath || !candlePath) throw new Error('usage: node bench/risk-calibration.mjs risk.csv candles.csv [label]');
const candles = readCandles(candlePath);
const ts = candles.timestamp;
const H = ts[1] - ts[0];
const idx = new Map(Array.from(ts, (t, i) => [t, i]));
const lr = barLogReturns(candles.close, ts, H);
// EWMA variance (λ 0.94) known at the close of bar i.
const ew = new Float64Array(ts.length);
for (let i = 0, v = 1e-4; i < ts.length; i++) {
  if (Number.isFinite(lr[i])) v = 0.94 * v + 0.06 * lr[i] * lr[i];
  ew[i] = v;
}
const rows = fs.readFileSync(csvPath, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
const horizonRows = (h) => rows.filter((r) => +r[1] === h).map((r) => {
  const close = Date.parse(r[0]);
  return { t: idx.get(close - H), hour: new Date(close).getUTCHours(), q95: -r[2], q99: -r[4], y: r[8] === '' ? NaN : +r[8] };
}).filter((r) => Number.isFinite(r.y));
const scaleQ = (q, k) => Math.expm1(k * Math.log1p(q));
function stats(rs, k95 = () => 1, k99 = () => 1) {
  let b95 = 0, b99 = 0, p95 = 0, p99 = 0;
  for (const r of rs) {
    const a = scaleQ(r.q95, k95(r)), b = scaleQ(r.q99, k99(r));
    if (r.y < a) b95++;
    if (r.y < b) b99++;
    p95 += pinballLoss(r.y, a, 0.05);
    p99 += pinballLoss(r.y, b, 0.01);
  }
  const n = rs.length;
  return { n, rate95: b95 / n, rate99: b99 / n, pin95: (p95 / n) * 1e4, pin99: (p99 / n) * 1e4 };
}
function fitK(rs, level) {
  let best = 1, bestLoss = Infinity;
  for (let k = 0.7; k <= 1.3001; k += 0.005) {
    const s = level === 95 ? stats(rs, () => k).pin95 : stats(rs, () => 1, () => k).pin99;
    if (s < bestLoss) [bestLoss, best] = [s, k];
  }
  return best;
}
const f = (x, d = 2) => x.toFixed(d);
const pct = (x) => `${f(100 * x)}%`;
const terciles = (vals) => {
  const s = [...vals].sort((a, b) => a - b);
  return [s[Math.floor(s.length / 3)], s[Math.floor((2 * s.length) / 3)]];
};
const one = horizonRows(1);
const half = Math.floor(one.length / 2);
const A = one.slice(0, half), B = one.slice(half);
const all = stats(one);
console.log(`# ${label} ${csvPath}: 1 bar, ${one.length} bars: breaches 95 ${pct(all.rate95)} 99 ${pct(all.rate99)}; pinball 95 ${f(all.pin95, 4)} bp 99 ${f(all.pin99, 4)} bp`);
for (const [fitOn, evalOn, name] of [[A, B, '1st half → 2nd'], [B, A, '2nd half → 1st']]) {
  const k95 = fitK(fitOn, 95), k99 = fitK(fitOn, 99);
  const base = stats(evalOn), cal = stats(evalOn, () => k95, () => k99);
  console.log(`scale κ ${name}: κ95 ${f(k95, 3)} κ99 ${f(k99, 3)}; held half breaches 95 ${pct(base.rate95)}→${pct(cal.rate95)} 99 ${pct(base.rate99)}→${pct(cal.rate99)}; pinball 95 ${f(100 * (cal.pin95 / base.pin95 - 1))}% 99 ${f(100 * (cal.pin99 / base.pin99 - 1))}%`);
  const [c1, c2] = terciles(fitOn.map((r) => -r.q95));
  const g = (r) => (-r.q95 < c1 ? 0 : -r.q95 < c2 ? 1 : 2);
  const ks = [0, 1, 2].map((k) => fitOn.filter((r) => g(r) === k)).map((p) => [fitK(p, 95), fitK(p, 99)]);
  const reg = stats(evalOn, (r) => ks[g(r)][0], (r) => ks[g(r)][1]);
  console.log(`κ per VaR95 tercile ${name}: 95 ${ks.map((k) => f(k[0], 3)).join(',')} 99 ${ks.map((k) => f(k[1], 3)).join(',')}; held half breaches 95 ${pct(base.rate95)}→${pct(reg.rate95)} 99 ${pct(base.rate99)}→${pct(reg.rate99)}; pinball 95 ${f(100 * (reg.pin95 / base.pin95 - 1))}% 99 ${f(100 * (reg.pin99 / base.pin99 - 1))}%`);
}
const groups = (name, key, labels) => {
  const g = new Map();
  for (const r of one) {
    const k = key(r);
    if (!g.has(k)) g.set(k, []);
    g.get(k).push(r);
  }
  console.log(`by ${name}: ` + labels.filter((l) => g.has(l)).map((l) => {
    const x = stats(g.get(l));
    return `${l}: n ${x.n} 95 ${pct(x.rate95)} 99 ${pct(x.rate99)}`;
  }).join(' | '));
};
groups('UTC hour of the forecast bar', (r) => (r.hour < 8 ? '00-07' : r.hour < 15 ? '08-14' : r.hour < 23 ? '15-22' : '23'), ['00-07', '08-14', '15-22', '23']);
const vol = (r) => Math.sqrt(ew[r.t]);
const [e1, e2] = terciles(one.map(vol));
groups(`EWMA vol tercile (cuts ${f(1e4 * e1, 0)}, ${f(1e4 * e2, 0)} bp)`, (r) => (vol(r) < e1 ? 'low' : vol(r) < e2 ? 'mid' : 'high'), ['low', 'mid', 'high']);
const ratio = (r) => (1.645 * vol(r)) / -Math.log1p(r.q95);
const [r1, r2] = terciles(one.map(ratio));
groups(`EWMA/forecaster VaR95 ratio tercile (cuts ${f(r1)}, ${f(r2)})`, (r) => (ratio(r) < r1 ? 'low' : ratio(r) < r2 ? 'mid' : 'high'), ['low', 'mid', 'high']);
const nonOverlapping = horizonRows(20).filter((_, i) => i % 20 === 0);
const t20 = stats(nonOverlapping);
console.log(`20 bars, every 20th bar (n ${t20.n}): breaches 95 ${pct(t20.rate95)} 99 ${pct(t20.rate99)}`);
