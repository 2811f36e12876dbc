/**
 * @fileoverview Prices for people: enough digits to see a tick (six significant digits, at least
 * two decimals), never the float noise of a synthetic or divided price (43567.123456789012).
 */

/** `price` with max(2, 6 − number of integer digits) decimals; "n/a" when it is not finite. */
export function formatPrice(price: number): string {
  if (!Number.isFinite(price)) return 'n/a';
  if (price === 0) return '0.00';
  const magnitude = price === 0 ? 0 : Math.floor(Math.log10(Math.abs(price)));
  return price.toFixed(Math.min(12, Math.max(2, 5 - magnitude)));
}
