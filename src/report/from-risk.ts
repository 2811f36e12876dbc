/**
 * @fileoverview ReportData parts from a forecaster's per-bar risk run (pipeline/run-risk.ts): the
 * 1-bar VaR bands and PIT of the tested bars whose outcome is known, and the forecaster-vs-baselines
 * table with the same numbers and verdicts as `glow-trade risk`. `reportDataFromRisk` makes a whole
 * forecaster report; the demo adds the parts to its GLOW report.
 */
import { minuteTime } from '../data/time.js';
import type { RunRiskResult } from '../pipeline/run-risk.js';
import type { ForecasterBundle } from '../trading/forecaster-bundle.js';
import { fixed } from './format.js';
import type { ReportData, ReportForecast, ReportSummaryItem, ReportTable } from './types.js';


/**
 * The forecaster's 1-bar forecasts with a known outcome: close time, realised return, VaR 95/99 and
 * PIT. Null when the run has no 1-bar horizon or no bar's outcome is known yet.
 */
export function forecastReportPart(r: RunRiskResult, label = 'forecaster'): ReportForecast | null {
  const k = r.horizons.indexOf(1);
  if (k < 0) return null;
  const h = r.forecaster.horizons[k];
  const out: ReportForecast = { timestamp: [], realized: [], var95: [], var99: [], pit: [], scenarios: r.scenarios, label };
  for (let i = 0; i < r.bars.length; i++) {
    const x = r.realized[k][i];
    if (!Number.isFinite(x)) continue; // the last bar, or a gap: nothing to judge the forecast by
    out.timestamp.push(r.closeTimes[i]);
    out.realized.push(x);
    out.var95.push(h.var95[i]);
    out.var99.push(h.var99[i]);
    out.pit.push(r.pit[k][i]);
  }
  return out.timestamp.length > 0 ? out : null;
}

/** Per horizon, method and level: breaches, Kupiec, independence, CC p, pinball, vs reference, DM t, verdict. */
export function riskEvaluationTable(r: RunRiskResult): ReportTable {
  const rows: string[][] = [];
  for (const h of r.horizons) {
    let first = true;
    for (const e of r.evaluation.filter((x) => x.horizon === h)) {
      for (const l of e.levels) {
        const vs = l.vsReference === null ? '' : `${l.vsReference >= 0 ? '+' : ''}${(100 * l.vsReference).toFixed(1)}%`;
        rows.push([
          first ? `${h} bar${h === 1 ? '' : 's'} (ref. ${r.reference[h] ?? 'none'})` : '', e.method, `${l.confidence * 100}%`,
          `${l.exceedances}/${l.n} ${(100 * l.rate).toFixed(2)}%`, fixed(l.coverage.kupiec.pValue, 3), fixed(l.coverage.independence.pValue, 3),
          fixed(l.coverage.conditional.pValue, 3), fixed(l.pinball * 1e4, 3), vs, l.dm ? fixed(l.dm.statistic, 2) : '', l.verdict,
        ]);
        first = false;
      }
    }
  }
  return {
    id: 'forecast-evaluation', title: 'Forecaster vs baselines: per-bar VaR tests',
    caption: `At each of ${r.bars.length.toLocaleString('en-US')} closes, every method forecasts the VaR of the next h bars; `
      + 'breaches are realised losses beyond it (count/forecasts, rate). Kupiec, Christoffersen independence and conditional coverage (CC) '
      + 'p-values use every h-th bar for h > 1 so windows do not overlap. Pinball loss in basis points (lower is better); "vs ref" and '
      + 'the Diebold–Mariano t (Newey–West errors; negative = lower loss) compare with the horizon\'s best baseline (ref.).',
    header: ['Horizon', 'Method', 'Level', 'Breaches', 'Kupiec p', 'Indep. p', 'CC p', 'Pinball bp', 'vs ref', 'DM t', 'Verdict'],
    rows,
    notes: r.warnings,
  };
}

export interface RiskReportInputs {
  bundle: ForecasterBundle;
  risk: RunRiskResult;
  title?: string;
  subtitle?: string;
  /** Extra summary lines (data file, seed…), after the model's own. */
  summary?: ReportSummaryItem[];
  notes?: string[];
  /** Clock for `generatedAt` (tests pin it). */
  now?: () => number;
}

/** A forecaster-only report: summary, training curves, VaR bands, PIT histogram and the test table. */
export function reportDataFromRisk(input: RiskReportInputs): ReportData {
  const { bundle, risk: r } = input;
  const c = bundle.model.config;
  const t = bundle.training;
  const forecast = forecastReportPart(r);
  const notes = [...(input.notes ?? [])];
  if (!forecast) notes.push('No VaR bands or PIT histogram: the run has no 1-bar horizon with a known outcome.');
  return {
    title: input.title ?? 'glow-trade forecaster risk report',
    ...(input.subtitle ? { subtitle: input.subtitle } : {}),
    generatedAt: new Date((input.now ?? Date.now)()).toISOString(),
    summary: [
      { label: 'Model', value: `forecaster, ${bundle.horizon} bars ahead, L=${c.levels}, K=${c.steps}, H=${c.hidden}, E=${c.embed}, ${c.base} base, ${c.coupling} coupling` },
      { label: 'Training rows', value: `${t.train.rows} (${minuteTime(t.train.start)} → ${minuteTime(t.train.end)} UTC), seed ${t.seed}` },
      ...(t.validation ? [{ label: 'Validation rows', value: `${t.validation.rows} (${minuteTime(t.validation.start)} → ${minuteTime(t.validation.end)} UTC)` }] : []),
      { label: 'Tested bars', value: `${r.period.rows} closes, ${minuteTime(r.period.from)} → ${minuteTime(r.period.to)} UTC, ${r.scenarios} scenarios each, seed ${r.seed}` },
      { label: 'Baselines', value: r.baselines.map((b) => b.method).join(', ') || 'none' },
      ...(input.summary ?? []),
    ],
    history: t.history.map((h) => ({ epoch: h.epoch, trainNll: h.trainNll, valNll: h.valNll })),
    metrics: [],
    ...(forecast ? { forecast } : {}),
    tables: [riskEvaluationTable(r)],
    notes,
  };
}

/** The evaluation as JSON (for `report --json` and `demo --json`): per horizon, method and level, the tests and the verdict (the range is the caller's, in its JSON range shape). */
export function riskEvaluationSummary(r: RunRiskResult) {
  return {
    horizons: r.horizons, scenarios: r.scenarios, seed: r.seed, reference: r.reference,
    evaluation: r.evaluation.map((e) => ({
      method: e.method, horizon: e.horizon,
      levels: e.levels.map((l) => ({
        confidence: l.confidence, forecasts: l.n, exceedances: l.exceedances, rate: l.rate,
        kupiecP: l.coverage.kupiec.pValue, independenceP: l.coverage.independence.pValue, conditionalCoverageP: l.coverage.conditional.pValue,
        pinball: l.pinball, vsReference: l.vsReference, dmStatistic: l.dm ? l.dm.statistic : null, verdict: l.verdict,
      })),
    })),
  };
}
