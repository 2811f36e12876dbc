/**
 * Reference values come from an independent implementation (stdlib-js 0.2/0.3: gammaln, digamma,
 * t-cdf, t-quantile), computed once and pasted here.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { betaInc, digamma, lgamma, normalCdf, normalQuantile, tCdf, tLogPdf, tQuantile } from '../../src/util/special.js';

const close = (got: number, want: number, rel: number, abs = 0, what = '') =>
  assert.ok(Math.abs(got - want) <= rel * Math.abs(want) + abs, `${what}: ${got} vs ${want}`);

test('lgamma', () => {
  const ref: [number, number][] = [[0.1, 2.2527126517342055], [0.5, 0.5723649429247001], [1, 0], [2.5, 0.2846828704729192],
    [3, 0.6931471805599453], [7.25, 7.0521854507385395], [30, 71.25703896716801], [171.5, 709.1431630309282]];
  for (const [x, y] of ref) close(lgamma(x), y, 3e-15, 3e-15, `lgamma(${x})`);
});

test('digamma', () => {
  const ref: [number, number][] = [[0.1, -10.423754940411076], [0.5, -1.9635100260214235], [1, -0.5772156649015329],
    [2.5, 0.7031566406452432], [5, 1.5061176684318003], [12.75, 2.5058032764013554], [100, 4.600161852738087]];
  for (const [x, y] of ref) close(digamma(x), y, 0, 2e-15, `digamma(${x})`);
  assert.ok(Number.isNaN(digamma(0)) && Number.isNaN(lgamma(-1)));
});

test('betaInc: closed forms I_x(1, b) = 1 − (1−x)^b and I_x(a, 1) = x^a', () => {
  close(betaInc(0.3, 1, 4.5), 1 - 0.7 ** 4.5, 1e-14, 0, 'I(1,b)');
  close(betaInc(0.8, 2.5, 1), 0.8 ** 2.5, 1e-14, 0, 'I(a,1)');
  assert.is(betaInc(0, 2, 3), 0);
  assert.is(betaInc(1, 2, 3), 1);
});

test('Student-t CDF and quantile', () => {
  const cdf: [number, number, number][] = [[-3, 2.5, 0.03628804777451592], [-1.5, 4, 0.10400000000000002], [0.7, 10, 0.7500562149135579],
    [-10, 3, 0.0010641995292070751], [2, 30, 0.9726874775185085]];
  for (const [x, nu, p] of cdf) close(tCdf(x, nu), p, 0, 1e-13, `tCdf(${x}, ${nu})`);
  const q: [number, number, number][] = [[0.01, 2.5, -5.353111173030873], [0.05, 4, -2.1318467863266504], [0.001, 3.3, -8.951595109462504],
    [0.99, 7, 2.997951566868528], [0.5, 5, 0], [0.0001, 30, -4.233985957272021]];
  for (const [p, nu, x] of q) close(tQuantile(p, nu), x, 1e-12, 1e-14, `tQuantile(${p}, ${nu})`);
  // ν = 1 is the Cauchy distribution: F(t) = ½ + atan(t)/π.
  close(tCdf(2, 1), 0.5 + Math.atan(2) / Math.PI, 0, 1e-14, 'Cauchy');
  close(tLogPdf(2, 1), -Math.log(Math.PI * 5), 1e-14, 0, 'Cauchy density');
});

test('normal CDF and quantile', () => {
  close(normalQuantile(0.05), -1.6448536269514722, 1e-14, 0, 'z05');
  close(normalQuantile(0.01), -2.3263478740408408, 1e-14, 0, 'z01');
  close(normalQuantile(0.975), 1.959963984540054, 1e-14, 0, 'z975');
  close(normalCdf(normalQuantile(1e-10)), 1e-10, 1e-12, 0, 'tail');
});

test.run();
