/**
 * @fileoverview A self-contained host for build/glow.wasm written only against docs/wasm-abi.md:
 * no glow-trade library, no Node APIs, so it runs unchanged in a browser, a worker or Node. It lays
 * out one model's inference buffers in the module's memory, writes the plan table, loads the
 * parameters of a decoded model file (model-file.js) and calls the whole-batch entry points for
 * log p(x), x → z, z → x and seeded sampling. Training is the library's job and is left out, so the
 * training-only plan slots (gradients, Adam moments, backward buffers) stay 0.
 */

/** Plan-table slot numbers (docs/wasm-abi.md, "The plan table"). */
const H = { D: 0, LEVELS: 1, K: 2, HID: 3, ADD: 4, NSTEPS: 5, CAP: 6, PARAMS: 7, NUMEL: 9, PERM: 12, SIGN: 13, Z: 14, LOGDET: 15, LOGP: 16, SCR: 22, RES: 25, RNG: 26, LEVELTAB: 27, STEPTAB: 28, X0: 29 };
const L = { WIDTH: 0, LATENT: 1, LATENT_OFF: 2, FIRST_STEP: 3, OUT: 4 };
const S = {
  D: 0, DA: 1, DB: 2, NOUT: 3, LEVEL: 4, PERM: 16, SIGN: 17, AT: 18, A: 19, C: 20, BT: 21, NB: 22, W1T: 23,
  W2T: 24, W3T: 25, X: 26, HC: 27, H1: 28, H2: 29, O: 30, Y: 31,
};
/** Step-record slots 5–15 hold the element offsets of these tensors, in this order. */
const STEP_PARAM_SLOTS = [
  'actnorm.bias', 'actnorm.logs', 'invconv.lower', 'invconv.upper', 'invconv.log_s', 'coupling.fc1.weight',
  'coupling.fc1.bias', 'coupling.fc2.weight', 'coupling.fc2.bias', 'coupling.fc3.weight', 'coupling.fc3.bias',
];
export const PLAN_WORDS = { header: 32, level: 8, step: 40 };
/** Result slot (f64) of the constant part of the log-determinant (Σ actnorm.logs + Σ invconv.log_s). */
const R_LOGDET_CONST = 2;

/**
 * An 82-byte module whose only function uses f32x4.relaxed_madd: it validates exactly where
 * relaxed SIMD is available, so the right build can be chosen before downloading either.
 */
export const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () → v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x3d, 0x01, 0x3b, 0x00, // code section: one body of 59 bytes, no locals
  ...[0, 1, 2].flatMap(() => [0xfd, 0x0c, ...new Array(16).fill(0)]), // 3 × v128.const 0
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd (0xfd 261)
  0x0b, // end
]);

/** Does this runtime accept relaxed SIMD (and so build/glow.relaxed.wasm)? */
export function relaxedSimdSupported() {
  return WebAssembly.validate(RELAXED_SIMD_PROBE);
}

/**
 * The 4-word sampler state (key, counter) glow-trade's `Glow.sample(n, { seed })` writes: splitmix32 seeds
 * its Rng from the seed, and the state is that Rng's first four outputs. Same seed ⇒ same samples.
 */
export function samplerState(seed) {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  let x = (Math.trunc(seed) ^ Math.trunc(seed / 4294967296)) >>> 0;
  const splitmix = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const s = [splitmix(), splitmix(), splitmix(), splitmix()];
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  const rotl = (v, k) => (v << k) | (v >>> (32 - k));
  const out = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    out[i] = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
  }
  if ((out[0] | out[1] | out[2] | out[3]) === 0) out[0] = 1;
  return out;
}

/** Rows as one row-major Float32Array of n×D finite values (accepts arrays of rows too). */
function toRows(rows, D, what) {
  const flat = rows instanceof Float32Array || rows instanceof Float64Array ? rows : Float32Array.from(rows.flat());
  if (Array.isArray(rows) && rows.some((r) => r.length !== D)) {
    const i = rows.findIndex((r) => r.length !== D);
    throw new RangeError(`${what}: row ${i} has ${rows[i].length} values, the model has ${D} features`);
  }
  if (flat.length % D !== 0) throw new RangeError(`${what}: ${flat.length} values are not whole rows of ${D}`);
  const bad = flat.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`${what}: row ${Math.floor(bad / D)}, column ${bad % D} is ${flat[bad]}`);
  return flat instanceof Float32Array ? flat : Float32Array.from(flat);
}

/** One model in its own instance of the module. */
export class GlowModel {
  /**
   * @param module a compiled build/glow.wasm (WebAssembly.Module)
   * @param model the result of decodeModelFile
   * @param capacity rows per call into the module (bigger inputs are processed in chunks)
   */
  constructor(module, model, { capacity = 256 } = {}) {
    const env = { abort: (_msg, _file, line, col) => { throw new Error(`glow wasm aborted at line ${line}:${col}`); } };
    const ex = (this.exports = new WebAssembly.Instance(module, { env }).exports);
    const words = { header: ex.planHeaderWords(), level: ex.planLevelWords(), step: ex.planStepWords() };
    if (words.header !== PLAN_WORDS.header || words.level !== PLAN_WORDS.level || words.step !== PLAN_WORDS.step) {
      throw new Error(`this module's plan layout is ${JSON.stringify(words)}; this host was written for ${JSON.stringify(PLAN_WORDS)}`);
    }
    const { config, steps, levels } = model;
    const D = (this.features = config.features);
    const Hd = config.hidden;
    const cap = (this.capacity = capacity);
    const alloc = (bytes) => {
      const p = ex.alloc(bytes);
      if (p === 0) throw new Error(`out of wasm memory allocating ${bytes} bytes`);
      return p;
    };
    // Persistent block: plan tables, parameters, buffers, the f64 scratch of glowPrepare, results, RNG.
    const plan = (this.plan = alloc(PLAN_WORDS.header * 4));
    const levelTab = alloc(levels.length * PLAN_WORDS.level * 4);
    const stepTab = alloc(steps.length * PLAN_WORDS.step * 4);
    const params = alloc(model.params.length * 4), perm = alloc(model.perm.length * 4), sign = alloc(model.sign.length * 4);
    const scratch = alloc(8 * D * D * 8);
    this.results = alloc(8 * 8);
    this.rng = alloc(16);
    const derived = steps.map((s) => ({
      [S.AT]: alloc(s.d * s.d * 4), [S.A]: alloc(s.d * s.d * 4), [S.C]: alloc(s.d * 4), [S.BT]: alloc(s.d * s.d * 4),
      [S.NB]: alloc(s.d * 4), [S.W1T]: alloc(s.da * Hd * 4), [S.W2T]: alloc(Hd * Hd * 4), [S.W3T]: alloc(Hd * s.nOut * 4),
    }));
    // Workspace for `cap` rows: latents, log-dets, log p, each level's output, each step's activations.
    const z = alloc(cap * D * 4), logdet = alloc(cap * 4), logp = alloc(cap * 8);
    const levelOut = levels.map((lv) => alloc(cap * lv.width * 4));
    const act = steps.map((s) => ({
      [S.X]: alloc(cap * s.d * 4), [S.HC]: alloc(cap * s.d * 4), [S.H1]: alloc(cap * Hd * 4),
      [S.H2]: alloc(cap * Hd * 4), [S.O]: alloc(cap * s.nOut * 4),
    }));
    // All allocations are done, so views on memory.buffer stay valid from here on.
    const i32 = new Int32Array(ex.memory.buffer);
    const put = (ptr, slot, value) => (i32[(ptr >> 2) + slot] = value);
    const header = {
      [H.D]: D, [H.LEVELS]: config.levels, [H.K]: config.steps, [H.HID]: Hd, [H.ADD]: config.coupling === 'additive' ? 1 : 0,
      [H.NSTEPS]: steps.length, [H.CAP]: cap, [H.PARAMS]: params, [H.NUMEL]: model.params.length, [H.PERM]: perm,
      [H.SIGN]: sign, [H.Z]: z, [H.LOGDET]: logdet, [H.LOGP]: logp, [H.SCR]: scratch, [H.RES]: this.results,
      [H.RNG]: this.rng, [H.LEVELTAB]: levelTab, [H.STEPTAB]: stepTab, [H.X0]: act[0][S.X],
    };
    for (const [slot, v] of Object.entries(header)) put(plan, Number(slot), v);
    levels.forEach((lv, l) => {
      const rec = levelTab + l * PLAN_WORDS.level * 4;
      put(rec, L.WIDTH, lv.width);
      put(rec, L.LATENT, lv.latent);
      put(rec, L.LATENT_OFF, lv.latentOffset);
      put(rec, L.FIRST_STEP, lv.firstStep);
      put(rec, L.OUT, levelOut[l]);
    });
    steps.forEach((s, i) => {
      const rec = stepTab + i * PLAN_WORDS.step * 4;
      const fields = { [S.D]: s.d, [S.DA]: s.da, [S.DB]: s.db, [S.NOUT]: s.nOut, [S.LEVEL]: s.level, [S.PERM]: s.perm, [S.SIGN]: s.sign };
      for (const [slot, v] of Object.entries({ ...fields, ...derived[i], ...act[i] })) put(rec, Number(slot), v);
      STEP_PARAM_SLOTS.forEach((name, j) => put(rec, 5 + j, s.offsets[name]));
      // A step's output is the next step's input, except a level's last step, which writes the level output.
      const lastOfLevel = s.k === config.steps - 1;
      put(rec, S.Y, lastOfLevel ? levelOut[s.level] : act[i + 1][S.X]);
    });
    new Float32Array(ex.memory.buffer, params, model.params.length).set(model.params);
    new Int32Array(ex.memory.buffer, perm, model.perm.length).set(model.perm);
    new Float32Array(ex.memory.buffer, sign, model.sign.length).set(model.sign);
    ex.glowPrepare(plan);
    this.buffers = { x0: act[0][S.X], z, logdet, logp };
  }

  /** Run fn(offset, rows) over chunks of at most `capacity` rows. */
  chunks(n, fn) {
    for (let off = 0; off < n; off += this.capacity) fn(off, Math.min(this.capacity, n - off));
  }

  f32(ptr, n) {
    return new Float32Array(this.exports.memory.buffer, ptr, n);
  }

  /** Exact log-density log p(x) (nats) of each row. */
  logProb(rows) {
    const D = this.features;
    const x = toRows(rows, D, 'logProb');
    const out = new Float64Array(x.length / D);
    this.chunks(out.length, (off, m) => {
      this.f32(this.buffers.x0, m * D).set(x.subarray(off * D, (off + m) * D));
      this.exports.glowForward(this.plan, m);
      out.set(new Float64Array(this.exports.memory.buffer, this.buffers.logp, m), off);
    });
    return out;
  }

  /** x → z (latents in level order) and the log-determinant of each row. */
  encode(rows) {
    const D = this.features;
    const x = toRows(rows, D, 'encode');
    const n = x.length / D;
    const z = new Float32Array(n * D), logDet = new Float64Array(n);
    this.chunks(n, (off, m) => {
      this.f32(this.buffers.x0, m * D).set(x.subarray(off * D, (off + m) * D));
      this.exports.glowForward(this.plan, m);
      z.set(this.f32(this.buffers.z, m * D), off * D);
      const c = new Float64Array(this.exports.memory.buffer, this.results, 8)[R_LOGDET_CONST];
      this.f32(this.buffers.logdet, m).forEach((v, i) => (logDet[off + i] = v + c));
    });
    return { z, logDet };
  }

  /** z → x, the inverse flow. */
  decode(latents) {
    const D = this.features;
    const z = toRows(latents, D, 'decode');
    const x = new Float32Array(z.length);
    this.chunks(z.length / D, (off, m) => {
      this.f32(this.buffers.z, m * D).set(z.subarray(off * D, (off + m) * D));
      this.exports.glowInverse(this.plan, m);
      x.set(this.f32(this.buffers.x0, m * D), off * D);
    });
    return x;
  }

  /** n samples x = f⁻¹(z), z ~ N(0, T²·I), seeded as glow-trade's Glow.sample. */
  sample(n, { seed = 0, temperature = 1 } = {}) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`sample: n must be a non-negative integer, got ${n}`);
    if (!(temperature > 0 && Number.isFinite(temperature))) throw new RangeError(`sample: temperature must be > 0, got ${temperature}`);
    const D = this.features;
    new Uint32Array(this.exports.memory.buffer, this.rng, 4).set(samplerState(seed));
    const x = new Float32Array(n * D);
    this.chunks(n, (off, m) => {
      this.exports.glowSample(this.plan, m, temperature);
      x.set(this.f32(this.buffers.x0, m * D), off * D);
    });
    return x;
  }
}
