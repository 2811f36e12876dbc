/**
 * @fileoverview Plain-text tables of the risk report for the `scenarios` command's human output:
 * per-horizon risk, the temperature stress table and the out-of-sample VaR test. Returns and losses
 * print as percentages; anything undefined prints "n/a".
 */
import { num, pct } from './format.js';
import { PERCENTILES, type ReturnRisk } from '../risk/var.js';
import { RISK_HORIZONS, type RiskHorizon } from '../risk/scenarios.js';
import type { StressRow } from '../risk/stress.js';
import type { VarTestResult } from '../risk/var-test.js';

/** Columns padded to their widest cell; the first column left-aligned, the others right-aligned. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

export function horizonTable(horizons: Record<RiskHorizon, ReturnRisk>): string {
  return renderTable(
    ['horizon', 'VaR95', 'CVaR95', 'VaR99', 'CVaR99', 'mean', 'std', 'skewness', 'ex.kurtosis'],
    RISK_HORIZONS.map((h) => {
      const r = horizons[h];
      return [h, pct(r.var95), pct(r.cvar95), pct(r.var99), pct(r.cvar99), pct(r.mean, 3), pct(r.std), num(r.skewness, 3), num(r.kurtosis, 3)];
    }),
  );
}

export function percentileTable(horizons: Record<RiskHorizon, ReturnRisk>): string {
  return renderTable(
    ['horizon', ...PERCENTILES.map((p) => `p${p}`)],
    RISK_HORIZONS.map((h) => [h, ...PERCENTILES.map((p) => pct(horizons[h].percentiles[`p${p}`]))]),
  );
}

export function stressTableText(stress: StressRow[]): string {
  const rows: string[][] = [];
  for (const s of stress) {
    for (const h of RISK_HORIZONS) {
      const r = s.horizons[h];
      rows.push([h === RISK_HORIZONS[0] ? `${s.temperature}${s.main ? ' (main set)' : ''}` : '', h === RISK_HORIZONS[0] ? String(s.seed) : '', h,
        pct(r.var95), pct(r.cvar95), pct(r.var99), pct(r.cvar99)]);
    }
  }
  const counts = (c: Record<RiskHorizon, number>) => RISK_HORIZONS.filter((h) => c[h] > 0).map((h) => `${c[h]} ${h}`).join(', ');
  const notes = stress.flatMap((s) => {
    const clamped = counts(s.clamped), below = counts(s.belowMinusOne);
    return [
      // the main set's redraws are reported once, above the tables
      ...(s.rejected && !s.main ? [`T = ${s.temperature}: ${s.rejected} of ${s.draws} draws (${(100 * s.rejected / s.draws).toFixed(1)}%) were impossible ` +
        "market states (beyond the scaler's range or a return below −100%) and were redrawn"] : []),
      ...(clamped ? [`T = ${s.temperature}: returns at the scaler's ±40σ limit: ${clamped}`] : []),
      ...(below ? [`T = ${s.temperature}: returns below −100% (impossible): ${below}`] : []),
    ];
  });
  return [renderTable(['T', 'seed', 'horizon', 'VaR95', 'CVaR95', 'VaR99', 'CVaR99'], rows), ...notes].join('\n');
}

/**
 * The VaR test: all windows (exceedances with the expected count, Kupiec p), then every h-th window
 * only (independent windows: their bars and p-values), then the verdict of each level in a word.
 */
export function varTestTable(test: VarTestResult): string {
  return renderTable(
    ['horizon', 'bars', 'VaR95', 'exc95 (exp)', 'Kupiec p95', 'VaR99', 'exc99 (exp)', 'Kupiec p99',
      'every h-th: bars', 'p95', 'p99', 'verdict 95%', 'verdict 99%'],
    RISK_HORIZONS.map((h) => {
      const t = test.horizons[h];
      if (t === null) return [h, '0', ...Array<string>(11).fill('n/a')];
      const o = t.nonOverlapping;
      return [h, String(t.n), pct(t.var95), `${t.exceedances95} (${num(t.expected95, 1)})`, num(t.kupiecP95, 3),
        pct(t.var99), `${t.exceedances99} (${num(t.expected99, 1)})`, num(t.kupiecP99, 3), String(o.n), num(o.kupiecP95, 3), num(o.kupiecP99, 3),
        t.verdict95.result, t.verdict99.result];
    }),
  );
}

/** One line per horizon and level saying what the VaR test found, failures first. */
export function varVerdictLines(test: VarTestResult): string[] {
  const lines: Array<{ failed: boolean; text: string }> = [];
  for (const h of RISK_HORIZONS) {
    const t = test.horizons[h];
    if (t === null) continue;
    for (const v of [t.verdict95, t.verdict99]) lines.push({ failed: v.result.startsWith('VaR'), text: `${h}: ${v.text}` });
  }
  return [...lines.filter((l) => l.failed), ...lines.filter((l) => !l.failed)].map((l) => l.text);
}

/** One horizon of a forecaster's now-cast: returnRisk's numbers and the probability of a loss beyond a threshold. */
export type NowcastRow = ReturnRisk & { horizon: number; lossProbability: number };

/** A now-cast's per-horizon risk (horizons in bars): VaR/CVaR, mean, std and P(loss > threshold). */
export function nowcastRiskTable(rows: NowcastRow[], loss: number, probabilityDigits = 2): string {
  return renderTable(
    ['horizon', 'VaR95', 'CVaR95', 'VaR99', 'CVaR99', 'mean', 'std', `P(loss>${Number((100 * loss).toFixed(4))}%)`],
    rows.map((r) => [`${r.horizon} bar${r.horizon === 1 ? '' : 's'}`, pct(r.var95), pct(r.cvar95), pct(r.var99), pct(r.cvar99), pct(r.mean, 3), pct(r.std), pct(r.lossProbability, probabilityDigits)]),
  );
}

/** A now-cast's percentiles of the h-bar return. */
export function nowcastPercentileTable(rows: NowcastRow[]): string {
  return renderTable(
    ['horizon', ...PERCENTILES.map((p) => `p${p}`)],
    rows.map((r) => [`${r.horizon} bar${r.horizon === 1 ? '' : 's'}`, ...PERCENTILES.map((p) => pct(r.percentiles[`p${p}`]))]),
  );
}
