/**
 * @fileoverview Loading the glow-trade WebAssembly module and creating instances of it.
 *
 * One compiled module serves every model; each model gets its own instance (its own linear
 * memory). The `.wasm` can be given as bytes, a file path, a URL or an already compiled module, so
 * the same code runs in Node and in a browser. In Node, `defaultEngine()` loads `build/glow.wasm`
 * from the package synchronously; elsewhere call `loadEngine(source)` first.
 */

/** The raw exports of build/glow.wasm (see docs/wasm-abi.md). All pointers are byte offsets. */
export interface GlowExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  mark(): number;
  release(mark: number): void;
  planHeaderWords(): number;
  planLevelWords(): number;
  planStepWords(): number;
  glowPrepare(plan: number): void;
  glowForward(plan: number, n: number): number;
  glowInitActNorm(plan: number, n: number): number;
  glowInverse(plan: number, n: number): void;
  glowBackward(plan: number, n: number): void;
  glowDiagnose(plan: number, n: number): number;
  glowLossGrad(plan: number, n: number): number;
  gatherRows(plan: number, data: number, idx: number, n: number): void;
  glowTrainStep(
    plan: number, data: number, idx: number, n: number,
    lr: number, beta1: number, beta2: number, eps: number, clipNorm: number, t: number, weightDecay: number,
  ): number;
  glowSample(plan: number, n: number, temperature: number): void;
  gemm(
    m: number, n: number, k: number, a: number, rsA: number, csA: number, b: number, ldb: number,
    c: number, ldc: number, bias: number, mask: number, flags: number,
  ): void;
  colSum(m: number, n: number, a: number, lda: number, out: number, accumulate: number): void;
}

/** What `loadEngine` accepts: the module's bytes, a path or URL to them, or a compiled module. */
export type EngineSource = Uint8Array | ArrayBuffer | string | URL | WebAssembly.Module;

/** A compiled glow-trade module. */
export class Engine {
  constructor(readonly module: WebAssembly.Module, readonly origin: string) {}

  /** A fresh instance with its own memory. */
  instantiate(): GlowExports {
    let exports: GlowExports;
    const imports = {
      env: {
        abort(msg: number, file: number, line: number, col: number): never {
          throw new Error(`glow-trade wasm aborted: ${readString(exports, msg)} at ${readString(exports, file)}:${line}:${col}`);
        },
      },
    };
    const instance = new WebAssembly.Instance(this.module, imports);
    exports = instance.exports as unknown as GlowExports;
    return exports;
  }
}

function readString(ex: GlowExports | undefined, ptr: number): string {
  if (!ex || !ptr) return '?';
  const len = new Uint32Array(ex.memory.buffer, ptr - 4, 1)[0] >>> 1;
  return String.fromCharCode(...new Uint16Array(ex.memory.buffer, ptr, len));
}

let cached: Engine | undefined;

/** The URL of the package's own `build/glow.wasm`. */
export function defaultWasmUrl(): URL {
  // This file is dist/src/wasm/engine.js; the module is build/glow.wasm at the package root.
  return new URL('../../../build/glow.wasm', import.meta.url);
}

/** Compile the module from bytes, a path, a URL or a compiled module (async; works in browsers). */
export async function loadEngine(source: EngineSource = defaultWasmUrl()): Promise<Engine> {
  if (source instanceof WebAssembly.Module) return new Engine(source, 'module');
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    return new Engine(await WebAssembly.compile(source as BufferSource), 'bytes');
  }
  const url = source instanceof URL ? source : toUrl(source);
  if (url.protocol === 'file:') {
    const fs = nodeFs();
    return new Engine(await WebAssembly.compile(fs.readFileSync(url)), url.href);
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot load the glow-trade wasm from ${url.href}: HTTP ${res.status}`);
  return new Engine(await WebAssembly.compile(await res.arrayBuffer()), url.href);
}

/** The package's engine, loaded synchronously (Node only); set another with `setDefaultEngine`. */
export function defaultEngine(): Engine {
  if (cached) return cached;
  const fs = nodeFs();
  const url = defaultWasmUrl();
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(url);
  } catch (err) {
    throw new Error(`cannot read ${url.pathname}: ${(err as Error).message} (run "npm run build" to build the wasm)`);
  }
  cached = new Engine(new WebAssembly.Module(bytes as BufferSource), url.href);
  return cached;
}

/** Use this engine whenever none is passed explicitly (e.g. after `loadEngine(url)` in a browser). */
export function setDefaultEngine(engine: Engine): void {
  cached = engine;
}

function toUrl(s: string): URL {
  if (/^[a-z][a-z0-9+.-]*:/i.test(s) && !/^[a-z]:[\\/]/i.test(s)) return new URL(s);
  const path = nodePath();
  const abs = path.resolve(s);
  return new URL(`file://${abs.startsWith('/') ? '' : '/'}${abs.split(path.sep).map(encodeURIComponent).join('/')}`);
}

function nodeFs(): typeof import('node:fs') {
  const get = (globalThis as any).process?.getBuiltinModule;
  if (typeof get !== 'function') {
    throw new Error('no file system here: load the engine with loadEngine(bytes | url) and pass it explicitly');
  }
  return get('node:fs');
}

function nodePath(): typeof import('node:path') {
  const get = (globalThis as any).process?.getBuiltinModule;
  if (typeof get !== 'function') throw new Error('relative paths need Node; pass a URL or the bytes');
  return get('node:path');
}
