/**
 * @fileoverview Strategies contributed by oclif plugins. A plugin declares a hook for the custom
 * event `strategies` in its package.json (`"oclif": { "hooks": { "strategies": "./strategies.js" } }`);
 * the hook returns an array of Strategy objects (see registry.ts). Each one is registered under the
 * plugin's name. A plugin whose hook throws or returns something else is reported, not fatal: the
 * built-in strategies still work.
 */
import type { Config, Interfaces } from '@oclif/core';
import { registerStrategy, type Strategy } from './registry.js';

export interface StrategyHooks extends Interfaces.Hooks {
  strategies: { options: Record<string, never>; return: unknown };
}

export async function loadPluginStrategies(config: Config): Promise<{ loaded: string[]; warnings: string[] }> {
  const result = await config.runHook<'strategies', StrategyHooks>('strategies', {}, undefined, true);
  const loaded: string[] = [];
  const warnings: string[] = [];
  for (const { plugin, error } of result.failures) {
    warnings.push(`plugin ${plugin.name}: its strategies hook failed: ${(error as Error).message}`);
  }
  for (const { plugin, result: value } of result.successes) {
    if (!Array.isArray(value)) {
      warnings.push(`plugin ${plugin.name}: its strategies hook returned ${value === null ? 'null' : typeof value}, expected an array of strategies`);
      continue;
    }
    for (const strategy of value) {
      try {
        registerStrategy(strategy, `plugin ${plugin.name}`);
        loaded.push(strategy.name);
      } catch (err) {
        warnings.push((err as Error).message);
      }
    }
  }
  return { loaded, warnings };
}
