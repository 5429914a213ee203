/**
 * Internal helper: power spectrum `|rfft(x)|²` of a short real frame (used by Welch's method).
 * Power-of-two sizes use an iterative radix-2 FFT; other sizes a direct DFT with cached twiddles.
 */
const cache = new Map<number, { cos: Float64Array; sin: Float64Array; rev: Uint32Array | null }>();

function tables(n: number) {
  let t = cache.get(n);
  if (!t) {
    const pow2 = (n & (n - 1)) === 0;
    const cos = new Float64Array(n);
    const sin = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      cos[i] = Math.cos((2 * Math.PI * i) / n);
      sin[i] = Math.sin((2 * Math.PI * i) / n);
    }
    let rev: Uint32Array | null = null;
    if (pow2) {
      rev = new Uint32Array(n);
      const bits = Math.round(Math.log2(n));
      for (let i = 0; i < n; i++) {
        let r = 0;
        for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
        rev[i] = r;
      }
    }
    t = { cos, sin, rev };
    if (cache.size > 16) cache.clear();
    cache.set(n, t);
  }
  return t;
}

/** Writes `|X[k]|²`, k = 0..floor(n/2), of the real frame `x` (length n) into `out`. */
export function realDftPower(x: Float64Array, out: Float64Array): void {
  const n = x.length;
  const { cos, sin, rev } = tables(n);
  const half = Math.floor(n / 2);
  if (rev) {
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let i = 0; i < n; i++) re[rev[i]!] = x[i]!;
    for (let size = 2; size <= n; size <<= 1) {
      const h = size >> 1;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0; k < h; k++) {
          const wr = cos[k * step]!;
          const wi = -sin[k * step]!;
          const a = start + k;
          const b = a + h;
          const tr = re[b]! * wr - im[b]! * wi;
          const ti = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - tr;
          im[b] = im[a]! - ti;
          re[a]! += tr;
          im[a]! += ti;
        }
      }
    }
    for (let k = 0; k <= half; k++) out[k] = re[k]! * re[k]! + im[k]! * im[k]!;
    return;
  }
  for (let k = 0; k <= half; k++) {
    let sr = 0;
    let si = 0;
    for (let i = 0, p = 0; i < n; i++, p = (p + k) % n) {
      sr += x[i]! * cos[p]!;
      si -= x[i]! * sin[p]!;
    }
    out[k] = sr * sr + si * si;
  }
}
