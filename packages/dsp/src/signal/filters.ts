/** Filter design helpers for the resampler (internal). */

/** Modified Bessel function of the first kind, order 0 (power series; exact to double precision). */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Normalised sinc: sin(πx)/(πx). */
export function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/**
 * A Kaiser-windowed sinc low-pass as a function of time `t` in input samples:
 * `2·fc·sinc(2·fc·t)·kaiser(t / halfWidth)`, zero for |t| ≥ halfWidth. Unit area, so DC gain 1.
 * `fc` is the cutoff in cycles per input sample.
 */
export function kaiserSinc(fc: number, halfWidth: number, beta: number): (t: number) => number {
  const norm = 1 / besselI0(beta);
  return (t: number) => {
    const u = t / halfWidth;
    if (u <= -1 || u >= 1) return 0;
    return 2 * fc * sinc(2 * fc * t) * besselI0(beta * Math.sqrt(1 - u * u)) * norm;
  };
}

/**
 * `scipy.signal.firwin(numtaps, cutoff, window=('kaiser', beta))` for a low-pass with `cutoff`
 * relative to Nyquist (scaled to unit DC gain, as firwin does), in float64.
 */
export function firwinKaiser(numtaps: number, cutoff: number, beta: number): Float64Array {
  const h = new Float64Array(numtaps);
  const alpha = (numtaps - 1) / 2;
  const norm = 1 / besselI0(beta);
  let sum = 0;
  for (let n = 0; n < numtaps; n++) {
    const m = n - alpha;
    const r = alpha === 0 ? 0 : m / alpha;
    const w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) * norm;
    h[n] = cutoff * sinc(cutoff * m) * w;
    sum += h[n]!;
  }
  for (let n = 0; n < numtaps; n++) h[n]! /= sum;
  return h;
}

/** Greatest common divisor of two non-negative integers. */
export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
