/**
 * @fileoverview Strict decimal parsing for numbers that arrive as text (CSV cells, Bybit's string
 * fields). `Number()` alone accepts "", " ", "0x1f" and "Infinity"; market data should not.
 */

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number written in `text` (plain decimal or exponent form, surrounding spaces allowed), else undefined. */
export function parseDecimal(text: string): number | undefined {
  const s = text.trim();
  return DECIMAL.test(s) ? Number(s) : undefined;
}
