/**
 * @fileoverview Flags shared by the commands. Decimal flags: oclif parses integers itself, but
 * fractions (fees, temperatures, learning rates) arrive as strings and are checked here, with an
 * error that names the flag, the rule and the text given (exit code 2, like any usage error).
 * And the model-file and candle-file flags every consumer of a trained model declares.
 */
import { type Command, Flags } from '@oclif/core';
import { parseTime } from '../data/time.js';
import { DEFAULT_CAPITAL, DEFAULT_FEE, DEFAULT_SLIPPAGE, MAX_COST_RATE } from '../trading/backtest.js';

/** `--model/-m`: the file `glow-trade train` wrote (required). */
export const modelFlag = () => Flags.string({ char: 'm', summary: 'Model file written by "glow-trade train".', required: true });

/** `--data/-d`: a candle CSV, required; `summary` says what the command does with it. */
export const candlesFlag = (summary: string) => Flags.string({ char: 'd', summary, required: true });

/** `--capital --fee --slippage` with the backtest engine's defaults (checked by `backtestSettings`). */
export const costFlags = () => ({
  capital: Flags.string({ summary: 'Starting equity.', default: String(DEFAULT_CAPITAL) }),
  fee: Flags.string({ summary: `Fee per unit of position traded (0.001 = 0.1%); fee + slippage < ${MAX_COST_RATE}.`, default: String(DEFAULT_FEE) }),
  slippage: Flags.string({ summary: `Slippage per unit of position traded; fee + slippage < ${MAX_COST_RATE}.`, default: String(DEFAULT_SLIPPAGE) }),
});

/** `text` as a finite number passing `test`, or a usage error "--name must be <expected>, got …". */
export function decimal(cmd: Command, name: string, text: string, test: (v: number) => boolean, expected: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || !test(v)) cmd.error(`--${name} must be ${expected}, got "${text}"`, { exit: 2 });
  return v;
}

/** The cost, capital and period flags of a backtest, checked: what `runBacktest` takes. */
export interface BacktestSettings {
  capital: number;
  fee: number;
  slippage: number;
  from: number | undefined;
  to: number | undefined;
}

/** Parse --capital --fee --slippage (decimals) and --from --to (ISO time or Unix ms) as usage errors. */
export function backtestSettings(
  cmd: Command, flags: { capital: string; fee: string; slippage: string; from?: string; to?: string },
): BacktestSettings {
  const capital = decimal(cmd, 'capital', flags.capital, (v) => v > 0, 'a number > 0');
  const fee = decimal(cmd, 'fee', flags.fee, (v) => v >= 0, 'a number ≥ 0');
  const slippage = decimal(cmd, 'slippage', flags.slippage, (v) => v >= 0, 'a number ≥ 0');
  // a rate of 10% or more per unit traded is a typo (percent for fraction), not a market
  if (!(fee + slippage < MAX_COST_RATE)) {
    cmd.error(`--fee + --slippage must be < ${MAX_COST_RATE} per unit traded (fractions: 0.001 = 0.1%), got ${fee} + ${slippage}`, { exit: 2 });
  }
  try {
    const from = flags.from === undefined ? undefined : parseTime(flags.from, '--from');
    const to = flags.to === undefined ? undefined : parseTime(flags.to, '--to');
    return { capital, fee, slippage, from, to };
  } catch (err) {
    return cmd.error((err as Error).message, { exit: 2 });
  }
}
