/**
 * @fileoverview Adam with global gradient-norm clipping over the flat parameter vector (f32 SIMD).
 * Same update as torch.optim.Adam: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
 * p ← p − (lr/(1−β1ᵗ))·m/(√v/√(1−β2ᵗ) + ε). Optional L2 weight decay is added to g (as torch's
 * `weight_decay`).
 */

/** ‖g‖₂ of n f32 values, squares summed in f64 (two f64x2 lanes per half vector, then the tail). */
export function gradNorm(g: usize, n: i32): f64 {
  let s0 = f64x2.splat(0), s1 = s0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(g + (<usize>i << 2));
    const lo = f64x2.promote_low_f32x4(v), hi = f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 0));
    s0 = f64x2.add(s0, f64x2.mul(lo, lo));
    s1 = f64x2.add(s1, f64x2.mul(hi, hi));
  }
  const t = f64x2.add(s0, s1);
  let s: f64 = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; i < n; i++) {
    const v = <f64>load<f32>(g + (<usize>i << 2));
    s += v * v;
  }
  return Math.sqrt(s);
}

export function adamUpdate(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  lr: f64, beta1: f64, beta2: f64, eps: f64, t: i32, gradScale: f64, weightDecay: f64,
): void {
  const bc1 = 1.0 - Math.pow(beta1, <f64>t);
  const bc2 = 1.0 - Math.pow(beta2, <f64>t);
  const stepSize = <f32>(lr / bc1);
  const invSqrtBc2 = <f32>(1.0 / Math.sqrt(bc2));
  const b1 = <f32>beta1, b2 = <f32>beta2, c1 = <f32>(1.0 - beta1), c2 = <f32>(1.0 - beta2);
  const e = <f32>eps, sc = <f32>gradScale, wd = <f32>weightDecay;
  const vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2);
  const ve = f32x4.splat(e), vsc = f32x4.splat(sc), vwd = f32x4.splat(wd);
  const vstep = f32x4.splat(stepSize), vbc2 = f32x4.splat(invSqrtBc2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i * 4;
    const pv = v128.load(p + o);
    const gv = f32x4.add(f32x4.mul(v128.load(g + o), vsc), f32x4.mul(pv, vwd));
    const mv = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vc1, gv));
    const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(vc2, f32x4.mul(gv, gv)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vv), vbc2), ve);
    v128.store(p + o, f32x4.sub(pv, f32x4.mul(vstep, f32x4.div(mv, denom))));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    const pv = load<f32>(p + o);
    const gv = load<f32>(g + o) * sc + pv * wd;
    const mv = b1 * load<f32>(m + o) + c1 * gv;
    const vv = b2 * load<f32>(v + o) + c2 * gv * gv;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    store<f32>(p + o, pv - stepSize * (mv / (Mathf.sqrt(vv) * invSqrtBc2 + e)));
  }
}
