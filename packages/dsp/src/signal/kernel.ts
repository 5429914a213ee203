import { FIR_WASM } from './fir-wasm.js';

/** Outputs per group of the rational kernels (two f32x4 accumulators, one output per lane). */
export const GROUP = 8;

/** Periods of `lcm(L, GROUP)` outputs that the `firr3` kernel computes at once (sharing table loads). */
export const PERIODS_PER_PASS = 3;

/** Outputs per period of the rational kernels: lcm(L, GROUP). */
export function groupPeriod(L: number): number {
  let a = L;
  let b = GROUP;
  while (b) [a, b] = [b, a % b];
  return (L / a) * GROUP;
}

/**
 * The resampler's inner loop: many dot products of filter taps with input samples.
 *
 * Runs in WebAssembly SIMD (f32x4) when the host supports it and falls back to plain JavaScript
 * otherwise. The fallback rounds every operation to float32 in the same order as the SIMD code,
 * so both give bit-identical output. Memory layout (byte addresses into one buffer):
 * `[table | input span | per-output index records | outputs]`.
 *
 * {@link FirKernel.execRational} (the resampler's rational ratios) takes the interleaved group table
 * of {@link interleaveGroups} and computes outputs in groups of eight, one per SIMD lane: output j of
 * a group is `Σ_i row[i][j] · x[i]` over the group's W-sample window, summed in window order in one
 * accumulator lane; the zero taps outside the output's own span add ±0, which leaves a sum started
 * at +0 unchanged, so its value does not depend on which kernel (or the fallback) computed it.
 * Record kernels take one `(xp, hp)` record per output (`(xp, hp, w)` when `interpolate`, taps
 * interpolated between two rows) and K taps per table row, K a multiple of 16.
 * @internal
 */
export class FirKernel {
  /** Record kernels: taps per output (multiple of 16); rational group kernels: window samples per group. */
  readonly taps: number;
  /** Whether taps are interpolated between two table rows (records of 12 bytes instead of 8). */
  readonly interpolate: boolean;
  /** Byte address of the table. */
  readonly tableAddr = 0;
  /** Byte address of the input span. */
  xAddr = 0;
  private idxAddr = 0;
  private yAddr = 0;
  private xCap = 0;
  private nCap = 0;
  private memory: WebAssembly.Memory | undefined;
  private finite: ((x: number, n: number) => number) | undefined;
  private buffer: ArrayBuffer;
  private run: ((n: number, idx: number, kb: number, y: number) => void) | undefined;
  private runRational:
    | ((n: number, xp: number, p: number, wb: number, L: number, dq: number, dr: number, y: number) => void)
    | undefined;
  private runPeriods:
    | ((
        n: number,
        xp: number,
        p: number,
        wb: number,
        L: number,
        dq: number,
        dr: number,
        y: number,
        mg: number,
        lg: number,
      ) => void)
    | undefined;
  /** Float32 view of the whole memory (refreshed when memory grows). */
  f32: Float32Array;
  /** Int32 view of the whole memory (refreshed when memory grows). */
  i32: Int32Array;

  constructor(table: Float32Array, taps: number, interpolate: boolean, useWasm = wasmAvailable()) {
    this.taps = taps;
    this.interpolate = interpolate;
    const bytes = table.length * 4;
    if (useWasm) {
      const exports = new WebAssembly.Instance(wasmModule!, {}).exports as unknown as {
        memory: WebAssembly.Memory;
        fir: FirKernel['run'];
        fir2: FirKernel['run'];
        firr: FirKernel['runRational'];
        firr3: FirKernel['runPeriods'];
        finite: (x: number, n: number) => number;
      };
      this.finite = exports.finite;
      this.memory = exports.memory;
      this.run = interpolate ? exports.fir2 : exports.fir;
      this.runRational = exports.firr;
      this.runPeriods = exports.firr3;
      growTo(this.memory, bytes);
      this.buffer = this.memory.buffer;
    } else {
      this.buffer = new ArrayBuffer(bytes);
    }
    this.f32 = new Float32Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.f32.set(table, 0);
    this.xAddr = bytes;
  }

  /** Makes room for an input span of `spanLen` samples and `n` outputs. */
  reserve(spanLen: number, n: number): void {
    if (spanLen <= this.xCap && n <= this.nCap) return;
    this.xCap = Math.max(spanLen, this.xCap);
    this.nCap = Math.max(n, this.nCap);
    // 16 spare samples: the SIMD loops never read past the span, but keep the tail addressable.
    this.idxAddr = this.xAddr + (this.xCap + 16) * 4;
    this.yAddr = this.idxAddr + this.nCap * (this.interpolate ? 12 : 8);
    const need = this.yAddr + this.nCap * 4;
    if (this.memory) {
      growTo(this.memory, need);
      this.buffer = this.memory.buffer;
    } else if (this.buffer.byteLength < need) {
      const next = new ArrayBuffer(need);
      new Uint8Array(next).set(new Uint8Array(this.buffer, 0, this.xAddr));
      this.buffer = next;
    }
    this.f32 = new Float32Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  /** Whether the first `n` samples of the input span are all finite (no NaN or ±Infinity). */
  spanFinite(n: number): boolean {
    const f = this.f32;
    const x = this.xAddr >> 2;
    let i = 0;
    if (this.finite) {
      i = n - (n % 16);
      if (!this.finite(this.xAddr, i)) return false;
    }
    let a = 0;
    for (; i < n; i++) a += f[x + i]! - f[x + i]!;
    return a === 0;
  }

  /** Element index (into `i32`/`f32`) of output record `o`. */
  recordIndex(o: number): number {
    return (this.idxAddr >> 2) + o * (this.interpolate ? 3 : 2);
  }

  /** Runs `n` outputs from the records and copies them to `out[outOffset…]`. */
  exec(n: number, out: Float32Array, outOffset: number): void {
    if (n === 0) return;
    if (this.run) this.run(n, this.idxAddr, this.taps * 4, this.yAddr);
    else if (this.interpolate) this.fir2Js(n);
    else this.firJs(n);
    out.set(this.f32.subarray(this.yAddr >> 2, (this.yAddr >> 2) + n), outOffset);
  }

  /**
   * Rational ratio L/M: `groups` groups of {@link GROUP} outputs. The first group's window starts at
   * element `x0` of the input span and its first output has phase `p`; each group moves the phase
   * by 8M (and the window by `floor` of that over L). Outputs `skip … skip + count − 1` of the
   * computed ones are copied to `out[outOffset…]`.
   */
  execRational(
    groups: number,
    x0: number,
    p: number,
    L: number,
    M: number,
    out: Float32Array,
    outOffset: number,
    skip: number,
    count: number,
  ): void {
    if (groups === 0) return;
    const W = this.taps;
    const dq = Math.floor((GROUP * M) / L);
    const dr = GROUP * M - dq * L;
    let xp = this.xAddr + x0 * 4;
    let y = this.yAddr;
    let g = groups;
    const run = this.runRational;
    if (run) {
      // Whole runs of PERIODS_PER_PASS periods share their table rows (same phases).
      const Lg = groupPeriod(L);
      const Mg = (Lg / L) * M;
      const per = (Lg / GROUP) * PERIODS_PER_PASS;
      if (this.runPeriods) {
        for (; g >= per; g -= per) {
          this.runPeriods(Lg / GROUP, xp, p, W * GROUP * 4, L, dq * 4, dr, y, Mg * 4, Lg * 4);
          xp += Mg * 4 * PERIODS_PER_PASS;
          y += Lg * 4 * PERIODS_PER_PASS;
        }
      }
      run(g, xp, p, W * GROUP * 4, L, dq * 4, dr, y);
    } else {
      this.firrJs(g, xp >> 2, p, L, dq, dr);
    }
    const y0 = (this.yAddr >> 2) + skip;
    out.set(this.f32.subarray(y0, y0 + count), outOffset);
  }

  private firrJs(groups: number, x: number, p: number, L: number, dq: number, dr: number): void {
    const f = this.f32;
    const fr = Math.fround;
    const W = this.taps;
    let y = this.yAddr >> 2;
    for (let g = 0; g < groups; g++) {
      const row = p * W * GROUP;
      for (let j = 0; j < GROUP; j++) {
        let acc = 0;
        for (let i = 0; i < W; i++) acc = fr(acc + fr(f[row + GROUP * i + j]! * f[x + i]!));
        f[y++] = acc;
      }
      p += dr;
      x += dq;
      if (p >= L) {
        p -= L;
        x++;
      }
    }
  }

  private firJs(n: number): void {
    const f = this.f32;
    const idx = this.i32;
    const fr = Math.fround;
    const K = this.taps;
    let r = this.idxAddr >> 2;
    let y = this.yAddr >> 2;
    for (let o = 0; o < n; o++, r += 2) {
      const xp = idx[r]! >> 2;
      const hp = idx[r + 1]! >> 2;
      const lanes = new Float32Array(16);
      for (let k = 0; k < K; k += 16) {
        for (let j = 0; j < 16; j++) lanes[j] = fr(lanes[j]! + fr(f[hp + k + j]! * f[xp + k + j]!));
      }
      f[y++] = sumLanes(lanes);
    }
  }

  private fir2Js(n: number): void {
    const f = this.f32;
    const idx = this.i32;
    const fr = Math.fround;
    const K = this.taps;
    let r = this.idxAddr >> 2;
    let y = this.yAddr >> 2;
    for (let o = 0; o < n; o++, r += 3) {
      const xp = idx[r]! >> 2;
      const hp = idx[r + 1]! >> 2;
      const w = f[r + 2]!;
      const hq = hp + K;
      const lanes = new Float32Array(16);
      for (let k = 0; k < K; k += 16) {
        for (let j = 0; j < 16; j++) {
          const h0 = f[hp + k + j]!;
          const c = fr(h0 + fr(w * fr(f[hq + k + j]! - h0)));
          lanes[j] = fr(lanes[j]! + fr(c * f[xp + k + j]!));
        }
      }
      f[y++] = sumLanes(lanes);
    }
  }
}

/**
 * Interleaves an L-phase table of K taps per row (`h[p·K + k]` multiplies input sample
 * `first + k` of an output with phase p) into group rows for the rational kernels: row p holds W
 * window samples × {@link GROUP} lanes; lane j is the output at phase `(p + jM) mod L`, shifted by
 * `floor((p + jM) / L)` samples, with zeros outside its K taps. W = K + the largest shift.
 * @internal
 */
export function interleaveGroups(
  h: Float32Array,
  L: number,
  M: number,
  K: number,
): { table: Float32Array; W: number } {
  const W = K + Math.floor((L - 1 + (GROUP - 1) * M) / L);
  const table = new Float32Array(L * W * GROUP);
  for (let p = 0; p < L; p++) {
    for (let j = 0; j < GROUP; j++) {
      const q = p + j * M;
      const src = (q % L) * K;
      let dst = (p * W + Math.floor(q / L)) * GROUP + j;
      for (let k = 0; k < K; k++, dst += GROUP) table[dst] = h[src + k]!;
    }
  }
  return { table, W };
}

/** Lanes 0–3 are accumulator a, 4–7 b, 8–11 c, 12–15 d; same reduction order as the wasm code. */
function sumLanes(l: Float32Array): number {
  const fr = Math.fround;
  const s = [0, 1, 2, 3].map((j) => fr(fr(l[j]! + l[4 + j]!) + fr(l[8 + j]! + l[12 + j]!)));
  return fr(fr(s[0]! + s[1]!) + fr(s[2]! + s[3]!));
}

function growTo(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}

let wasmModule: WebAssembly.Module | undefined;
let wasmChecked = false;
let forceJs = false;

/** True when WebAssembly with SIMD is usable here (compiled once, synchronously: the module is < 1 KB). */
export function wasmAvailable(): boolean {
  if (forceJs) return false;
  if (!wasmChecked) {
    wasmChecked = true;
    try {
      if (typeof WebAssembly === 'object' && WebAssembly.validate(FIR_WASM)) {
        wasmModule = new WebAssembly.Module(FIR_WASM);
      }
    } catch {
      wasmModule = undefined;
    }
  }
  return wasmModule !== undefined;
}

/** Test hook: run new resamplers on the JavaScript fallback. @internal */
export function setForceJsKernel(value: boolean): void {
  forceJs = value;
}
