/**
 * @fileoverview Seeded Gaussian noise in linear memory: xoshiro128** (state: 4 u32 words at a
 * pointer, seeded by the host) and Box–Muller in f64, rounded to f32.
 */

@inline function rotl(x: u32, k: u32): u32 {
  return (x << k) | (x >>> (32 - k));
}

function nextU32(s: usize): u32 {
  const s0 = load<u32>(s), s1 = load<u32>(s, 4), s2 = load<u32>(s, 8), s3 = load<u32>(s, 12);
  const result = rotl(s1 * 5, 7) * 9;
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  const n1 = s1 ^ n2;
  const n0 = s0 ^ n3;
  store<u32>(s, n0);
  store<u32>(s, n1, 4);
  store<u32>(s, n2 ^ t, 8);
  store<u32>(s, rotl(n3, 11), 12);
  return result;
}

/** Uniform in (0, 1): 53 random bits, zero excluded (log-safe). */
function uniformOpen(s: usize): f64 {
  const hi = <f64>(nextU32(s) >>> 5);
  const lo = <f64>(nextU32(s) >>> 6);
  return (hi * 67108864.0 + lo + 0.5) / 9007199254740992.0;
}

/** Fill out[0..n) with N(0, scale²) deviates. */
export function fillNormal(state: usize, out: usize, n: i32, scale: f64): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const r = Math.sqrt(-2.0 * Math.log(uniformOpen(state))) * scale;
    const a = 2.0 * Math.PI * uniformOpen(state);
    store<f32>(out + <usize>i * 4, <f32>(r * Math.cos(a)));
    store<f32>(out + <usize>(i + 1) * 4, <f32>(r * Math.sin(a)));
  }
  if (i < n) {
    const r = Math.sqrt(-2.0 * Math.log(uniformOpen(state))) * scale;
    store<f32>(out + <usize>i * 4, <f32>(r * Math.cos(2.0 * Math.PI * uniformOpen(state))));
  }
}
