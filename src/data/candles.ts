/**
 * @fileoverview The columnar candle type used everywhere in glow-trade, and small helpers to build,
 * slice and merge candle sets. A candle's `timestamp` is its open time in Unix ms UTC; a valid set is
 * ascending with unique timestamps (see `candle-checks.ts`).
 */

/** OHLCV candles as parallel columns (one entry per candle). */
export interface Candles {
  timestamp: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  /** Quote-currency volume (e.g. USDT). */
  turnover: Float64Array;
}

/** Column names in file order. */
export const CANDLE_COLUMNS = ['timestamp', 'open', 'high', 'low', 'close', 'volume', 'turnover'] as const;
export type CandleColumn = (typeof CANDLE_COLUMNS)[number];

/** One candle as a plain object (for building sets from rows). */
export type CandleRow = Record<CandleColumn, number>;

/** An empty candle set of `n` zeroed rows. */
export function allocateCandles(n: number): Candles {
  return {
    timestamp: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    turnover: new Float64Array(n),
  };
}

export function candleCount(c: Candles): number {
  return c.timestamp.length;
}

/** Build a candle set from row objects, in the order given. */
export function candlesFromRows(rows: readonly CandleRow[]): Candles {
  const out = allocateCandles(rows.length);
  rows.forEach((row, i) => {
    for (const col of CANDLE_COLUMNS) out[col][i] = row[col];
  });
  return out;
}

/** Candle `i` as a row object. */
export function candleAt(c: Candles, i: number): CandleRow {
  return {
    timestamp: c.timestamp[i], open: c.open[i], high: c.high[i], low: c.low[i],
    close: c.close[i], volume: c.volume[i], turnover: c.turnover[i],
  };
}

/** Rows [from, to) as a copy. */
export function sliceCandles(c: Candles, from: number, to = candleCount(c)): Candles {
  const out = {} as Candles;
  for (const col of CANDLE_COLUMNS) out[col] = c[col].slice(from, to);
  return out;
}

/**
 * The union of two ascending candle sets, ascending and unique by timestamp. Where both hold the same
 * open time, `incoming` wins (it is the fresher copy).
 */
export function mergeCandles(existing: Candles, incoming: Candles): Candles {
  const a = existing.timestamp, b = incoming.timestamp;
  const out = allocateCandles(a.length + b.length);
  let i = 0, j = 0, k = 0;
  const take = (src: Candles, at: number) => {
    for (const col of CANDLE_COLUMNS) out[col][k] = src[col][at];
    k++;
  };
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) take(existing, i++);
    else if (i >= a.length || b[j] < a[i]) take(incoming, j++);
    else { take(incoming, j++); i++; }
  }
  return sliceCandles(out, 0, k);
}
