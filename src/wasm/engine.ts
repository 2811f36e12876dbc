/**
 * @fileoverview Loading the glow-trade WebAssembly module and creating instances of it.
 *
 * One compiled module serves every model; each model gets its own instance (its own linear
 * memory). The `.wasm` can be given as bytes, a file path, a URL or an already compiled module, so
 * the same code runs in Node and in a browser. In Node, `defaultEngine()` loads `build/glow.wasm`
 * from the package synchronously; elsewhere call `loadEngine(source)` first.
 */
import { optionalBuiltin } from '../util/node.js';


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
  /** glowForward one row at a time with matrix–vector kernels (latency; inference only, plain GLOW plans). */
  glowForwardRows(plan: number, n: number): number;
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
  glowNoise(plan: number, n: number, temperature: number): void;
  glowShardGrad(plan: number, data: number, idx: number, n: number, total: number): number;
  glowApplyGradient(
    plan: number, lr: number, beta1: number, beta2: number, eps: number, clipNorm: number, t: number, weightDecay: number,
  ): number;
  vecAdd(dst: number, src: number, n: number): void;
  vexp(src: number, dst: number, n: number): void;
  vtanh(src: number, dst: number, n: number): void;
  /** Kernel of glowNoise: n N(0, scale²) deviates of the keyed stream at `state` (4 u32) into out; advances state[3]. */
  fillNormal(state: number, out: number, n: number, scale: number): void;
  gemm(
    m: number, n: number, k: number, a: number, rsA: number, csA: number, b: number, ldb: number,
    c: number, ldc: number, bias: number, mask: number, flags: number,
  ): void;
  /** y = ReLU?(W·x + bias), W row-major n×k (bias 0: none). */
  gemvDot(n: number, k: number, w: number, x: number, bias: number, y: number, relu: number): void;
  /** y = ReLU?(xᵀ·Wt + bias), Wt row-major k×n (bias 0: none). */
  gemvAxpy(n: number, k: number, wt: number, x: number, bias: number, y: number, relu: number): void;
  colSum(m: number, n: number, a: number, lda: number, out: number, accumulate: number): void;
}

/** What `loadEngine` accepts: the module's bytes, a path or URL to them, or a compiled module. */
export type EngineSource = Uint8Array | ArrayBuffer | string | URL | WebAssembly.Module;

/** Which build: plain 128-bit SIMD, or relaxed SIMD (fused multiply-add where the CPU has it). */
export type EngineVariant = 'simd' | 'relaxed-simd';

/** A compiled glow-trade module. */
export class Engine {
  constructor(readonly module: WebAssembly.Module, readonly origin: string, readonly variant: EngineVariant = 'simd') {}

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

/** The URL of the package's own build of a variant (`build/glow.wasm`, `build/glow.relaxed.wasm`). */
export function defaultWasmUrl(variant: EngineVariant = 'simd'): URL {
  // This file is dist/src/wasm/engine.js; the modules are in build/ at the package root.
  return new URL(variant === 'simd' ? '../../../build/glow.wasm' : '../../../build/glow.relaxed.wasm', import.meta.url);
}

/**
 * Can this runtime run relaxed SIMD? Node 20 accepts it only behind a V8 flag, which can still be
 * switched on before the first relaxed module is compiled; browsers with relaxed SIMD validate it
 * directly.
 */
export function relaxedSimdSupported(bytes: Uint8Array): boolean {
  if (WebAssembly.validate(bytes as BufferSource)) return true;
  const v8 = optionalBuiltin<typeof import('node:v8')>('node:v8');
  if (!v8) return false;
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return WebAssembly.validate(bytes as BufferSource);
}

/**
 * The variant to use: `GLOW_TRADE_WASM=simd|relaxed-simd` forces one; otherwise relaxed SIMD where
 * the runtime accepts it.
 */
function preferredVariant(): EngineVariant | 'auto' {
  const env = (globalThis as any).process?.env?.GLOW_TRADE_WASM;
  if (env === 'simd' || env === 'relaxed-simd') return env;
  if (env !== undefined && env !== '' && env !== 'auto') {
    throw new Error(`GLOW_TRADE_WASM must be simd, relaxed-simd or auto, got "${env}"`);
  }
  return 'auto';
}

/** Compile the module from bytes, a path, a URL or a compiled module (async; works in browsers). */
export async function loadEngine(source: EngineSource = defaultWasmUrl()): Promise<Engine> {
  if (source instanceof WebAssembly.Module) return new Engine(source, 'module');
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    return compileEngine(source instanceof Uint8Array ? source : new Uint8Array(source), 'bytes');
  }
  const url = source instanceof URL ? source : toUrl(source);
  let bytes: Uint8Array;
  if (url.protocol === 'file:') bytes = nodeFs().readFileSync(url);
  else {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`cannot load the glow-trade wasm from ${url.href}: HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  }
  return compileEngine(bytes, url.href);
}

/** Compile bytes into an Engine; an invalid module is an error that names where it came from. */
async function compileEngine(bytes: Uint8Array, source: string): Promise<Engine> {
  const relaxed = !WebAssembly.validate(bytes as BufferSource) && relaxedSimdSupported(bytes);
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes as BufferSource);
  } catch (err) {
    const what = bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d
      ? 'a WebAssembly module that does not compile here (corrupt, or needing features this runtime lacks such as SIMD)'
      : `not a WebAssembly module (${bytes.length} bytes, expected the magic bytes \\0asm at the start)`;
    throw new Error(`cannot load the glow-trade wasm from ${source}: ${what}: ${(err as Error).message}`);
  }
  return new Engine(module, source, relaxed ? 'relaxed-simd' : undefined);
}

/**
 * The package's engine, loaded synchronously (Node only): the relaxed-SIMD build when the runtime
 * accepts it (or `variant` / GLOW_TRADE_WASM says so), else the plain SIMD build.
 * Set another default with `setDefaultEngine`.
 */
export function defaultEngine(variant?: EngineVariant): Engine {
  if (cached && (variant === undefined || cached.variant === variant)) return cached;
  const engine = nodeEngine(variant ?? preferredVariant());
  if (variant === undefined) cached = engine;
  return engine;
}

const variantCache = new Map<EngineVariant, Engine>();

/**
 * What to do about a missing build: in a clone (assembly/ sits beside build/) the build was not
 * run; in an installed package the file should have shipped, so the package is incomplete.
 */
function missingBuildHint(fs: typeof import('node:fs')): string {
  return fs.existsSync(new URL('../../../assembly/index.ts', import.meta.url))
    ? 'run "npm run build" in the glow-trade checkout to build the wasm'
    : 'the installed glow-trade package is incomplete; reinstall it (npm install glow-trade)';
}

function nodeEngine(want: EngineVariant | 'auto'): Engine {
  const fs = nodeFs();
  const read = (v: EngineVariant): Uint8Array => {
    const url = defaultWasmUrl(v);
    try {
      return fs.readFileSync(url);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(`cannot read the glow-trade wasm ${url.pathname}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message} (${missingBuildHint(fs)})`);
    }
  };
  let variant: EngineVariant = want === 'auto' ? 'simd' : want;
  let bytes: Uint8Array | undefined;
  // Relaxed SIMD is only faster, never needed: in 'auto' a missing relaxed build falls back to the
  // plain SIMD one; asked for explicitly, its absence is an error.
  const relaxed = want === 'simd' ? undefined
    : want === 'auto' && !fs.existsSync(defaultWasmUrl('relaxed-simd')) ? undefined
      : read('relaxed-simd');
  if (relaxed) {
    if (relaxedSimdSupported(relaxed)) {
      variant = 'relaxed-simd';
      bytes = relaxed;
    } else if (want === 'relaxed-simd') {
      throw new Error('this runtime does not support relaxed SIMD (GLOW_TRADE_WASM=relaxed-simd)');
    }
  }
  const hit = variantCache.get(variant);
  if (hit) return hit;
  const engine = new Engine(new WebAssembly.Module((bytes ?? read(variant)) as BufferSource), defaultWasmUrl(variant).href, variant);
  variantCache.set(variant, engine);
  return engine;
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
  const fs = optionalBuiltin<typeof import('node:fs')>('node:fs');
  if (!fs) throw new Error('no file system here: load the engine with loadEngine(bytes | url) and pass it explicitly');
  return fs;
}

function nodePath(): typeof import('node:path') {
  const path = optionalBuiltin<typeof import('node:path')>('node:path');
  if (!path) throw new Error('relative paths need Node; pass a URL or the bytes');
  return path;
}
