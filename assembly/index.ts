/**
 * @fileoverview The glow-trade WebAssembly ABI (see docs/wasm-abi.md): allocation, the plan
 * table's sizes, and the whole-batch entry points. Every argument is an i32 byte offset, a count
 * or a scalar; no managed object crosses the boundary.
 */
export { alloc, mark, release } from './memory';
export { planHeaderWords, planLevelWords, planStepWords } from './plan';
export { glowDiagnose, glowForward, glowInitActNorm, glowInverse, glowPrepare, glowBackward } from './flow';
export {
  gatherRows, glowApplyGradient, glowLossGrad, glowNoise, glowSample, glowShardGrad, glowTrainStep, vecAdd,
} from './train';
export { glowForwardRows } from './rowflow';
export { gemm } from './gemm';
export { gemvAxpy, gemvDot } from './gemv';
export { colSum } from './blocks';
export { vexp, vtanh } from './simdmath';
export { fillNormal } from './rng';
export { forecastHeaderWords } from './forecastplan';
export {
  forecastApplyGradient, forecastBackward, forecastDiagnose, forecastForward, forecastGather, forecastInitActNorm,
  forecastInverse, forecastLossGrad, forecastPrepare, forecastSample, forecastSampleRowwise, forecastShardGrad,
  forecastTrainStep,
} from './forecast';
export { fillStudent, studentPrepare } from './student';
