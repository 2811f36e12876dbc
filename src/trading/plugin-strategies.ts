/**
 * @fileoverview Strategies contributed by oclif plugins. A plugin declares a hook for the custom
 * event `strategies` in its package.json (`"oclif": { "hooks": { "strategies": "./strategies.js" } }`);
 * the hook returns an array of Strategy objects (see registry.ts). Each one is registered under the
 * plugin's name. A plugin whose hook throws, returns something else or does not finish within the
 * hook timeout is reported, not fatal: the built-in strategies still work.
 */
import type { Config, Interfaces } from '@oclif/core';
import { registerStrategy, thrownText, type Strategy } from './registry.js';

export interface StrategyHooks extends Interfaces.Hooks {
  strategies: { options: Record<string, never>; return: unknown };
}

/** Default time a plugin's `strategies` hook may take. */
export const DEFAULT_HOOK_TIMEOUT_MS = 10_000;
/** Extra time for importing the hook modules (seconds on a busy machine) before the wait is abandoned. */
const LOAD_GRACE_MS = 30_000;
/** Environment variable that overrides it (milliseconds; tests use a short one). */
export const HOOK_TIMEOUT_ENV = 'GLOW_TRADE_HOOK_TIMEOUT_MS';

/** The hook timeout: $GLOW_TRADE_HOOK_TIMEOUT_MS when it is a positive integer, else 10 s. */
export function hookTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[HOOK_TIMEOUT_ENV];
  const ms = Number(text);
  return text !== undefined && Number.isSafeInteger(ms) && ms > 0 ? ms : DEFAULT_HOOK_TIMEOUT_MS;
}

const seconds = (ms: number) => `${ms / 1000} s`;

export async function loadPluginStrategies(config: Config, timeoutMs = hookTimeoutMs()): Promise<{ loaded: string[]; warnings: string[] }> {
  const loaded: string[] = [];
  const warnings: string[] = [];
  const late = `did not finish within ${seconds(timeoutMs)} (the hook timeout; set ${HOOK_TIMEOUT_ENV} in ms to change it)`;
  // oclif times each hook out with an unref'd timer: when the hook's promise is all that is left,
  // Node exits (code 13, no message) before that timer fires. This timer is ref'd, so the process
  // stays up until oclif reports the timeout; it also ends the wait if importing a hook module hangs
  // (oclif's timeout covers the hook call, not the import).
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), timeoutMs + LOAD_GRACE_MS); });
  const result = await Promise.race([
    config.runHook<'strategies', StrategyHooks>('strategies', {}, timeoutMs, true), deadline,
  ]).finally(() => clearTimeout(timer));
  if (result === 'late') {
    const names = [...config.plugins.values()].filter((p) => (p.hooks.strategies ?? []).length > 0).map((p) => p.name);
    warnings.push(`the strategies hooks of ${names.length ? `plugin ${names.join(', ')}` : 'the plugins'} did not load and finish ` +
      `within ${seconds(timeoutMs + LOAD_GRACE_MS)} (the hook timeout + ${seconds(LOAD_GRACE_MS)} to import them; set ${HOOK_TIMEOUT_ENV} in ms ` +
      'to change it); their strategies are not available');
    return { loaded, warnings };
  }
  for (const { plugin, error } of result.failures) {
    const text = error instanceof Error && /^Timed out after \d+ ms\.$/.test(error.message) ? late : `failed: ${thrownText(error)}`;
    warnings.push(`plugin ${plugin.name}: its strategies hook ${text}`);
  }
  for (const { plugin, result: value } of result.successes) {
    if (!Array.isArray(value)) {
      warnings.push(`plugin ${plugin.name}: its strategies hook returned ${value === null ? 'null' : typeof value}, expected an array of strategies`);
      continue;
    }
    for (const strategy of value as Strategy[]) {
      try {
        registerStrategy(strategy, `plugin ${plugin.name}`);
        loaded.push(strategy.name);
      } catch (err) {
        warnings.push(thrownText(err));
      }
    }
  }
  return { loaded, warnings };
}
