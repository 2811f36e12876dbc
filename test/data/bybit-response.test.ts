import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BybitError, readKlineReply, type KlineReplyContext } from '../../src/data/bybit-response.js';

const W = 'GET /k';
const ok = (list: unknown) => JSON.stringify({ retCode: 0, retMsg: 'OK', result: { category: 'linear', symbol: 'BTCUSDT', list } });

/** The BybitError that reading this reply throws. */
function failure(status: number, body: string, context: KlineReplyContext = {}): BybitError {
  try {
    readKlineReply(status, body, W, context);
  } catch (e) {
    assert.instance(e, BybitError);
    return e as BybitError;
  }
  throw new Error('expected a BybitError');
}

test('rows come back as numbers in Bybit field order, in the order sent', () => {
  const rows = readKlineReply(200, ok([['2000', '1', '3', '0.5', '2', '10', '20'], [1000, 1, 2, 1, 1, 0, 0]]), W);
  assert.equal(rows, [[2000, 1, 3, 0.5, 2, 10, 20], [1000, 1, 2, 1, 1, 0, 0]]);
  assert.equal(readKlineReply(200, ok([]), W), []);
});

test('HTTP 403 is final and says IP banned/forbidden', () => {
  const e = failure(403, '<html>Forbidden</html>');
  assert.is(e.retryable, false);
  assert.ok(e.message.startsWith('HTTP 403 from GET /k: IP banned/forbidden.'), e.message);
});

test('HTTP 429 and 5xx are retryable; Retry-After is read in seconds', () => {
  const e = failure(429, '', { retryAfter: '2' });
  assert.is(e.retryable, true);
  assert.is(e.details.retryAfterMs, 2000);
  assert.is(e.details.retryAfterSource, 'Retry-After: 2');
  assert.is(e.message, 'HTTP 429 from GET /k (rate limited)');
  assert.is(failure(503, '', { retryAfter: 'Thu, 01 Jan 2026 00:00:05 GMT', now: Date.UTC(2026, 0, 1) }).details.retryAfterMs, 5000);
  assert.is(failure(503, '', { retryAfter: 'soon' }).details.retryAfterMs, undefined);
  assert.is(failure(502, 'bad gateway').retryable, true);
  assert.is(failure(500, '').details.status, 500);
});

test('retCode 10006 is retryable; any other non-zero retCode is final and shows code and message, before result is required', () => {
  const limited = failure(200, JSON.stringify({ retCode: 10006, retMsg: 'Too many visits!', result: {} }));
  assert.is(limited.retryable, true);
  assert.is(limited.message, 'Bybit rate limit from GET /k (retCode 10006: Too many visits!)');
  const invalid = failure(200, JSON.stringify({ retCode: 10001, retMsg: 'params error: symbol invalid', result: {} }));
  assert.is(invalid.retryable, false);
  assert.is(invalid.message, 'Bybit API error from GET /k: retCode 10001: params error: symbol invalid');
  assert.is(failure(200, JSON.stringify({ retCode: 170001, retMsg: 'x' })).details.retCode, 170001);
});

test('X-Bapi-Limit-Reset-Timestamp (Unix ms) gives the wait on 429 and retCode 10006; the later of it and Retry-After wins', () => {
  const now = 1_700_000_000_000;
  const limited = JSON.stringify({ retCode: 10006, retMsg: 'Too many visits!', result: {} });
  const reset = failure(200, limited, { limitReset: String(now + 1500), now });
  assert.equal([reset.details.retryAfterMs, reset.details.retryAfterSource], [1500, `X-Bapi-Limit-Reset-Timestamp: ${now + 1500}`]);
  assert.is(failure(429, '', { limitReset: String(now + 800), retryAfter: '2', now }).details.retryAfterMs, 2000);
  assert.is(failure(429, '', { limitReset: String(now + 2500), retryAfter: '2', now }).details.retryAfterMs, 2500);
  // A reset already past asks for no wait; a 5xx is not a rate limit, so the reset time does not apply.
  assert.is(failure(200, limited, { limitReset: String(now - 10), now }).details.retryAfterMs, 0);
  assert.is(failure(502, '', { limitReset: String(now + 1500), now }).details.retryAfterMs, undefined);
  assert.is(failure(200, limited, {}).details.retryAfterMs, undefined);
});

test('a reply for another symbol or category, or one that does not say, is refused', () => {
  const market = { symbol: 'BTCUSDT', category: 'linear' };
  const row = ['1000', '1', '2', '1', '1', '0', '0'];
  const reply = (result: object) => JSON.stringify({ retCode: 0, retMsg: 'OK', result: { ...result, list: [row] } });
  assert.equal(readKlineReply(200, reply({ symbol: 'BTCUSDT', category: 'linear' }), W, market), [[1000, 1, 2, 1, 1, 0, 0]]);
  // An empty page writes nothing: it passes whatever it says.
  assert.equal(readKlineReply(200, JSON.stringify({ retCode: 0, retMsg: 'OK', result: { list: [] } }), W, market), []);
  const eth = failure(200, reply({ symbol: 'ETHUSDT', category: 'linear' }), market);
  assert.is(eth.retryable, false);
  assert.is(eth.message, 'GET /k returned candles for symbol "ETHUSDT", but symbol BTCUSDT was requested; nothing written');
  assert.is(failure(200, reply({ symbol: 'BTCUSDT', category: 'spot' }), market).message,
    'GET /k returned candles for category "spot", but category linear was requested; nothing written');
  assert.is(failure(200, reply({ category: 'linear' }), market).message,
    'GET /k returned a reply without "result.symbol", so it cannot be checked to be for BTCUSDT: {"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[["1000","1","2","1","1","0","0"]]}}');
});

test('other HTTP statuses are final and quote the body', () => {
  const e = failure(404, 'not   found');
  assert.is(e.retryable, false);
  assert.is(e.message, 'HTTP 404 from GET /k: not found');
});

test('bodies of the wrong shape say what is missing', () => {
  assert.is(failure(200, '<html>maintenance</html>').message, 'GET /k returned a body that is not JSON: <html>maintenance</html>');
  assert.is(failure(200, '').message, 'GET /k returned a body that is not JSON: (empty body)');
  assert.is(failure(200, '[1,2]').message, 'GET /k returned JSON that is not an object: [1,2]');
  assert.is(failure(200, '{"data":[]}').message, 'GET /k returned a body without a numeric "retCode" (not a Bybit v5 reply): {"data":[]}');
  assert.is(failure(200, '{"retCode":0,"retMsg":"OK"}').message, 'GET /k returned retCode 0 but no "result" object: {"retCode":0,"retMsg":"OK"}');
  assert.is(failure(200, '{"retCode":0,"result":{"list":null}}').message, 'GET /k returned retCode 0 but "result.list" is missing or not an array: {"retCode":0,"result":{"list":null}}');
});

test('a bad row names its index, start time and field', () => {
  assert.is(failure(200, ok([['1000', '1', '2', '1', '1', '0', '0'], ['2000', '1', 'n/a', '1', '1', '0', '0']])).message,
    'GET /k: result.list[1] (startTime "2000") field high is "n/a", not a number');
  assert.is(failure(200, ok([['1000', '1', '2']])).message,
    'GET /k: result.list[0] is not a row of 7 fields [startTime, open, high, low, close, volume, turnover]: ["1000","1","2"]');
  assert.is(failure(200, ok([['1000.5', '1', '2', '1', '1', '0', '0']])).message,
    'GET /k: result.list[0] startTime "1000.5" is not an integer of milliseconds');
});

test.run();
