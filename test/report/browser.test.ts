/**
 * @fileoverview The HTML report in real headless Chromium, opened from disk (file://) in an offline
 * context: the only request is the file itself, no console or page errors, every chart figure holds
 * a rendered <svg> of non-zero size with drawn marks, the page fits a narrow window, and a full-page
 * screenshot is kept (its path printed). Registered as skipped (counted in uvu's total, the reason
 * printed) where Chromium is missing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHART_IDS } from '../../src/report/charts.js';
import { writeReport } from '../../src/report/html.js';
import { syntheticForecast, syntheticReportData } from '../../src/report/synthetic.js';
import { backtestReportPart, baselinesOf } from '../../src/report/from-backtest.js';
import { backtestPositions } from '../../src/trading/backtest.js';
import { reportDataFromWalkForward } from '../../src/report/from-walk-forward.js';
import { walkForwardJson } from '../helpers/walk-forward-json.js';
import type { Browser } from 'playwright-core';
import { browserTest, chromiumMissing, launchChromium, openOffline } from '../helpers/chromium.js';

let browser: Browser;
let dir = '', path = '', url = '';

if (chromiumMissing() === null) {
  test.before(async () => {
    browser = (await launchChromium('test/report/browser.test.ts (the HTML report in Chromium)'))!;
    // Kept after the run (unlike tempDir()) so the printed screenshot can be looked at.
    dir = mkdtempSync(join(tmpdir(), 'glow-trade-report-'));
    path = join(dir, 'report.html');
    // With a forecaster's sections: VaR bands, PIT histogram and a test table after the charts.
    const data = syntheticReportData({ bars: 3000, seed: 3 });
    data.forecast = syntheticForecast(3000, 3);
    data.tables = [{
      id: 'forecast-evaluation', title: 'Forecaster vs baselines', header: ['Horizon', 'Method', 'Level', 'Verdict'],
      rows: [['1 bar', 'forecaster', '95%', 'calibrated'], ['', 'ewma', '95%', 'FAILS']],
    }];
    // A backtest section: honest statistics, the baselines table and its two charts.
    const { timestamp, close, position } = data.bars;
    const result = backtestPositions({ timestamps: timestamp, closes: close, decisions: position, periodsPerYear: 8760 });
    data.backtests = [backtestReportPart({
      id: 'glow', title: 'Honest statistics and baselines', strategyName: 'strategy "synthetic"', result, baselines: baselinesOf(result),
      risk: { values: close.map((_, i) => 0.01 + 0.005 * Math.sin(i / 50)), label: '1-bar std' },
    })];
    await writeReport(path, data);
    url = pathToFileURL(path).href;
  });
  test.after(async () => { await browser?.close(); });
}

browserTest(test, 'the report loads offline from file:// with no other request and no errors; every chart is drawn', async () => {
  const opened = await openOffline(browser, url, { viewport: { width: 1100, height: 900 } });
  try {
    const { page } = opened;
    assert.equal(opened.requests, [url], 'the file itself is the only request');
    assert.equal(opened.blocked, []);
    assert.equal(opened.consoleErrors, []);
    assert.equal(opened.pageErrors, []);
    assert.is(await page.title(), 'glow-trade report (synthetic preview)');

    const figures = await page.$$eval('figure[data-chart]', (nodes) => nodes.map((f) => {
      const svg = f.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      return {
        id: (f as HTMLElement).dataset.chart,
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        marks: svg ? svg.querySelectorAll('path[d], line').length : 0,
        caption: f.querySelector('figcaption')?.textContent ?? '',
      };
    }));
    assert.equal(figures.map((f) => f.id), ['glow-equity', 'glow-exposure', ...CHART_IDS]);
    for (const f of figures) {
      assert.ok(f.width > 300 && f.height > 40, `${f.id}: svg is ${f.width}×${f.height}`);
      assert.ok(f.marks > 5, `${f.id}: ${f.marks} marks drawn`);
      assert.ok(f.caption.length > 20, `${f.id}: caption`);
    }
    const metricRows = await page.$$eval('table[data-table="metrics"] tbody tr', (rows) => rows.length);
    assert.is(metricRows, 4);
    // The forecaster's sections: exceedance triangles and the legend in the bands, bins and the uniform line in the PIT.
    const forecast = await page.evaluate(() => {
      const text = (id: string) => document.querySelector(`figure[data-chart="${id}"] svg`)?.textContent ?? '';
      return {
        triangles: document.querySelectorAll('figure[data-chart="var-bands"] svg path[d*="L"]').length,
        bands: text('var-bands'), pit: text('pit'),
        pitBars: document.querySelectorAll('figure[data-chart="pit"] svg path[d]').length,
        tableRows: document.querySelectorAll('table[data-table="forecast-evaluation"] tbody tr').length,
      };
    });
    assert.match(forecast.bands, /Exceedance/);
    assert.match(forecast.bands, /beyond VaR 99%/);
    assert.match(forecast.pit, /uniform \(5% per bin\)/);
    assert.ok(forecast.pitBars >= 20, `${forecast.pitBars} PIT marks`);
    assert.is(forecast.tableRows, 2);

    // The backtest section: seven statistics ending in the verdict, four rows of 13 cells (strategy and three baselines), five curves' legend.
    const section = await page.evaluate(() => ({
      stats: Array.from(document.querySelectorAll('dl[data-honest="glow"] dt')).map((n) => n.textContent),
      verdict: document.querySelector('dl[data-honest="glow"] dd.verdict')?.textContent ?? '',
      rows: Array.from(document.querySelectorAll('table[data-table="baselines-glow"] tbody tr')).map((r) => [r.className, r.children.length, r.children[0].textContent]),
      legend: document.querySelector('figure[data-chart="glow-equity"] svg')?.textContent ?? '',
      tableFits: (() => { const w = document.querySelector('section#backtest-glow .table-wrap') as HTMLElement; return w.scrollWidth <= w.clientWidth + 1; })(),
    }));
    assert.equal(section.stats, ['Bars', 'Alpha vs the asset', 'Beta', 'Sharpe', 'Deflated Sharpe', 'Costs', 'At equal risk', 'Verdict']);
    assert.match(section.verdict, /^the edge is|^the strategy loses|^too few bars/);
    assert.equal(section.rows, [['strategy', 13, 'strategy "synthetic"'], ['baseline', 13, 'buy & hold'], ['baseline', 13, 'EWMA vol target'], ['baseline', 13, '20-bar momentum']]);
    for (const name of ['strategy "synthetic"', 'buy & hold', 'EWMA vol target', '20-bar momentum']) assert.ok(section.legend.includes(name), `legend names ${name}: ${section.legend}`);
    assert.ok(section.tableFits, 'the baselines table fits its box at 1100 px');
    const sectionShot = join(dir, 'backtest-section.png');
    await page.locator('section#backtest-glow').screenshot({ path: sectionShot });
    const chartsShot = join(dir, 'backtest-charts.png');
    await page.locator('figure[data-chart="glow-equity"]').screenshot({ path: chartsShot });
    await page.locator('figure[data-chart="glow-exposure"]').screenshot({ path: join(dir, 'backtest-exposure.png') });

    // Charts shrink with the window instead of overflowing it.
    await page.setViewportSize({ width: 560, height: 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than a 560px window`);
    await page.setViewportSize({ width: 1100, height: 900 });

    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 50_000, 'screenshot written');
    console.log(`  report: ${path}\n  screenshot: ${shot}\n  backtest section: ${sectionShot}, ${chartsShot}`);
  } finally {
    await opened.close();
  }
});

browserTest(test, 'a walk-forward report: the folds and members tables render without errors and fit the page', async () => {
  const wfPath = join(dir, 'walk-forward.html');
  await writeReport(wfPath, reportDataFromWalkForward(walkForwardJson(), { now: () => Date.UTC(2024, 5, 1) }));
  const wfUrl = pathToFileURL(wfPath).href;
  const opened = await openOffline(browser, wfUrl, { viewport: { width: 1100, height: 900 } });
  try {
    const { page } = opened;
    assert.equal([opened.requests, opened.consoleErrors, opened.pageErrors], [[wfUrl], [], []]);
    const t = await page.evaluate(() => {
      const rows = (id: string) => Array.from(document.querySelectorAll(`table[data-table="${id}"] tbody tr`)).map((r) => r.children.length);
      const fits = (id: string) => { const w = document.querySelector(`table[data-table="${id}"]`)!.parentElement!; return w.scrollWidth <= w.clientWidth + 1; };
      return { folds: rows('walk-forward-folds'), members: rows('walk-forward-members'), stitched: rows('baselines-walk-forward'),
        fit: [fits('walk-forward-folds'), fits('walk-forward-members'), fits('baselines-walk-forward')] };
    });
    // 3 folds × 15 columns (with the members' spread), 2 members and the ensemble, the stitched run and 3 baselines
    assert.equal(t, { folds: [15, 15, 15], members: [6, 6, 6], stitched: [13, 13, 13, 13], fit: [true, true, true] });
    const shot = join(dir, 'walk-forward.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`  walk-forward report: ${wfPath}\n  screenshot: ${shot}`);
  } finally {
    await opened.close();
  }
});

test.run();
