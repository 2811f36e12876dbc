/**
 * @fileoverview Node built-ins loaded on first use instead of by a top-level import, so that the
 * modules which merely *can* touch files (the model file, atomic writes) still load in a browser;
 * only the file-touching call fails there, with a message that says so.
 */

/** `process.getBuiltinModule(name)`, or null where there is no such module (a browser, old Node). */
export function optionalBuiltin<T>(name: string): T | null {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  return (get?.(name) as T | undefined) ?? null;
}

/** `process.getBuiltinModule(name)`, or an Error naming `what` needs Node. */
export function nodeBuiltin<T>(name: string, what: string): T {
  const mod = optionalBuiltin<T>(name);
  if (!mod) throw new Error(`${what} needs Node.js ≥ 20.16 (${name} is not available in this runtime)`);
  return mod;
}
