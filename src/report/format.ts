/**
 * @fileoverview Text for the report: HTML escaping and number formatting that never prints NaN or
 * ±Infinity (those print "n/a"). Locale fixed to en-US so the same data gives the same file anywhere.
 */
import { minuteTime } from '../data/time.js';
import type { MetricFormat } from './types.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for use in HTML content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const formats = new Map<number, Intl.NumberFormat>();

/** `v` with `digits` decimals and en-US grouping; a value that rounds to zero prints without a minus sign. */
function grouped(v: number, digits: number): string {
  let f = formats.get(digits);
  if (!f) formats.set(digits, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  const rounded = Number(v.toFixed(digits));
  return f.format(rounded === 0 ? 0 : rounded);
}

/** True for a number that can be printed. */
function printable(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * A number with thousands separators and a precision that suits its size: 4 significant decimals for
 * small values, 2 decimals from 1 upwards, none from 100,000 upwards. "n/a" when not finite.
 */
export function formatNumber(v: number | null | undefined): string {
  if (!printable(v)) return 'n/a';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e5) return grouped(v, 0);
  if (a >= 1) return grouped(v, 2);
  if (a < 1e-4) return v.toExponential(2);
  return v.toPrecision(4);
}

/** A fraction as a percentage with two decimals ("12.34%"), or "n/a". */
export function formatPercent(v: number | null | undefined, digits = 2): string {
  return printable(v) ? `${grouped(100 * v, digits)}%` : 'n/a';
}

/** A number with fixed digits (as the CLI prints statistics), or "n/a". */
export function fixed(v: number | null | undefined, digits: number): string {
  return printable(v) ? v.toFixed(digits) : 'n/a';
}

/** A metric value in its declared format, or "n/a". */
export function formatMetric(v: number | null, format: MetricFormat): string {
  if (!printable(v)) return 'n/a';
  if (format === 'pct') return formatPercent(v);
  if (format === 'int') return grouped(v, 0);
  return formatNumber(v);
}

/** "1 bar", "2,000 bars": a count with its noun, pluralised with "s". */
export function countOf(n: number, noun: string): string {
  return `${grouped(n, 0)} ${noun}${n === 1 ? '' : 's'}`;
}

/** A Unix-ms timestamp as "YYYY-MM-DD HH:MM UTC". */
export function formatTime(ms: number): string {
  return `${minuteTime(ms)} UTC`;
}
