/**
 * @fileoverview Entry point of an engine worker thread (started by src/wasm/pool.ts). The
 * worker owns one instance of the wasm module holding a replica of the model, and runs commands
 * the main thread writes into the shared control block: a shard of a training step, or the forward
 * / inverse pass of a range of rows of the shared io buffer. Messages (parameters, training rows,
 * buffers) are read synchronously from its port when a MESSAGE command says one is waiting, so
 * the worker never needs its event loop while it serves a model.
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { Engine } from './engine.js';
import { H, INFER_BLOCK, ModelMemory, R, TRAIN_BLOCK } from './plan.js';
import { modelLayout } from '../model/layout.js';
import { Cmd, Control, IoViews, W, type WorkerInit, type WorkerMessage, signal, waitUntil } from './worker-protocol.js';
import { TrainReplica } from './worker-replica.js';
import { F, type ForecastExports, ForecastMemory } from './forecast-plan.js';


const init = workerData as WorkerInit;
const ctl = new Control(init.control, init.replicas);
const w = init.replica;
const ex = new Engine(init.module, 'worker').instantiate() as ForecastExports;
// A forecaster replica lays out its conditional flow and heads (forecast-plan.ts); its flow is a
// GLOW plan over the whole parameter vector, so parameters, training and the io rows go through
// the same code, with y/z and c side by side in an io row.
const fmem = init.forecast ? new ForecastMemory(ex, init.forecast, 64) : null;
const mem = fmem ? fmem.flow : new ModelMemory(ex, modelLayout(init.config), 64);
const layout = mem.layout;
const D = layout.config.features;
const C = init.forecast ? init.forecast.config.context : 0;
const IN = D + C;
let samples: Float32Array | null = null;

function ensureCapacity(n: number): void {
  if (fmem) fmem.ensureCapacity(n);
  else mem.ensureCapacity(n);
}

function prepare(): void {
  if (fmem) ex.forecastPrepare(fmem.fplan);
  else ex.glowPrepare(mem.plan);
}

/** Rows [off, off+n) of the io input: the first D columns into `dst`, a forecaster's context columns into CTX. */
function putRows(off: number, n: number, io: IoViews, dst: number): void {
  if (!fmem) {
    mem.f32(dst, n * D).set(io.input.subarray(off * D, (off + n) * D));
    return;
  }
  const a = mem.f32(dst, n * D), c = mem.f32(fmem.header(F.CTX), n * C);
  for (let i = 0; i < n; i++) {
    const r = (off + i) * IN;
    a.set(io.input.subarray(r, r + D), i * D);
    c.set(io.input.subarray(r + D, r + IN), i * C);
  }
}
let io: IoViews | null = null;
let replica: TrainReplica | null = null;
/** The error of a failed training step, kept until the next training run (see Cmd.TRAIN). */
let trainFailure: string | null = null;

function onMessage(msg: WorkerMessage): void {
  switch (msg.type) {
    case 'params':
      mem.f32(mem.params, layout.numel).set(msg.params);
      mem.i32(mem.perm, layout.permLength).set(msg.perm);
      mem.f32(mem.sign, layout.signLength).set(msg.sign);
      if (msg.adamM) mem.f32(mem.adamM, layout.numel).set(msg.adamM);
      if (msg.adamV) mem.f32(mem.adamV, layout.numel).set(msg.adamV);
      prepare();
      break;
    case 'train':
      replica?.release();
      trainFailure = null; // a new run starts from the synced parameters
      // a shard runs in TRAIN_BLOCK-row blocks: that much workspace, sized before the replica allocates after it
      ensureCapacity(Math.min(msg.capacity, TRAIN_BLOCK));
      replica = new TrainReplica(mem, ctl, w, msg.grads, msg.index, { rows: msg.data }, msg.capacity,
        fmem ? { fplan: fmem.fplan, cOffset: msg.rows * D * 4 } : undefined);
      break;
    case 'endTrain':
      replica?.release();
      replica = null;
      break;
    case 'io':
      io = new IoViews(msg.io, msg.rows, IN, D);
      break;
    case 'samples':
      samples = new Float32Array(msg.buffer);
      break;
  }
}

/** A larger workspace for inference, unless training rows live after it (growing would free them). */
function growForInference(rows: number): void {
  if (!replica) ensureCapacity(Math.min(INFER_BLOCK, rows));
}

/** Rows [lo, hi) of the io buffer in workspace-sized chunks: `each(off, n, io)`. */
function chunks(lo: number, hi: number, each: (off: number, n: number, io: IoViews) => void): void {
  if (!io) throw new Error('no io buffer');
  growForInference(hi - lo);
  const cap = Math.min(mem.capacity, INFER_BLOCK); // as Glow.chunks, also after training grew the workspace
  for (let off = lo; off < hi; off += cap) each(off, Math.min(cap, hi - off), io);
}

function forward(lo: number, hi: number, withLatents: boolean): void {
  chunks(lo, hi, (off, n, io) => {
    putRows(off, n, io, mem.header(H.X0));
    if (fmem) ex.forecastForward(fmem.fplan, n);
    else ex.glowForward(mem.plan, n);
    io.logp.set(mem.f64(mem.header(H.LOGP), n), off);
    if (withLatents) {
      io.output.set(mem.f32(mem.header(H.Z), n * D), off * D);
      const ld = mem.f32(mem.header(H.LOGDET), n);
      const c = mem.result(R.LOGDET_CONST);
      for (let i = 0; i < n; i++) io.logdet[off + i] = ld[i] + c;
    }
  });
}

function inverse(lo: number, hi: number): void {
  chunks(lo, hi, (off, n, io) => {
    putRows(off, n, io, mem.header(H.Z));
    if (fmem) ex.forecastInverse(fmem.fplan, n);
    else ex.glowInverse(mem.plan, n);
    io.output.set(mem.f32(mem.header(H.X0), n * D), off * D);
  });
}

/**
 * Forecaster: `draws` draws for each context row [lo, hi) of the io input into the sample buffer,
 * from the stream (key, counter): the counter of context row r is counter0 + r·draws·D, so every
 * draw is the single-thread one; with `common`, every row restarts at counter0 (common draws).
 */
function sample(lo: number, hi: number, draws: number, counter0: number, key: number[], temperature: number, common: boolean): void {
  if (!fmem || !samples || !io) throw new Error('SAMPLE without a forecaster, sample buffer or io buffer');
  growForInference(hi - lo);
  const per = common ? 1 : Math.max(1, Math.min(fmem.capacity, Math.floor((1 << 20) / (draws * D))));
  const tmp = mem.allocTemp(Math.min(per, hi - lo) * draws * D * 4);
  try {
    const state = mem.i32(mem.rng, 4);
    state.set(key);
    state[3] = (counter0 + (common ? 0 : lo * draws * D)) | 0;
    for (let off = lo; off < hi; off += per) {
      const n = Math.min(per, hi - off);
      if (common) mem.i32(mem.rng, 4).set([...key, counter0 | 0]);
      const c = mem.f32(fmem.header(F.CTX), n * C);
      for (let i = 0; i < n; i++) c.set(io.input.subarray((off + i) * IN + D, (off + i + 1) * IN), i * C);
      ex.forecastSample(fmem.fplan, n, draws, temperature, tmp.ptr);
      samples.set(mem.f32(tmp.ptr, n * draws * D), off * draws * D);
    }
  } finally {
    mem.releaseTemp(tmp.mark);
  }
}

function run(cmd: number, a: Int32Array, f: Float64Array): boolean {
  const at = (slot: number) => a[ctl.word(w, slot)];
  switch (cmd) {
    case Cmd.MESSAGE: {
      const got = receiveMessageOnPort(init.port as unknown as import('node:worker_threads').MessagePort);
      if (!got) throw new Error('MESSAGE command without a message');
      onMessage(got.message as WorkerMessage);
      return true;
    }
    case Cmd.TRAIN: {
      if (!replica) throw new Error('TRAIN command before the training data');
      const arg = (i: number) => f[ctl.arg(w, i)];
      const step = at(W.A0);
      try {
        // after a failed step this replica's parameters may differ from the others': refuse to go on
        if (trainFailure) throw new Error(`an earlier training step failed on this worker: ${trainFailure}`);
        replica.step(step, at(W.A1), at(W.A2), at(W.A3), {
          lr: arg(0), beta1: arg(1), beta2: arg(2), eps: arg(3), clipNorm: arg(4), weightDecay: arg(5),
        });
      } catch (err) {
        trainFailure ??= (err as Error).message;
        // arrive anyway (with a NaN loss), so no replica waits forever at this step's barrier
        ctl.losses[(step & 1) * ctl.replicas + w] = NaN;
        signal(ctl.i32, ctl.arrive(w), step);
        throw err;
      }
      return true;
    }
    case Cmd.FORWARD:
      forward(at(W.A0), at(W.A1), at(W.A2) !== 0);
      return true;
    case Cmd.INVERSE:
      inverse(at(W.A0), at(W.A1));
      return true;
    case Cmd.SAMPLE:
      sample(at(W.A0), at(W.A1), at(W.A2), at(W.A3), [0, 1, 2].map((i) => f[ctl.arg(w, i)] | 0), f[ctl.arg(w, 3)], f[ctl.arg(w, 4)] !== 0);
      return true;
    case Cmd.EXIT:
      return false;
    default:
      throw new Error(`unknown command ${cmd}`);
  }
}

let seen = 0;
for (;;) {
  const seq = waitUntil(ctl.i32, ctl.word(w, W.SEQ), (v) => v !== seen)!;
  seen = seq;
  let more = true;
  try {
    more = run(ctl.i32[ctl.word(w, W.CMD)], ctl.i32, ctl.f64);
    ctl.i32[ctl.word(w, W.STATUS)] = 0;
  } catch (err) {
    ctl.setError(w, `worker ${w}: ${(err as Error).stack ?? String(err)}`);
    ctl.i32[ctl.word(w, W.STATUS)] = 1;
  }
  signal(ctl.i32, ctl.word(w, W.DONE), seq);
  if (!more) break;
}
(init.port as unknown as { close(): void }).close();
