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
    assert.equal(figures.map((f) => f.id), [...CHART_IDS]);
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

    // Charts shrink with the window instead of overflowing it.
    await page.setViewportSize({ width: 560, height: 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than a 560px window`);
    await page.setViewportSize({ width: 1100, height: 900 });

    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 50_000, 'screenshot written');
    console.log(`  report: ${path}\n  screenshot: ${shot}`);
  } finally {
    await opened.close();
  }
});

test.run();
