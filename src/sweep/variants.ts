/**
 * @fileoverview Configuration variants of a sweep, from a JSON file or inline JSON: either an array
 * `[{ "name": "small", "model": { "hidden": 16 } }, …]` or an object `{ "small": { "model": … }, … }`.
 * Each variant's options are merged over the sweep's flags (grid.ts `mergeOptions`). Unknown option
 * names are refused: a typo would otherwise run the base configuration under another name.
 */
import { readFileSync } from 'node:fs';
import type { SweepVariant } from './grid.js';

const KNOWN = new Set(['trainBars', 'testBars', 'step', 'window', 'validationFraction', 'model', 'fit', 'strategy', 'strategyOptions',
  'fee', 'slippage', 'capital', 'conditional', 'forecaster', 'forecast', 'trials']);

/** Parse `text` (inline JSON when it starts with `[` or `{`, else a file path). */
export function parseVariants(text: string): SweepVariant[] {
  const inline = /^\s*[[{]/.test(text);
  const where = inline ? '--variants' : text;
  let raw: unknown;
  try {
    raw = JSON.parse(inline ? text : readFileSync(text, 'utf8'));
  } catch (err) {
    throw new Error(`${where}: not valid JSON variants (${(err as Error).message})`);
  }
  const entries: Array<[string, unknown]> = Array.isArray(raw)
    ? raw.map((v, i) => {
      if (v === null || typeof v !== 'object' || typeof (v as { name?: unknown }).name !== 'string') {
        throw new Error(`${where}: variant ${i + 1} must be an object with a "name" string`);
      }
      const { name, ...rest } = v as { name: string };
      return [name, rest];
    })
    : raw !== null && typeof raw === 'object' ? Object.entries(raw) : [];
  if (entries.length === 0) throw new Error(`${where}: expected a non-empty array or object of variants`);
  const seen = new Set<string>();
  return entries.map(([name, options]) => {
    if (!/^[\w.+-]+$/.test(name)) throw new Error(`${where}: variant name "${name}" must be letters, digits, _ . + -`);
    if (seen.has(name)) throw new Error(`${where}: variant "${name}" appears twice`);
    seen.add(name);
    if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new Error(`${where}: variant "${name}" must be an object of options`);
    for (const k of Object.keys(options)) {
      if (!KNOWN.has(k)) throw new Error(`${where}: variant "${name}" has unknown option "${k}" (known: ${[...KNOWN].join(', ')})`);
    }
    return { name, options: options as SweepVariant['options'] };
  });
}
