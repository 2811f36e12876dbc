/**
 * @fileoverview Where a two-thread training step spends its time, on the main replica: shard
 * gradient, publishing it to the shared slots, waiting at the barrier, the fixed-order
 * reduction, and the update (clip + Adam + prepare, run by every replica) — next to the
 * one-thread step, so the hand-off's cost is a measured figure, not a guess. CPU time and wall
 * time are both printed (the machine is shared). Not part of `npm test`.
 *
 * Usage: node dist/bench/threads-profile.js [--batch 256] [--steps 300]
 */
import { Glow } from '../src/model/glow.js';
import { TrainReplica, type StepPhases } from '../src/wasm/worker-replica.js';
import { Rng } from '../src/util/rng.js';
import { HYPER, POOL_ROWS, pool } from './cases.js';

const argv = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const B = Number(opt('batch', '256'));
const STEPS = Number(opt('steps', '300'));

function main(): void {
  const data = pool(POOL_ROWS, 16, 1);
  const perm = new Rng(3).permutation(POOL_ROWS);
  const one = Glow.create({ seed: 1, threads: 1 });
  one.initialize(data.subarray(0, 4096 * 16));
  const two = Glow.create({ seed: 1, threads: 2 });
  two.initialize(data.subarray(0, 4096 * 16));
  // one thread: glowTrainStep on the same rows
  const m1 = one.mem;
  m1.ensureCapacity(B);
  const tmp = m1.allocTemp(POOL_ROWS * 16 * 4 + POOL_ROWS * 4);
  m1.f32(tmp.ptr, POOL_ROWS * 16).set(data);
  m1.i32(tmp.ptr + POOL_ROWS * 16 * 4, POOL_ROWS).set(perm);
  // two threads: the pool as fit runs it
  const m2 = two.mem;
  m2.ensureCapacity(B);
  const tmp2 = m2.allocTemp(POOL_ROWS * 16 * 4);
  m2.f32(tmp2.ptr, POOL_ROWS * 16).set(data);
  const workers = two.workers()!;
  workers.beginTraining(m2, two.parametersVersion, data, tmp2.ptr, B).set(perm);
  let t1 = 0, t2 = 0, off1 = 0, off2 = 0;
  const step1 = () => {
    if (off1 + B > POOL_ROWS) off1 = 0;
    one.ex.glowTrainStep(m1.plan, tmp.ptr, tmp.ptr + POOL_ROWS * 16 * 4 + off1 * 4, B, 1e-4, HYPER.beta1, HYPER.beta2, HYPER.eps, 0, ++t1, 0);
    off1 += B;
  };
  const step2 = () => {
    if (off2 + B > POOL_ROWS) off2 = 0;
    workers.trainStep(off2, B, ++t2, { ...HYPER, lr: 1e-4 });
    off2 += B;
  };
  const timeSteps = (fn: () => void, n: number) => {
    const c0 = process.cpuUsage(), w0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    const c = process.cpuUsage(c0);
    return { wallMs: (performance.now() - w0) / n, cpuMs: (c.user + c.system) / 1000 / n };
  };
  timeSteps(step1, 30);
  timeSteps(step2, 30);
  const rounds: string[] = [];
  let phases: StepPhases = { steps: 0, shard: 0, publish: 0, barrier: 0, reduce: 0, update: 0 };
  for (let r = 0; r < 3; r++) {
    const a = timeSteps(step1, STEPS / 3);
    phases = { steps: 0, shard: 0, publish: 0, barrier: 0, reduce: 0, update: 0 };
    TrainReplica.phases = phases;
    const b = timeSteps(step2, STEPS / 3);
    TrainReplica.phases = null;
    rounds.push(`  round ${r + 1}: 1 thread ${a.wallMs.toFixed(3)} ms wall (${a.cpuMs.toFixed(3)} ms CPU); 2 threads ${b.wallMs.toFixed(3)} ms wall` +
      ` (${b.cpuMs.toFixed(3)} ms CPU, both threads) → wall speed-up ${(a.wallMs / b.wallMs).toFixed(2)}×;` +
      ` main replica per step: ${(['shard', 'publish', 'barrier', 'reduce', 'update'] as const).map((k) => `${k} ${(phases[k] / phases.steps).toFixed(3)}`).join(', ')} ms`);
  }
  console.log(`train step at batch ${B}, default model, ${STEPS / 3} steps per round (interleaved 1 / 2 threads):`);
  console.log(rounds.join('\n'));
  workers.endTraining();
  two.close();
}

main();
