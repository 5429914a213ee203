import { getRealFFTPlan } from './fft.js';
import { SPECTRAL_WASM } from './fft-wasm.js';

/**
 * WebAssembly SIMD engine for real FFTs of even lengths whose half is 2^a·3^b·5^c: two frames per call in f64x2 lanes, running exactly
 * the float64 operations of the JavaScript {@link RealFFTPlan} (same order, no fused multiply-add), so
 * results are identical to the JS path. Used automatically when the host supports WebAssembly SIMD; falls
 * back to JavaScript otherwise (or when `INSTR_DSP_NO_WASM` is set in `globalThis`).
 * @internal
 */

interface Exports {
  memory: WebAssembly.Memory;
  rfft2: (
    xa: number,
    xb: number,
    win: number,
    plan: number,
    bufa: number,
    bufb: number,
    outr: number,
    outi: number,
    mode: number,
  ) => void;
  mel: (
    sig: number,
    hopb: number,
    npairs: number,
    win: number,
    plan: number,
    bufa: number,
    bufb: number,
    spec: number,
    bank: number,
    nmels: number,
    out: number,
    strideb: number,
    pow: number,
  ) => void;
}

let compiled: WebAssembly.Module | null | undefined;
let instance: Exports | undefined;
let enabled = true;

/** Turns the WebAssembly kernels off (false) or back on, e.g. to compare with the JS path. @internal */
export function setSpectralWasmEnabled(on: boolean): void {
  enabled = on;
}

function module(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const disabled = (globalThis as { INSTR_DSP_NO_WASM?: unknown }).INSTR_DSP_NO_WASM;
      compiled =
        !disabled && typeof WebAssembly === 'object' && WebAssembly.validate(SPECTRAL_WASM)
          ? new WebAssembly.Module(SPECTRAL_WASM)
          : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** True when the SIMD kernels can run here. @internal */
export function spectralWasmAvailable(): boolean {
  return module() !== null;
}

function exportsOf(): Exports | null {
  if (!enabled) return null;
  const mod = module();
  if (!mod) return null;
  if (!instance) instance = new WebAssembly.Instance(mod, {}).exports as unknown as Exports;
  return instance;
}

const align = (x: number): number => (x + 15) & ~15;

/** Frames per kernel block: bounds the WebAssembly memory for long signals (even). @internal */
export const WASM_BLOCK_FRAMES = 2048;

/** A bump allocator over the instance memory. */
class Layout {
  top = 0;
  take(bytes: number): number {
    const at = this.top;
    this.top = align(this.top + bytes);
    return at;
  }
}

/** Mel bank in the kernel's format. */
export interface WasmBank {
  nMels: number;
  lo: Int32Array;
  hi: Int32Array;
  weights: Float32Array;
  bins: number;
}

/**
 * A prepared kernel for one nFft (even, ≥ 8, half of it 2^a·3^b·5^c) and window. Not re-entrant: one per call site.
 * @internal
 */
export class WasmRfft {
  readonly nFft: number;
  readonly bins: number;
  private readonly ex: Exports;
  private readonly layout = new Layout();
  readonly planAt: number;
  readonly winAt: number;
  readonly bufA: number;
  readonly bufB: number;
  readonly specR: number;
  readonly specI: number;
  /** Start of the free region (for the signal and outputs). */
  readonly freeAt: number;

  private constructor(ex: Exports, nFft: number, window: Float64Array) {
    this.ex = ex;
    this.nFft = nFft;
    const h = nFft / 2;
    this.bins = h + 1;
    const plan = getRealFFTPlan(nFft);
    const stages = plan.complex.stageList();
    const L = this.layout;
    this.planAt = L.take(12 + 16 * stages.length);
    const twAt = stages.map((st) => L.take(st.tw.length * 8));
    const splitAt = L.take(h * 16);
    this.winAt = L.take(nFft * 8);
    this.bufA = L.take(h * 32);
    this.bufB = L.take(h * 32);
    this.specR = L.take(this.bins * 16);
    this.specI = L.take(this.bins * 16);
    this.freeAt = L.top;
    this.ensure(L.top);
    const mem = ex.memory.buffer;
    const i32 = new Int32Array(mem);
    const f64 = new Float64Array(mem);
    i32[this.planAt / 4] = h;
    i32[this.planAt / 4 + 1] = stages.length;
    i32[this.planAt / 4 + 2] = splitAt;
    stages.forEach((st, i) => {
      const base = (this.planAt + 12 + 16 * i) / 4;
      i32[base] = st.p;
      i32[base + 1] = st.m;
      i32[base + 2] = st.s;
      i32[base + 3] = twAt[i]!;
      f64.set(st.tw, twAt[i]! / 8);
    });
    for (let k = 0; k < h; k++) {
      f64[splitAt / 8 + 2 * k] = plan.wr[k]!;
      f64[splitAt / 8 + 2 * k + 1] = plan.wi[k]!;
    }
    f64.set(window, this.winAt / 8);
  }

  /** A kernel for this nFft/window, or null when WebAssembly SIMD is unavailable or nFft unsupported (odd, or a prime factor > 5). */
  static create(nFft: number, window: Float64Array): WasmRfft | null {
    if (nFft < 8 || nFft % 2 !== 0 || nFft > 1 << 22) return null;
    const ex = exportsOf();
    if (!ex) return null;
    // The kernel has radix 2, 3, 4 and 5 passes: nFft/2 must be 2^a·3^b·5^c.
    const plan = getRealFFTPlan(nFft).complex;
    if (plan.algorithm !== 'mixed-radix' || plan.stageList().some((st) => st.p > 5)) return null;
    return new WasmRfft(ex, nFft, window);
  }

  /** Grows memory to hold `bytes`. */
  ensure(bytes: number): void {
    const mem = this.ex.memory;
    const need = Math.ceil((bytes - mem.buffer.byteLength) / 65536);
    if (need > 0) mem.grow(need);
  }

  get memory(): ArrayBuffer {
    return this.ex.memory.buffer;
  }

  /**
   * Writes `total` samples of the padded signal starting at signal index `start` (may be negative or run past
   * the end) as float32 at byte address `at`; `sample(j)` gives the padding outside `[0, y.length)`.
   */
  writeSpan(y: Float32Array, start: number, total: number, at: number, sample: (j: number) => number): void {
    const f32 = new Float32Array(this.memory, at, total);
    const a = Math.max(0, start);
    const b = Math.min(y.length, start + total);
    for (let j = start; j < Math.min(a, start + total); j++) f32[j - start] = sample(j);
    if (b > a) f32.set(y.subarray(a, b), a - start);
    for (let j = Math.max(b, start); j < start + total; j++) f32[j - start] = sample(j);
  }

  /** Complex spectra of the frames at byte addresses xa, xb into specR/specI (f64x2 per bin). */
  rfft2(xa: number, xb: number): void {
    this.ex.rfft2(xa, xb, this.winAt, this.planAt, this.bufA, this.bufB, this.specR, this.specI, 0);
  }

  /** Writes a mel bank; returns its address. */
  writeBank(bank: WasmBank, at: number): number {
    const { nMels, lo, hi, weights, bins } = bank;
    let total = 0;
    for (let m = 0; m < nMels; m++) total += hi[m]! - lo[m]!;
    const rows = at;
    const wAt = align(rows + 16 * nMels);
    this.ensure(wAt + total * 8);
    const i32 = new Int32Array(this.memory);
    const f64 = new Float64Array(this.memory);
    let w = wAt;
    for (let m = 0; m < nMels; m++) {
      const r = (rows + 16 * m) / 4;
      const a = lo[m]!;
      const b = hi[m]!;
      i32[r] = a;
      i32[r + 1] = b - a;
      i32[r + 2] = w;
      for (let k = a; k < b; k++) f64[w / 8 + k - a] = weights[m * bins + k]!;
      w += (b - a) * 8;
    }
    return align(w);
  }

  /** Runs the fused mel kernel. */
  mel(
    sig: number,
    hop: number,
    nPairs: number,
    bankAt: number,
    nMels: number,
    out: number,
    stride: number,
    power: 1 | 2,
  ): void {
    this.ex.mel(
      sig,
      hop * 4,
      nPairs,
      this.winAt,
      this.planAt,
      this.bufA,
      this.bufB,
      this.specR,
      bankAt,
      nMels,
      out,
      stride * 4,
      power,
    );
  }
}
