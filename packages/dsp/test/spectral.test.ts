import { InvalidArgumentError, NonFiniteError, ShapeError, Tensor } from '@instr/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  amplitudeToDb,
  blackman,
  chromaFilterbank,
  chromaStft,
  dbToAmplitude,
  dbToPower,
  delta,
  estimateTuning,
  FFTPlan,
  fft,
  fftFrequencies,
  frame,
  frameRms,
  getWindow,
  hamming,
  hann,
  hzToMel,
  ifft,
  irfft,
  istft,
  logMelSpectrogram,
  melFilterbank,
  melFrequencies,
  melFromSpectrogram,
  melSpectrogram,
  melToHz,
  mfcc,
  mfccFromLogMel,
  normalize,
  padCenter,
  piptrack,
  pitchTuning,
  powerToDb,
  RealFFTPlan,
  rfft,
  spectralBandwidth,
  spectralCentroid,
  spectralContrast,
  spectralFlatness,
  spectralRolloff,
  spectrogram,
  stft,
  zeroCrossingRate,
} from '../src/spectral/index.js';
import { setSpectralWasmEnabled, spectralWasmAvailable } from '../src/spectral/wasm.js';

function sine(freq: number, sr: number, n: number, amp = 0.5): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / sr));
}

function noise(n: number, seed = 1): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  });
}

const expectCode = (fn: () => unknown, cls: { isInstance(e: unknown): boolean }) => {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a throw').toBeDefined();
  expect(cls.isInstance(caught), String(caught)).toBe(true);
  expect((caught as Error).message.length).toBeGreaterThan(10);
};

describe('fft', () => {
  it('chooses mixed radix for smooth lengths and Bluestein otherwise', () => {
    expect(new FFTPlan(400).algorithm).toBe('mixed-radix');
    expect(new FFTPlan(6615).algorithm).toBe('mixed-radix');
    expect(new FFTPlan(1031).algorithm).toBe('bluestein');
  });
  it('known transforms', () => {
    const a = fft([1, 0, 0, 0]);
    expect(Array.from(a.re)).toEqual([1, 1, 1, 1]);
    const b = rfft(new Float32Array([0, 1, 0, -1]));
    expect(Array.from(b.im).map((v) => Math.round(v))).toEqual([0, -2, 0]);
    const c = ifft(fft([1, 2, 3]).re, fft([1, 2, 3]).im);
    expect(Array.from(c.re).map((v) => +v.toFixed(12))).toEqual([1, 2, 3]);
    expect(
      Array.from(irfft(rfft([1, 2, 3, 4]).re, rfft([1, 2, 3, 4]).im)).map((v) => +v.toFixed(12)),
    ).toEqual([1, 2, 3, 4]);
  });
  it('odd-length real inverse', () => {
    const x = [0.3, -1, 2, 0.5, 7];
    const X = rfft(x);
    const back = irfft(X.re, X.im, 5);
    for (let i = 0; i < x.length; i++) expect(back[i]).toBeCloseTo(x[i]!, 12);
  });
  it('plans work in place and reject short arrays and bad lengths', () => {
    const p = new FFTPlan(12);
    const re = Float64Array.from({ length: 12 }, (_, i) => i);
    const im = new Float64Array(12);
    const want = fft(re, im);
    p.forward(re, im, re, im);
    for (let k = 0; k < 12; k++) expect(re[k]).toBeCloseTo(want.re[k]!, 12);
    expectCode(() => p.forward(new Float64Array(3), new Float64Array(3), re, im), ShapeError);
    expectCode(() => new FFTPlan(0), InvalidArgumentError);
    expectCode(() => new RealFFTPlan(1.5), InvalidArgumentError);
    expectCode(() => fft([1, 2], [1]), ShapeError);
  });
});

describe('windows, padCenter, frame', () => {
  it('hann periodic vs symmetric', () => {
    const p = hann(8);
    const s = hann(8, { periodic: false });
    for (let i = 0; i < 8; i++) {
      expect(p[i]).toBeCloseTo(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / 8), 15);
      expect(s[i]).toBeCloseTo(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / 7), 15);
    }
    expect(hamming(5, { periodic: false })[0]).toBeCloseTo(0.08, 15);
    expect(blackman(5, { periodic: false })[2]).toBeCloseTo(1, 15);
    expect(getWindow('boxcar', 3)).toEqual(new Float64Array([1, 1, 1]));
    expectCode(() => getWindow('kaiser' as never, 8), InvalidArgumentError);
    expectCode(() => hann(0), InvalidArgumentError);
  });
  it('padCenter and frame', () => {
    expect(Array.from(padCenter(new Float32Array([1, 2]), 5))).toEqual([0, 1, 2, 0, 0]);
    expectCode(() => padCenter(new Float32Array(4), 2), InvalidArgumentError);
    const y = Float32Array.from({ length: 10 }, (_, i) => i);
    const f = frame(y, { frameLength: 4, hopLength: 3 });
    expect(f.dims).toEqual([4, 3]);
    expect(f.toArray()).toEqual([
      [0, 3, 6],
      [1, 4, 7],
      [2, 5, 8],
      [3, 6, 9],
    ]);
    expectCode(() => frame(y, { frameLength: 11, hopLength: 1 }), InvalidArgumentError);
    expectCode(() => frame(y, { frameLength: 4, hopLength: 0 }), InvalidArgumentError);
  });
});

describe('stft / istft', () => {
  afterEach(() => setSpectralWasmEnabled(true));
  const y = noise(5000);
  it('shapes follow librosa', () => {
    expect(stft(y, { nFft: 512, hopLength: 128 }).re.dims).toEqual([257, 1 + Math.floor(5000 / 128)]);
    expect(stft(y, { nFft: 512, hopLength: 128, center: false }).re.dims).toEqual([
      257,
      1 + Math.floor((5000 - 512) / 128),
    ]);
    expect(stft(y, { nFft: 401, hopLength: 100 }).re.dims).toEqual([201, 1 + Math.floor(4999 / 100)]);
    expect(stft(y).re.dims).toEqual([1025, 1 + Math.floor(5000 / 512)]);
  });
  it('the WebAssembly and JavaScript paths give identical results', () => {
    if (!spectralWasmAvailable()) return;
    const a = stft(y, { nFft: 1024, hopLength: 256 });
    const m = melSpectrogram(y, { sampleRate: 16000, nFft: 1024, hopLength: 256, nMels: 40 });
    const m1 = melSpectrogram(y, { sampleRate: 16000, nFft: 512, hopLength: 100, nMels: 40, power: 1 });
    // > 2048 frames: several kernel blocks, odd frame count
    const long = noise(40_001, 9);
    const blocks = stft(long, { nFft: 64, hopLength: 16 });
    const blockMel = logMelSpectrogram(long, {
      sampleRate: 8000,
      nFft: 64,
      hopLength: 16,
      nMels: 8,
      padMode: 'reflect',
    });
    const sizes = [400, 360, 240, 1000, 96];
    const mixed = sizes.map((nFft) => stft(y, { nFft, hopLength: 97 }));
    setSpectralWasmEnabled(false);
    expect(blocks.re.dims).toEqual([33, 2501]);
    expect(stft(long, { nFft: 64, hopLength: 16 }).im.data).toEqual(blocks.im.data);
    expect(
      logMelSpectrogram(long, { sampleRate: 8000, nFft: 64, hopLength: 16, nMels: 8, padMode: 'reflect' })
        .data,
    ).toEqual(blockMel.data);
    sizes.forEach((nFft, i) => {
      const js = stft(y, { nFft, hopLength: 97 });
      expect(js.re.data).toEqual(mixed[i]!.re.data);
      expect(js.im.data).toEqual(mixed[i]!.im.data);
    });
    const b = stft(y, { nFft: 1024, hopLength: 256 });
    expect(b.re.data).toEqual(a.re.data);
    expect(b.im.data).toEqual(a.im.data);
    expect(melSpectrogram(y, { sampleRate: 16000, nFft: 1024, hopLength: 256, nMels: 40 }).data).toEqual(
      m.data,
    );
    expect(
      melSpectrogram(y, { sampleRate: 16000, nFft: 512, hopLength: 100, nMels: 40, power: 1 }).data,
    ).toEqual(m1.data);
  });
  it('float64 input (JavaScript path) gives the same STFT as the same float32 samples', () => {
    const a = stft(y, { nFft: 512, hopLength: 128 });
    const b = stft(Float64Array.from(y), { nFft: 512, hopLength: 128 });
    expect(b.re.data).toEqual(a.re.data);
    expect(b.im.data).toEqual(a.im.data);
  });
  it('winLength < nFft zero-pads the window in the centre', () => {
    const a = stft(y, { nFft: 512, winLength: 256, hopLength: 128 });
    const b = stft(y, { nFft: 512, hopLength: 128, window: padCenter(hann(256), 512) });
    expect(a.re.data).toEqual(b.re.data);
  });
  it('centred STFT of a signal shorter than nFft works; non-centred throws', () => {
    const s = noise(100);
    expect(stft(s, { nFft: 256, hopLength: 64 }).re.dims).toEqual([129, 2]);
    expect(stft(s, { nFft: 256, hopLength: 64, padMode: 'reflect' }).re.dims).toEqual([129, 2]);
    expectCode(() => stft(s, { nFft: 256, center: false }), InvalidArgumentError);
  });
  it('bad input throws typed errors', () => {
    expectCode(() => stft(new Float32Array(0)), InvalidArgumentError);
    expectCode(() => stft([1, 2, 3] as never), InvalidArgumentError);
    const bad = noise(3000);
    bad[17] = Number.NaN;
    expectCode(() => stft(bad), NonFiniteError);
    bad[17] = Number.POSITIVE_INFINITY;
    expectCode(() => spectrogram(bad), NonFiniteError);
    expectCode(() => stft(y, { hopLength: 0 }), InvalidArgumentError);
    expectCode(() => stft(y, { hopLength: -5 }), InvalidArgumentError);
    expectCode(() => stft(y, { nFft: 0 }), InvalidArgumentError);
    expectCode(() => stft(y, { nFft: 256, winLength: 512 }), InvalidArgumentError);
    expectCode(() => stft(y, { padMode: 'wrap' as never }), InvalidArgumentError);
    expectCode(() => stft(y, { nFft: 256, window: new Float64Array(100) }), InvalidArgumentError);
    expectCode(() => spectrogram(y, { power: 0 }), InvalidArgumentError);
  });
  it('istft inverts stft (center, length) and validates input', () => {
    const S = stft(y, { nFft: 1024, hopLength: 256 });
    const back = istft(S, { hopLength: 256, length: y.length });
    expect(back.length).toBe(y.length);
    let err = 0;
    for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(back[i]! - y[i]!));
    expect(err).toBeLessThan(1e-5);
    expect(istft(S, { hopLength: 256 }).length).toBe(256 * (S.re.dims[1]! - 1));
    expect(istft(S, { hopLength: 256, length: 7000 }).length).toBe(7000);
    expectCode(() => istft({ re: S.re, im: S.re.slice(0, 3) }), ShapeError);
    expectCode(() => istft(S, { nFft: 1000 }), ShapeError);
    expectCode(() => istft(S, { hopLength: 0 }), InvalidArgumentError);
  });
});

describe('mel', () => {
  it('scale conversions', () => {
    expect(hzToMel(1000)).toBeCloseTo(15, 12);
    expect(melToHz(15)).toBeCloseTo(1000, 9);
    expect(hzToMel(500)).toBeCloseTo(7.5, 12);
    expect(melToHz(hzToMel(3000, { htk: true }), { htk: true })).toBeCloseTo(3000, 9);
    expect(hzToMel(700, { htk: true })).toBeCloseTo(2595 * Math.log10(2), 9);
    const f = melFrequencies(5, 0, 8000);
    expect(f[0]).toBe(0);
    expect(f[4]).toBeCloseTo(8000, 6);
    expect(fftFrequencies(16000, 8)).toEqual(new Float64Array([0, 2000, 4000, 6000, 8000]));
  });
  it('filterbank shape, sparsity and checks', () => {
    const fb = melFilterbank({ sampleRate: 16000, nFft: 512, nMels: 40 });
    expect(fb.dims).toEqual([40, 257]);
    expectCode(() => melFilterbank({ sampleRate: 16000, fmax: 9000 }), InvalidArgumentError);
    expect(melFilterbank({ sampleRate: 16000, fmax: 9000, allowAboveNyquist: true }).dims).toEqual([
      128, 1025,
    ]);
    expectCode(() => melFilterbank({ sampleRate: 0 }), InvalidArgumentError);
    expectCode(() => melFilterbank({ sampleRate: -22050 }), InvalidArgumentError);
    expectCode(() => melFilterbank({} as never), InvalidArgumentError);
    expectCode(() => melFilterbank({ sampleRate: 16000, fmin: 5000, fmax: 4000 }), InvalidArgumentError);
    expectCode(() => melFilterbank({ sampleRate: 16000, nMels: 0 }), InvalidArgumentError);
    expectCode(() => melFilterbank({ sampleRate: 16000, norm: 3 as never }), InvalidArgumentError);
    const l1 = melFilterbank({ sampleRate: 16000, nFft: 512, nMels: 20, norm: 1 });
    let rowSum = 0;
    for (let k = 0; k < 257; k++) rowSum += l1.data[5 * 257 + k]!;
    expect(rowSum).toBeCloseTo(1, 5);
  });
  it('melSpectrogram of a sine peaks at the right band; melFromSpectrogram agrees', () => {
    const y = sine(1000, 16000, 16000);
    const M = melSpectrogram(y, { sampleRate: 16000, nFft: 512, hopLength: 160, nMels: 40 });
    const fb = melFrequencies(42, 0, 8000);
    let best = 0;
    for (let m = 0; m < 40; m++) if (M.data[m * M.dims[1]! + 50]! > M.data[best * M.dims[1]! + 50]!) best = m;
    expect(fb[best]! < 1000 && fb[best + 2]! > 1000).toBe(true);
    const P = spectrogram(y, { nFft: 512, hopLength: 160, power: 2 });
    const M2 = melFromSpectrogram(P, { sampleRate: 16000, nMels: 40 });
    let err = 0;
    let peak = 0;
    for (let i = 0; i < M.size; i++) {
      err = Math.max(err, Math.abs(M.data[i]! - M2.data[i]!));
      peak = Math.max(peak, M.data[i]!);
    }
    expect(err / peak).toBeLessThan(1e-5);
    expectCode(() => melSpectrogram(y, { sampleRate: 0 }), InvalidArgumentError);
    expectCode(() => melFromSpectrogram(P, { sampleRate: 16000, nFft: 1024 }), InvalidArgumentError);
  });
});

describe('dB conversions', () => {
  const P = Tensor.from('float32', [1, 10, 100, 1e-12, 0], [5]);
  it('powerToDb / amplitudeToDb / inverses', () => {
    expect(Array.from(powerToDb(P, { topDb: null }).data).map((v) => +v.toFixed(4))).toEqual([
      0, 10, 20, -100, -100,
    ]);
    expect(Array.from(powerToDb(P).data).map((v) => +v.toFixed(4))).toEqual([0, 10, 20, -60, -60]);
    expect(Array.from(powerToDb(P, { ref: 'max', topDb: null }).data)[2]).toBe(0);
    expect(powerToDb(P, { ref: (d) => d[1]!, topDb: null }).data[1]).toBe(0);
    expect(Array.from(amplitudeToDb(Tensor.from('float64', [1, 10, 0.1])).data)).toEqual([0, 20, -20]);
    const db = Tensor.from('float32', [0, 10, 20, -30]);
    expect(Array.from(dbToPower(db).data).map((v) => +v.toPrecision(6))).toEqual([1, 10, 100, 0.001]);
    expect(Array.from(dbToAmplitude(db).data).map((v) => +v.toPrecision(6))).toEqual([
      1, 3.16228, 10, 0.0316228,
    ]);
    expect(dbToPower(db, { ref: 2 }).data[0]).toBe(2);
  });
  it('rejects bad options and non-finite input', () => {
    expectCode(() => powerToDb(P, { amin: 0 }), InvalidArgumentError);
    expectCode(() => powerToDb(P, { topDb: -1 }), InvalidArgumentError);
    expectCode(() => powerToDb(P, { ref: Number.NaN }), InvalidArgumentError);
    expectCode(() => powerToDb(Tensor.from('float32', [1, Number.NaN])), NonFiniteError);
    expectCode(() => powerToDb(new Float32Array(3) as never), InvalidArgumentError);
    expectCode(() => dbToPower(P, { ref: Number.POSITIVE_INFINITY }), InvalidArgumentError);
  });
  it('logMelSpectrogram = powerToDb(melSpectrogram)', () => {
    const y = noise(8000);
    const a = logMelSpectrogram(y, { sampleRate: 16000, nFft: 400, hopLength: 160, nMels: 64, ref: 'max' });
    const b = powerToDb(melSpectrogram(y, { sampleRate: 16000, nFft: 400, hopLength: 160, nMels: 64 }), {
      ref: 'max',
    });
    expect(a.data).toEqual(b.data);
    for (const opts of [
      { topDb: null },
      { ref: (d: Float32Array | Float64Array) => d[0]! + 1, amin: 1e-6 },
      {},
    ]) {
      const o = { sampleRate: 16000, nFft: 512, hopLength: 128, nMels: 40, ...opts };
      const wasm = logMelSpectrogram(y.subarray(0, 4001), o);
      setSpectralWasmEnabled(false);
      const js = logMelSpectrogram(y.subarray(0, 4001), o);
      setSpectralWasmEnabled(true);
      expect(wasm.data).toEqual(js.data);
    }
    expectCode(() => logMelSpectrogram(y, { sampleRate: 16000, amin: 0 }), InvalidArgumentError);
    expectCode(() => logMelSpectrogram(y, { sampleRate: 16000, topDb: -3 }), InvalidArgumentError);
  });
});

describe('mfcc, delta, normalize', () => {
  it('mfcc shape, liftering and errors', () => {
    const y = noise(8000);
    const C = mfcc(y, { sampleRate: 16000, nFft: 400, hopLength: 160, nMfcc: 13 });
    expect(C.dims).toEqual([13, 51]);
    const S = Tensor.from(
      'float32',
      Array.from({ length: 40 * 3 }, (_, i) => Math.sin(i)),
      [40, 3],
    );
    const plain = mfccFromLogMel(S, { nMfcc: 10 });
    const lifted = mfccFromLogMel(S, { nMfcc: 10, lifter: 22 });
    for (let k = 0; k < 10; k++) {
      const f = 1 + 11 * Math.sin((Math.PI * (k + 1)) / 22);
      expect(lifted.data[k * 3]).toBeCloseTo(plain.data[k * 3]! * f, 4);
    }
    expectCode(() => mfccFromLogMel(S, { nMfcc: 41 }), InvalidArgumentError);
    expectCode(() => mfccFromLogMel(S, { dctType: 3 as never }), InvalidArgumentError);
    expectCode(() => mfccFromLogMel(S, { lifter: -1 }), InvalidArgumentError);
    expectCode(() => mfccFromLogMel(S, { dctNorm: 'forward' as never }), InvalidArgumentError);
  });
  it('delta of a ramp is its slope, of a parabola its curvature', () => {
    const n = 20;
    const ramp = Tensor.from(
      'float64',
      Array.from({ length: n }, (_, i) => 3 * i + 1),
      [1, n],
    );
    for (const v of delta(ramp).data) expect(v).toBeCloseTo(3, 10);
    const par = Tensor.from(
      'float64',
      Array.from({ length: n }, (_, i) => i * i),
      [1, n],
    );
    for (const v of delta(par, { order: 2 }).data) expect(v).toBeCloseTo(2, 9);
    expect(delta(ramp, { axis: 0, mode: 'nearest', width: 3 }).dims).toEqual([1, n]);
    expectCode(() => delta(ramp, { width: 4 }), InvalidArgumentError);
    expectCode(() => delta(ramp, { width: 21 }), InvalidArgumentError);
    expectCode(() => delta(ramp, { order: 0 }), InvalidArgumentError);
    expectCode(() => delta(ramp, { axis: 2 }), InvalidArgumentError);
    expectCode(() => delta(ramp, { mode: 'reflect' as never }), InvalidArgumentError);
  });
  it('normalize with every norm and fill', () => {
    const S = Tensor.from('float32', [3, 0, -4, 0], [2, 2]);
    expect(Array.from(normalize(S).data)).toEqual([0.75, 0, -1, 0]);
    expect(Array.from(normalize(S, { norm: 2 }).data).map((v) => +v.toFixed(6))).toEqual([0.6, 0, -0.8, 0]);
    expect(Array.from(normalize(S, { norm: 1, axis: 1 }).data)).toEqual([1, 0, -1, 0]);
    expect(Array.from(normalize(S, { norm: 0 }).data)).toEqual([1.5, 0, -2, 0]);
    expect(Array.from(normalize(S, { norm: Number.NEGATIVE_INFINITY }).data)).toEqual([
      1,
      0,
      Math.fround(-4 / 3),
      0,
    ]);
    expect(Array.from(normalize(S, { fill: true }).data)).toEqual([0.75, 1, -1, 1]);
    const filled = normalize(S, { norm: 2, fill: true }).data;
    expect(filled[0]).toBeCloseTo(0.6, 6);
    expect(filled[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(filled[3]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(Array.from(normalize(S, { fill: false }).data)).toEqual([0.75, 0, -1, 0]);
    expect(Array.from(normalize(S, { norm: null }).data)).toEqual([3, 0, -4, 0]);
    expect(normalize(new Float64Array([2, -4]))).toEqual(new Float64Array([0.5, -1]));
    expectCode(() => normalize(S, { norm: -2 }), InvalidArgumentError);
    expectCode(() => normalize(S, { axis: 3 }), InvalidArgumentError);
    expectCode(() => normalize(S, { threshold: 0 }), InvalidArgumentError);
    expectCode(() => normalize(S, { norm: 0, fill: true }), InvalidArgumentError);
    expectCode(() => normalize(new Float32Array([1, Number.NaN])), NonFiniteError);
    expectCode(() => normalize([1, 2] as never), InvalidArgumentError);
  });
});

describe('chroma and tuning', () => {
  it('an A440 tone lights up chroma A; tuning of a sharp tone is positive', () => {
    const y = sine(440, 22050, 22050);
    const C = chromaStft(y, { sampleRate: 22050, tuning: 0 });
    const t = 20;
    let best = 0;
    for (let c = 0; c < 12; c++) if (C.data[c * C.dims[1]! + t]! > C.data[best * C.dims[1]! + t]!) best = c;
    expect(best).toBe(9);
    const sharp = sine(440 * 2 ** (0.2 / 12), 22050, 22050);
    const tun = estimateTuning(spectrogram(sharp, { power: 2 }), { sampleRate: 22050 });
    expect(tun).toBeGreaterThan(0.1);
    expect(tun).toBeLessThan(0.3);
    expect(pitchTuning([440, 880, 220])).toBeCloseTo(0, 10);
    expect(pitchTuning([])).toBe(0);
    expect(chromaFilterbank({ sampleRate: 22050 }).dims).toEqual([12, 1025]);
    const pp = piptrack(spectrogram(y), { sampleRate: 22050 });
    expect(pp.pitches.dims).toEqual([1025, 44]);
    expectCode(() => chromaFilterbank({ sampleRate: 22050, tuning: Number.NaN }), InvalidArgumentError);
    expectCode(() => pitchTuning([440], { resolution: 2 }), InvalidArgumentError);
    expectCode(() => chromaStft(y, { sampleRate: -1 }), InvalidArgumentError);
  });
});

describe('spectral features', () => {
  const sr = 22050;
  const y = sine(2000, sr, sr);
  it('a pure tone has centroid ≈ its frequency, small bandwidth, rolloff nearby, low flatness', () => {
    const c = spectralCentroid(y, { sampleRate: sr }).data;
    expect(Math.abs(c[20]! - 2000)).toBeLessThan(30);
    expect(spectralBandwidth(y, { sampleRate: sr }).data[20]).toBeLessThan(200);
    expect(Math.abs(spectralRolloff(y, { sampleRate: sr }).data[20]! - 2000)).toBeLessThan(50);
    expect(spectralFlatness(y).data[20]).toBeLessThan(0.01);
    expect(spectralFlatness(noise(sr)).data[20]).toBeGreaterThan(0.3);
    expect(spectralContrast(y, { sampleRate: sr }).dims).toEqual([7, 44]);
    // Spectrogram input skips the STFT
    const S = spectrogram(y);
    expect(spectralCentroid(S, { sampleRate: sr }).data).toEqual(c);
  });
  it('zero-crossing rate and frame RMS of simple signals', () => {
    const z = zeroCrossingRate(y).data;
    expect(z[20]).toBeCloseTo((2 * 2000) / sr, 2);
    const ones = new Float32Array(8192).fill(0.5);
    const r = frameRms(ones, { frameLength: 1024, hopLength: 256 }).data;
    expect(r[10]).toBeCloseTo(0.5, 6);
    expect(r[0]).toBeCloseTo(0.5 * Math.sqrt(0.5), 3);
    expect(frameRms(ones, { frameLength: 1024, hopLength: 256, padMode: 'reflect' }).data[0]).toBeCloseTo(
      0.5,
      6,
    );
    expect(frameRms(ones, { frameLength: 1024, hopLength: 256, center: false }).dims).toEqual([1, 29]);
  });
  it('bad input', () => {
    expectCode(() => spectralCentroid(y, { sampleRate: 0 }), InvalidArgumentError);
    expectCode(() => spectralRolloff(y, { sampleRate: sr, rollPercent: 1 }), InvalidArgumentError);
    expectCode(() => spectralContrast(y, { sampleRate: sr, fmin: 2000 }), InvalidArgumentError);
    expectCode(() => spectralContrast(y, { sampleRate: sr, quantile: 0 }), InvalidArgumentError);
    expectCode(
      () => spectralCentroid(Tensor.from('float32', [-1, 1], [2, 1]), { sampleRate: sr }),
      InvalidArgumentError,
    );
    expectCode(() => zeroCrossingRate(new Float32Array(0)), InvalidArgumentError);
    expectCode(
      () => zeroCrossingRate(new Float32Array(10), { frameLength: 100, center: false }),
      InvalidArgumentError,
    );
    expectCode(() => frameRms(new Float32Array([Number.NaN])), NonFiniteError);
    expectCode(() => frameRms(y, { hopLength: 0 }), InvalidArgumentError);
    expectCode(() => frameRms(y, { padMode: 'wrap' as never }), InvalidArgumentError);
  });
});
