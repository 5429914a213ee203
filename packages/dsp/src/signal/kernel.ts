import { FIR_WASM } from './fir-wasm.js';

/**
 * The resampler's inner loop: many dot products of K filter taps with K input samples.
 *
 * Runs in WebAssembly SIMD (f32x4) when the host supports it and falls back to plain JavaScript
 * otherwise. The fallback rounds every operation to float32 in the same order as the SIMD code,
 * so both give bit-identical output. Memory layout (byte addresses into one buffer):
 * `[table | input span | per-output index records | outputs]`.
 * @internal
 */
export class FirKernel {
  /** Taps per output (multiple of 16). */
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
  private buffer: ArrayBuffer;
  private run: ((n: number, idx: number, kb: number, y: number) => void) | undefined;
  private runRational:
    | ((n: number, xp: number, p: number, kb: number, L: number, M: number, y: number) => void)
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
        fir: (n: number, idx: number, kb: number, y: number) => void;
        fir2: (n: number, idx: number, kb: number, y: number) => void;
        firr: (n: number, xp: number, p: number, kb: number, L: number, M: number, y: number) => void;
      };
      this.runRational = exports.firr;
      this.memory = exports.memory;
      this.run = interpolate ? exports.fir2 : exports.fir;
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
    // 16 spare samples: the SIMD loop never reads past K, but keep the tail addressable.
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
   * Rational-ratio outputs without index records: output j reads the span from element `x0 + Σ advances`
   * of the input area and table row `p`, then `p += M`, the span moves by `floor(p / L)`, `p %= L`.
   */
  execRational(
    n: number,
    x0: number,
    p: number,
    L: number,
    M: number,
    out: Float32Array,
    outOffset: number,
  ): void {
    if (n === 0) return;
    const kb = this.taps * 4;
    if (this.runRational) {
      this.runRational(n, this.xAddr + x0 * 4, p, kb, L, M, this.yAddr);
    } else {
      const i32 = this.i32;
      let r = this.recordIndex(0);
      let x = x0;
      for (let o = 0; o < n; o++, r += 2) {
        i32[r] = this.xAddr + x * 4;
        i32[r + 1] = p * kb;
        p += M;
        const q = Math.floor(p / L);
        x += q;
        p -= q * L;
      }
      this.firJs(n);
    }
    out.set(this.f32.subarray(this.yAddr >> 2, (this.yAddr >> 2) + n), outOffset);
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
