/**
 * Table-driven bad-input test over every function and class exported by `@instr/dsp` and
 * `@instr/dsp/node`: empty or too-short signals, NaN/±∞ samples, n_fft longer than the signal
 * (center false), zero/negative/non-finite sample rates and fmax above Nyquist must throw the typed
 * `@instr/core` error named in the table — never return NaN. A test also checks that the table covers
 * every export, so a new public function cannot skip it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AudioDecodeError,
  type FeatureSpec,
  InstrError,
  InvalidArgumentError,
  InvalidAudioError,
  IOError,
  NonFiniteError,
  ShapeError,
  Tensor,
  UnsupportedFormatError,
} from '@instr/core';
import { afterAll, describe, expect, it } from 'vitest';
import * as dsp from '../src/index.js';
import * as dspNode from '../src/node/index.js';

type ErrorClass = abstract new (...args: never[]) => InstrError;
/** `EMPTY` marks inputs with no data that give an empty result (no NaN) instead of an error, as in librosa. */
const EMPTY = 'empty result' as const;
type Expected = ErrorClass | readonly (ErrorClass | typeof EMPTY)[] | typeof EMPTY;
type Case = [label: string, run: () => unknown, error: Expected];

const SR = 22050;
const N = 4096;
const good = Float32Array.from({ length: N }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / SR));
const empty = new Float32Array(0);
const tiny = new Float32Array(3).fill(0.1);
const withNaN = good.slice();
withNaN[100] = Number.NaN;
const withInf = good.slice();
withInf[200] = Number.POSITIVE_INFINITY;
const withNegInf = good.slice();
withNegInf[300] = Number.NEGATIVE_INFINITY;
const audio = (ch: Float32Array, sampleRate = SR) => ({ sampleRate, channels: [ch] });
const S = dsp.spectrogram(good, { nFft: 2048, hopLength: 512 }); // [1025, 9] power
const tensorWith = (t: Tensor<'float32'>, v: number) => {
  const c = new Tensor('float32', t.data.slice(), t.dims);
  c.data[5] = v;
  return c;
};
const Snan = tensorWith(S, Number.NaN);
const Sinf = tensorWith(S, Number.POSITIVE_INFINITY);
const Sempty = Tensor.zeros('float32', [1025, 0]);
const spec: FeatureSpec = {
  type: 'logmel',
  nFft: 2048,
  hopLength: 512,
  nMels: 64,
  fmin: 0,
  fmax: null,
  htk: false,
  melNorm: 'slaney',
  center: true,
  padMode: 'constant',
  power: 2,
  db: { ref: 1, amin: 1e-10, topDb: 80 },
};
const meta = { features: spec, sampleRate: SR, normalization: { mean: 0, std: 1 } };
const windowMeta = { ...meta, window: { seconds: 0.1, hopSeconds: 0.05, padding: 'repeat' as const } };

const IA = InvalidArgumentError;
const NF = NonFiniteError;
/** Empty input: an argument error or an audio error (the signal utilities call an empty signal bad audio). */
const EMPTY_ERR = [IA, InvalidAudioError] as const;
/** Too short or wrongly shaped: an argument error or a shape error. */
const SHAPE_ERR = [IA, ShapeError] as const;
/** An Audio with a bad sample rate fails assertAudio (InvalidAudioError) or an argument check. */
const RATE_ERR = [IA, InvalidAudioError] as const;

/** Bad signals for a function `f(y)` whose other arguments are fixed. */
function signalCases(
  f: (y: Float32Array) => unknown,
  opts: { emptyError?: Expected; tiny?: boolean } = {},
): Case[] {
  const cases: Case[] = [
    ['empty signal', () => f(empty), opts.emptyError ?? EMPTY_ERR],
    ['NaN sample', () => f(withNaN), NF],
    ['+Inf sample', () => f(withInf), NF],
    ['−Inf sample', () => f(withNegInf), NF],
  ];
  if (opts.tiny) cases.push(['3-sample signal', () => f(tiny), SHAPE_ERR]);
  return cases;
}

/** Bad sample rates for `f(sampleRate)`. */
function rateCases(f: (sr: number) => unknown): Case[] {
  return [
    ['sample rate 0', () => f(0), IA],
    ['sample rate −22050', () => f(-SR), IA],
    ['sample rate NaN', () => f(Number.NaN), IA],
    ['sample rate +Inf', () => f(Number.POSITIVE_INFINITY), IA],
  ];
}

/** STFT-type options: n_fft longer than the signal without centring, and bad n_fft / hop. */
function stftCases(f: (y: Float32Array, o: Record<string, unknown>) => unknown): Case[] {
  return [
    ['nFft > length with center: false', () => f(good.subarray(0, 1000), { nFft: 2048, center: false }), IA],
    ['nFft 0', () => f(good, { nFft: 0 }), IA],
    ['hopLength 0', () => f(good, { hopLength: 0 }), IA],
    ['hopLength −1', () => f(good, { hopLength: -1 }), IA],
  ];
}

/** Bad spectrogram tensors for a function `f(S)`. */
function spectrogramCases(f: (S: Tensor<'float32'>) => unknown): Case[] {
  return [
    ['NaN in spectrogram', () => f(Snan), NF],
    ['Inf in spectrogram', () => f(Sinf), NF],
    ['spectrogram with 0 frames', () => f(Sempty), [IA, ShapeError, EMPTY]],
    ['1-D tensor as spectrogram', () => f(new Tensor('float32', new Float32Array(8), [8])), SHAPE_ERR],
  ];
}

const fmaxCase = (f: (fmax: number) => unknown): Case => ['fmax above Nyquist', () => f(SR), IA];

const dir = mkdtempSync(join(tmpdir(), 'instr-bad-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const junk = join(dir, 'junk.bin');
writeFileSync(junk, new Uint8Array(64).fill(7));
const emptyFile = join(dir, 'empty.wav');
writeFileSync(emptyFile, new Uint8Array(0));

const TABLE: Record<string, Case[]> = {
  // ---- FFT, windows, framing
  fft: [
    ['empty input', () => dsp.fft(empty), IA],
    ['NaN input', () => dsp.fft(withNaN), NF],
    ['n 0', () => dsp.fft(good, undefined, 0), IA],
  ],
  ifft: [
    ['empty input', () => dsp.ifft(empty, empty), IA],
    ['NaN input', () => dsp.ifft(withNaN, good), NF],
    ['re/im lengths differ', () => dsp.ifft(good, tiny), SHAPE_ERR],
  ],
  rfft: [
    ['empty input', () => dsp.rfft(empty), IA],
    ['Inf input', () => dsp.rfft(withInf), NF],
    ['n −4', () => dsp.rfft(good, -4), IA],
  ],
  irfft: [
    ['empty input', () => dsp.irfft(new Float64Array(0), new Float64Array(0)), IA],
    ['NaN input', () => dsp.irfft(Float64Array.from([1, 2, Number.NaN, 4]), new Float64Array(4)), NF],
  ],
  getFFTPlan: [
    ['n 0', () => dsp.getFFTPlan(0), IA],
    ['n 2.5', () => dsp.getFFTPlan(2.5), IA],
  ],
  getRealFFTPlan: [
    ['n 0', () => dsp.getRealFFTPlan(0), IA],
    ['n −8', () => dsp.getRealFFTPlan(-8), IA],
  ],
  FFTPlan: [['n 0', () => new dsp.FFTPlan(0), IA]],
  RealFFTPlan: [['n 0', () => new dsp.RealFFTPlan(0), IA]],
  getWindow: [
    ['length 0', () => dsp.getWindow('hann', 0), IA],
    ['length NaN', () => dsp.getWindow('hann', Number.NaN), IA],
    ['unknown name', () => dsp.getWindow('kaiser' as 'hann', 16), IA],
  ],
  hann: [['length −1', () => dsp.hann(-1), IA]],
  hamming: [['length 0', () => dsp.hamming(0), IA]],
  blackman: [['length 1.5', () => dsp.blackman(1.5), IA]],
  padCenter: [
    ['size < length', () => dsp.padCenter(good, 10), IA],
    ['NaN size', () => dsp.padCenter(good, Number.NaN), IA],
  ],
  frame: [
    ...signalCases((y) => dsp.frame(y, { frameLength: 16, hopLength: 4 })),
    ['frameLength > length', () => dsp.frame(tiny, { frameLength: 16, hopLength: 4 }), IA],
    ['hopLength 0', () => dsp.frame(good, { frameLength: 16, hopLength: 0 }), IA],
  ],
  // ---- STFT
  stft: [...signalCases((y) => dsp.stft(y)), ...stftCases((y, o) => dsp.stft(y, o))],
  spectrogram: [
    ...signalCases((y) => dsp.spectrogram(y)),
    ...stftCases((y, o) => dsp.spectrogram(y, o)),
    ['power 0', () => dsp.spectrogram(good, { power: 0 }), IA],
  ],
  istft: [
    ['NaN in spectrum', () => dsp.istft({ re: Snan, im: S }), NF],
    ['re/im shapes differ', () => dsp.istft({ re: S, im: Tensor.zeros('float32', [1025, 2]) }), SHAPE_ERR],
    ['hopLength 0', () => dsp.istft(dsp.stft(good), { hopLength: 0 }), IA],
    ['negative length', () => dsp.istft(dsp.stft(good), { length: -5 }), IA],
  ],
  // ---- mel
  hzToMel: [['NaN Hz', () => dsp.hzToMel(Number.NaN), IA]],
  melToHz: [['Inf mel', () => dsp.melToHz(Number.POSITIVE_INFINITY), IA]],
  melFrequencies: [
    ['nMels 0', () => dsp.melFrequencies(0), IA],
    ['fmin NaN', () => dsp.melFrequencies(10, Number.NaN, 100), IA],
    ['fmax Inf', () => dsp.melFrequencies(10, 0, Number.POSITIVE_INFINITY), IA],
  ],
  fftFrequencies: [
    ...rateCases((sr) => dsp.fftFrequencies(sr, 2048)),
    ['nFft 0', () => dsp.fftFrequencies(SR, 0), IA],
  ],
  melFilterbank: [
    ...rateCases((sr) => dsp.melFilterbank({ sampleRate: sr })),
    fmaxCase((fmax) => dsp.melFilterbank({ sampleRate: SR, fmax })),
    ['nMels 0', () => dsp.melFilterbank({ sampleRate: SR, nMels: 0 }), IA],
    ['fmin < 0', () => dsp.melFilterbank({ sampleRate: SR, fmin: -1 }), IA],
  ],
  melSpectrogram: [
    ...signalCases((y) => dsp.melSpectrogram(y, { sampleRate: SR })),
    ...rateCases((sr) => dsp.melSpectrogram(good, { sampleRate: sr })),
    ...stftCases((y, o) => dsp.melSpectrogram(y, { sampleRate: SR, ...o })),
    fmaxCase((fmax) => dsp.melSpectrogram(good, { sampleRate: SR, fmax })),
  ],
  melFromSpectrogram: [
    ...spectrogramCases((s) => dsp.melFromSpectrogram(s, { sampleRate: SR })),
    ...rateCases((sr) => dsp.melFromSpectrogram(S, { sampleRate: sr })),
    fmaxCase((fmax) => dsp.melFromSpectrogram(S, { sampleRate: SR, fmax })),
  ],
  logMelSpectrogram: [
    ...signalCases((y) => dsp.logMelSpectrogram(y, { sampleRate: SR })),
    ...rateCases((sr) => dsp.logMelSpectrogram(good, { sampleRate: sr })),
    ...stftCases((y, o) => dsp.logMelSpectrogram(y, { sampleRate: SR, ...o })),
    fmaxCase((fmax) => dsp.logMelSpectrogram(good, { sampleRate: SR, fmax })),
    ['amin 0', () => dsp.logMelSpectrogram(good, { sampleRate: SR, amin: 0 }), IA],
  ],
  // ---- dB
  powerToDb: [
    ...spectrogramCases((s) => dsp.powerToDb(s)).filter(
      ([l]) => !l.includes('0 frames') && !l.includes('1-D'),
    ),
    ['amin 0', () => dsp.powerToDb(S, { amin: 0 }), IA],
    ['ref NaN', () => dsp.powerToDb(S, { ref: Number.NaN }), IA],
    ['topDb −1', () => dsp.powerToDb(S, { topDb: -1 }), IA],
  ],
  amplitudeToDb: [
    ['NaN', () => dsp.amplitudeToDb(Snan), NF],
    ['amin −1', () => dsp.amplitudeToDb(S, { amin: -1 }), IA],
  ],
  dbToPower: [['NaN dB', () => dsp.dbToPower(Snan), NF]],
  dbToAmplitude: [['Inf dB', () => dsp.dbToAmplitude(Sinf), NF]],
  // ---- cepstra, normalisation
  mfcc: [
    ...signalCases((y) => dsp.mfcc(y, { sampleRate: SR })),
    ...rateCases((sr) => dsp.mfcc(good, { sampleRate: sr })),
    ...stftCases((y, o) => dsp.mfcc(y, { sampleRate: SR, ...o })),
    fmaxCase((fmax) => dsp.mfcc(good, { sampleRate: SR, fmax })),
    ['nMfcc 0', () => dsp.mfcc(good, { sampleRate: SR, nMfcc: 0 }), IA],
  ],
  mfccFromLogMel: [
    ...spectrogramCases((s) => dsp.mfccFromLogMel(s)),
    ['nMfcc > nMels', () => dsp.mfccFromLogMel(Tensor.zeros('float32', [20, 5]), { nMfcc: 40 }), IA],
  ],
  delta: [
    ...spectrogramCases((s) => dsp.delta(s)),
    ['width even', () => dsp.delta(S, { width: 4 }), IA],
    ['width > frames (interp)', () => dsp.delta(S, { width: 11 }), IA],
    ['order 0', () => dsp.delta(S, { order: 0 }), IA],
  ],
  normalize: [
    ['NaN', () => dsp.normalize(withNaN), NF],
    ['empty', () => dsp.normalize(empty), EMPTY],
    ['threshold 0', () => dsp.normalize(good, { threshold: 0 }), IA],
  ],
  // ---- chroma, pitch
  chromaFilterbank: [
    ...rateCases((sr) => dsp.chromaFilterbank({ sampleRate: sr })),
    ['nChroma 0', () => dsp.chromaFilterbank({ sampleRate: SR, nChroma: 0 }), IA],
  ],
  chromaStft: [
    ...signalCases((y) => dsp.chromaStft(y, { sampleRate: SR })),
    ...rateCases((sr) => dsp.chromaStft(good, { sampleRate: sr })),
    ...stftCases((y, o) => dsp.chromaStft(y, { sampleRate: SR, ...o })),
    ...spectrogramCases((s) => dsp.chromaStft(s, { sampleRate: SR })),
  ],
  piptrack: [
    ...spectrogramCases((s) => dsp.piptrack(s, { sampleRate: SR })),
    ...rateCases((sr) => dsp.piptrack(S, { sampleRate: sr })),
    // fmax is piptrack's search bound: above Nyquist it covers every bin, as in librosa (no error).
  ],
  pitchTuning: [
    ['NaN frequency', () => dsp.pitchTuning([440, Number.NaN]), NF],
    ['resolution 0', () => dsp.pitchTuning([440], { resolution: 0 }), IA],
  ],
  estimateTuning: [
    // A spectrogram with no frames has no pitches: tuning 0, as librosa.
    ...spectrogramCases((s) => dsp.estimateTuning(s, { sampleRate: SR })).filter(
      ([l]) => !l.includes('0 frames'),
    ),
    ...rateCases((sr) => dsp.estimateTuning(S, { sampleRate: sr })),
  ],
  // ---- per-frame spectral features
  spectralCentroid: [
    ...signalCases((y) => dsp.spectralCentroid(y, { sampleRate: SR })),
    ...rateCases((sr) => dsp.spectralCentroid(good, { sampleRate: sr })),
    ...stftCases((y, o) => dsp.spectralCentroid(y, { sampleRate: SR, ...o })),
    ...spectrogramCases((s) => dsp.spectralCentroid(s, { sampleRate: SR })),
  ],
  spectralBandwidth: [
    ...signalCases((y) => dsp.spectralBandwidth(y, { sampleRate: SR })),
    ...rateCases((sr) => dsp.spectralBandwidth(good, { sampleRate: sr })),
    ...stftCases((y, o) => dsp.spectralBandwidth(y, { sampleRate: SR, ...o })),
    ...spectrogramCases((s) => dsp.spectralBandwidth(s, { sampleRate: SR })),
  ],
  spectralRolloff: [
    ...signalCases((y) => dsp.spectralRolloff(y, { sampleRate: SR })),
    ...rateCases((sr) => dsp.spectralRolloff(good, { sampleRate: sr })),
    ...stftCases((y, o) => dsp.spectralRolloff(y, { sampleRate: SR, ...o })),
    ['rollPercent 1.5', () => dsp.spectralRolloff(good, { sampleRate: SR, rollPercent: 1.5 }), IA],
  ],
  spectralFlatness: [
    ...signalCases((y) => dsp.spectralFlatness(y)),
    ...stftCases((y, o) => dsp.spectralFlatness(y, o)),
    ...spectrogramCases((s) => dsp.spectralFlatness(s)),
  ],
  spectralContrast: [
    ...signalCases((y) => dsp.spectralContrast(y, { sampleRate: SR })),
    ...rateCases((sr) => dsp.spectralContrast(good, { sampleRate: sr })),
    ...stftCases((y, o) => dsp.spectralContrast(y, { sampleRate: SR, ...o })),
    [
      'top band above Nyquist',
      () => dsp.spectralContrast(good, { sampleRate: 8000, fmin: 400, nBands: 6 }),
      IA,
    ],
  ],
  zeroCrossingRate: [
    ...signalCases((y) => dsp.zeroCrossingRate(y)),
    ['frameLength 0', () => dsp.zeroCrossingRate(good, { frameLength: 0 }), IA],
    ['frameLength > length, center false', () => dsp.zeroCrossingRate(tiny, { center: false }), IA],
  ],
  frameRms: [
    ...signalCases((y) => dsp.frameRms(y)),
    ['hopLength 0', () => dsp.frameRms(good, { hopLength: 0 }), IA],
    ['frameLength > length, center false', () => dsp.frameRms(tiny, { center: false }), IA],
  ],
  // ---- classical features, entropies, scalogram
  classicalFeatures: [...signalCases((y) => dsp.classicalFeatures(y), { tiny: true })],
  permutationEntropy: [
    ...signalCases((y) => dsp.permutationEntropy(y), { tiny: false }),
    ['order 1', () => dsp.permutationEntropy(good, { order: 1 }), IA],
    ['signal shorter than order·delay', () => dsp.permutationEntropy(new Float32Array(2)), SHAPE_ERR],
  ],
  svdEntropy: [
    ...signalCases((y) => dsp.svdEntropy(y)),
    ['delay 0', () => dsp.svdEntropy(good, { delay: 0 }), IA],
    ['signal shorter than order', () => dsp.svdEntropy(new Float32Array(2)), SHAPE_ERR],
  ],
  welchPsd: [...signalCases((y) => dsp.welchPsd(y, SR)), ...rateCases((sr) => dsp.welchPsd(good, sr))],
  spectralEntropy: [
    ...signalCases((y) => dsp.spectralEntropy(y, SR)),
    ...rateCases((sr) => dsp.spectralEntropy(good, sr)),
  ],
  hjorthParameters: [
    ...signalCases((y) => dsp.hjorthParameters(y)),
    ['2-sample signal', () => dsp.hjorthParameters(new Float32Array(2)), SHAPE_ERR],
  ],
  waveletScales: [['nScales 0', () => dsp.waveletScales({ nScales: 0 }), IA]],
  waveletFilters: [['kernelSize 0', () => dsp.waveletFilters({ kernelSize: 0 }), IA]],
  scalogram: [
    ...signalCases((y) => dsp.scalogram(y)),
    ['shorter than the kernel (uncentred)', () => dsp.scalogram(good.subarray(0, 1000)), SHAPE_ERR],
    ['stride 0', () => dsp.scalogram(good, { stride: 0 }), IA],
  ],
  melChromaScalogram: [
    ...signalCases((y) => dsp.melChromaScalogram(y)),
    ...rateCases((sr) => dsp.melChromaScalogram(good, { sampleRate: sr })),
  ],
  // ---- HPSS, onsets, rhythm
  medianFilter: [
    ['NaN', () => dsp.medianFilter(Snan, { axis: 1, size: 3 }), NF],
    ['size 0', () => dsp.medianFilter(S, { axis: 1, size: 0 }), IA],
  ],
  softMask: [
    ['NaN', () => dsp.softMask(Snan, S), NF],
    ['shapes differ', () => dsp.softMask(S, Tensor.zeros('float32', [3, 3])), SHAPE_ERR],
    ['power 0', () => dsp.softMask(S, S, { power: 0 }), IA],
  ],
  hpss: [...spectrogramCases((s) => dsp.hpss(s)), ['margin < 1', () => dsp.hpss(S, { margin: 0.5 }), IA]],
  harmonicPercussive: [
    ...signalCases((y) => dsp.harmonicPercussive(y)),
    ...stftCases((y, o) => dsp.harmonicPercussive(y, o)),
  ],
  onsetStrength: [
    ...signalCases((y) => dsp.onsetStrength(y, SR)),
    ...rateCases((sr) => dsp.onsetStrength(good, sr)),
  ],
  onsetStrengthFromSpectrogram: [...spectrogramCases((s) => dsp.onsetStrengthFromSpectrogram(s))],
  onsetDetect: [
    ...signalCases((y) => dsp.onsetDetect(y, SR)),
    ...rateCases((sr) => dsp.onsetDetect(good, sr)),
  ],
  onsetDetectFromEnvelope: [
    ...signalCases((e) => dsp.onsetDetectFromEnvelope(e, SR)),
    ...rateCases((sr) => dsp.onsetDetectFromEnvelope(good, sr)),
  ],
  peakPick: [
    ...signalCases((x) =>
      dsp.peakPick(x, { preMax: 1, postMax: 1, preAvg: 1, postAvg: 1, delta: 0, wait: 0 }),
    ),
    [
      'postMax 0',
      () => dsp.peakPick(good, { preMax: 1, postMax: 0, preAvg: 1, postAvg: 1, delta: 0, wait: 0 }),
      IA,
    ],
  ],
  onsetBacktrack: [
    ['NaN energy', () => dsp.onsetBacktrack([1, 2], withNaN), NF],
    ['event out of range', () => dsp.onsetBacktrack([N + 10], good), IA],
  ],
  tempogram: [
    ...signalCases((e) => dsp.tempogram(e)),
    ['winLength 0', () => dsp.tempogram(good, { winLength: 0 }), IA],
  ],
  tempoFrequencies: [
    ...rateCases((sr) => dsp.tempoFrequencies(384, sr)),
    ['nBins 0', () => dsp.tempoFrequencies(0, SR), IA],
  ],
  tempoFromEnvelope: [
    ...signalCases((e) => dsp.tempoFromEnvelope(e, SR)),
    ...rateCases((sr) => dsp.tempoFromEnvelope(good, sr)),
  ],
  tempo: [...signalCases((y) => dsp.tempo(y, SR)), ...rateCases((sr) => dsp.tempo(good, sr))],
  beatTrackFromEnvelope: [
    ...signalCases((e) => dsp.beatTrackFromEnvelope(e, SR)),
    ...rateCases((sr) => dsp.beatTrackFromEnvelope(good, sr)),
  ],
  beatTrack: [...signalCases((y) => dsp.beatTrack(y, SR)), ...rateCases((sr) => dsp.beatTrack(good, sr))],
  // ---- resampling
  resample: [
    ...signalCases((y) => dsp.resample(y, 44100, 16000)),
    ...rateCases((sr) => dsp.resample(good, sr, 16000)),
    ...rateCases((sr) => dsp.resample(good, 44100, sr)),
    ['ratio > 256', () => dsp.resample(good, 1_000_000, 1000), IA],
  ],
  resampleAudio: [
    ['NaN sample', () => dsp.resampleAudio(audio(withNaN), 16000), NF],
    ...rateCases((sr) => dsp.resampleAudio(audio(good), sr)),
    ['audio at rate 0', () => dsp.resampleAudio(audio(good, 0), 16000), RATE_ERR],
  ],
  Resampler: [
    ...rateCases((sr) => new dsp.Resampler(sr, 16000)),
    ...rateCases((sr) => new dsp.Resampler(44100, sr)),
    ['NaN chunk', () => new dsp.Resampler(44100, 16000).process(withNaN), NF],
  ],
  // ---- loudness
  peakLevel: [
    ['NaN sample', () => dsp.peakLevel(withNaN), NF],
    ['empty', () => dsp.peakLevel(empty), EMPTY_ERR],
  ],
  rmsLevel: [
    ['Inf sample', () => dsp.rmsLevel(withInf), NF],
    ['empty', () => dsp.rmsLevel(empty), EMPTY_ERR],
  ],
  kWeightingCoefficients: rateCases((sr) => dsp.kWeightingCoefficients(sr)),
  integratedLoudness: [
    ['NaN sample', () => dsp.integratedLoudness(audio(withNaN)), NF],
    ['empty audio', () => dsp.integratedLoudness(audio(empty)), EMPTY_ERR],
    ['audio at rate 0', () => dsp.integratedLoudness(audio(good, 0)), RATE_ERR],
  ],
  normalizePeak: [
    ['NaN sample', () => dsp.normalizePeak(withNaN), NF],
    ['empty', () => dsp.normalizePeak(empty), EMPTY_ERR],
  ],
  normalizeRms: [
    ['NaN sample', () => dsp.normalizeRms(withNaN, -20), NF],
    ['silence', () => dsp.normalizeRms(new Float32Array(100), -20), InvalidAudioError],
    ['NaN target', () => dsp.normalizeRms(good, Number.NaN), IA],
  ],
  normalizeLoudness: [
    ['NaN sample', () => dsp.normalizeLoudness(audio(withNaN), -14), NF],
    ['silence', () => dsp.normalizeLoudness(audio(new Float32Array(SR)), -14), InvalidAudioError],
    ['Inf target', () => dsp.normalizeLoudness(audio(good), Number.POSITIVE_INFINITY), IA],
  ],
  // ---- windows, streaming
  windowAudio: [
    ['empty signal (documented: no windows)', () => dsp.windowAudio(empty, { length: 16 }), EMPTY],
    ['NaN sample', () => dsp.windowAudio(withNaN, { length: 16 }), NF],
    ['length 0', () => dsp.windowAudio(good, { length: 0 }), IA],
    ['overlap 1', () => dsp.windowAudio(good, { length: 16, overlap: 1 }), IA],
  ],
  windowAudioBatch: [
    ['no files (no windows)', () => dsp.windowAudioBatch([], { length: 16 }), EMPTY],
    ['NaN sample', () => dsp.windowAudioBatch([good, withNaN], { length: 16 }), NF],
  ],
  chunkSpectrogram: [
    ['NaN', () => dsp.chunkSpectrogram(Snan, { length: 4 }), NF],
    ['length 0', () => dsp.chunkSpectrogram(S, { length: 0 }), IA],
    [
      '1-D tensor',
      () => dsp.chunkSpectrogram(new Tensor('float32', new Float32Array(8), [8]), { length: 4 }),
      SHAPE_ERR,
    ],
  ],
  StreamingWindower: [
    ['length 0', () => new dsp.StreamingWindower({ length: 0 }), IA],
    ['NaN chunk', () => new dsp.StreamingWindower({ length: 16 }).push(withNaN), NF],
  ],
  StreamingLogMel: [
    ...rateCases((sr) => new dsp.StreamingLogMel({ sampleRate: sr })),
    fmaxCase((fmax) => new dsp.StreamingLogMel({ sampleRate: SR, fmax })),
    ['NaN chunk', () => new dsp.StreamingLogMel({ sampleRate: SR }).push(withNaN), NF],
    ['topDb 80', () => new dsp.StreamingLogMel({ sampleRate: SR, topDb: 80 as never }), IA],
  ],
  // ---- model input
  featureSpecOptions: [...rateCases((sr) => dsp.featureSpecOptions(spec, sr))],
  featureFrames: [
    ['negative samples', () => dsp.featureFrames(-1, spec), IA],
    ['fewer samples than nFft, center false', () => dsp.featureFrames(100, { ...spec, center: false }), IA],
  ],
  modelInput: [
    ...signalCases((y) => dsp.modelInput(y, meta)),
    ['std 0', () => dsp.modelInput(good, { ...meta, normalization: { mean: 0, std: 0 } }), IA],
    ['sampleRate 0', () => dsp.modelInput(good, { ...meta, sampleRate: 0 }), IA],
  ],
  modelInputBatch: [
    ['1-D windows', () => dsp.modelInputBatch(new Tensor('float32', good, [N]), meta), IA],
    ['NaN sample', () => dsp.modelInputBatch(new Tensor('float32', withNaN, [1, N]), meta), NF],
    [
      'std NaN',
      () =>
        dsp.modelInputBatch(new Tensor('float32', good, [1, N]), {
          ...meta,
          normalization: { mean: 0, std: Number.NaN },
        }),
      IA,
    ],
  ],
  modelInputWindows: [
    ...signalCases((y) => dsp.modelInputWindows(y, SR, windowMeta), { emptyError: EMPTY }),
    ...rateCases((sr) => dsp.modelInputWindows(good, sr, windowMeta)),
    ['window 0 s', () => dsp.modelInputWindows(good, SR, windowMeta, { window: { seconds: 0 } }), IA],
    [
      'hop NaN',
      () => dsp.modelInputWindows(good, SR, windowMeta, { window: { hopSeconds: Number.NaN } }),
      IA,
    ],
    [
      'std 0',
      () => dsp.modelInputWindows(good, SR, { ...windowMeta, normalization: { mean: 0, std: 0 } }),
      IA,
    ],
  ],
  // ---- audio I/O (bytes)
  decodeAudio: [
    ['empty bytes', () => dsp.decodeAudio(new Uint8Array(0)), AudioDecodeError],
    ['unknown bytes', () => dsp.decodeAudio(new Uint8Array(64).fill(7)), UnsupportedFormatError],
    ['sampleRate 0 option', () => dsp.decodeAudio(dsp.encodeWav(audio(good)), { sampleRate: 0 }), IA],
    ['offset −1', () => dsp.decodeAudio(dsp.encodeWav(audio(good)), { offset: -1 }), IA],
    ['NaN float samples', () => dsp.decodeAudio(floatWavWithNaN()), NF],
  ],
  decodeAudioStream: [
    [
      'unknown bytes',
      () => collect(dsp.decodeAudioStream(chunks(new Uint8Array(64).fill(7)))),
      UnsupportedFormatError,
    ],
    [
      'chunkSeconds 0',
      () => collect(dsp.decodeAudioStream(chunks(dsp.encodeWav(audio(good))), { chunkSeconds: 0 })),
      IA,
    ],
  ],
  readAudioInfo: [['empty bytes', () => dsp.readAudioInfo(new Uint8Array(0)), AudioDecodeError]],
  sniffAudioFormat: [['not bytes', () => dsp.sniffAudioFormat(42 as unknown as Uint8Array), IA]],
  encodeWav: [
    ['NaN sample', () => dsp.encodeWav(audio(withNaN)), NF],
    ['sample rate 0', () => dsp.encodeWav(audio(good, 0)), RATE_ERR],
    ['bitDepth 12', () => dsp.encodeWav(audio(good), { bitDepth: 12 as 16 }), IA],
  ],
  // ---- @instr/dsp/node
  readAudioFile: [
    ['missing file', () => dspNode.readAudioFile(join(dir, 'missing.wav')), IOError],
    ['empty file', () => dspNode.readAudioFile(emptyFile), AudioDecodeError],
    ['unknown bytes', () => dspNode.readAudioFile(junk), UnsupportedFormatError],
  ],
  readAudioFileInfo: [['missing file', () => dspNode.readAudioFileInfo(join(dir, 'missing.wav')), IOError]],
  streamAudioFile: [
    ['missing file', () => collect(dspNode.streamAudioFile(join(dir, 'missing.wav'))), IOError],
  ],
  writeWavFile: [
    ['NaN sample', () => dspNode.writeWavFile(join(dir, 'x.wav'), audio(withNaN)), NF],
    [
      'unwritable path',
      () => dspNode.writeWavFile(join(dir, 'no', 'such', 'dir', 'x.wav'), audio(good)),
      IOError,
    ],
  ],
};

/** Exports that take no data a user could get wrong (constants, feature switches). */
const NO_INPUT = new Set(['CLASSICAL_FEATURE_NAMES', 'CLASSICAL_MIN_SAMPLES', 'MAX_RESAMPLE_RATIO']);

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('bad inputs throw typed errors (table over every public export)', () => {
  it('the table covers every export of @instr/dsp and @instr/dsp/node', () => {
    const exported = [...Object.keys(dsp), ...Object.keys(dspNode)].filter((k) => !NO_INPUT.has(k));
    expect(exported.filter((k) => !(k in TABLE)).sort()).toEqual([]);
    expect(Object.keys(TABLE).filter((k) => !exported.includes(k))).toEqual([]);
  });

  const rows = Object.entries(TABLE).flatMap(([fn, cases]) =>
    cases.map(([label, run, error]) => ({ name: `${fn}: ${label} → ${expectedName(error)}`, run, error })),
  );
  it.each(rows)('$name', async ({ run, error }) => {
    let thrown: unknown;
    let result: unknown;
    try {
      result = await run();
    } catch (e) {
      thrown = e;
    }
    const allowed = (Array.isArray(error) ? error : [error]) as (ErrorClass | typeof EMPTY)[];
    if (thrown === undefined) {
      if (allowed.includes(EMPTY) && isEmptyResult(result)) return;
      throw new Error(`returned ${describeValue(result)} instead of throwing ${expectedName(error)}`);
    }
    expect(InstrError.isInstance(thrown), String(thrown)).toBe(true);
    const classes = allowed.filter((c): c is ErrorClass => c !== EMPTY);
    expect(
      classes.some((c) => thrown instanceof c),
      `${String(thrown)} is not one of ${classes.map((c) => c.name).join(', ')}`,
    ).toBe(true);
    // The message names what was wrong: it is not just the error class.
    expect((thrown as Error).message.length).toBeGreaterThan(20);
  });
});

function expectedName(e: Expected): string {
  return (Array.isArray(e) ? e : [e]).map((c) => (c === EMPTY ? EMPTY : (c as ErrorClass).name)).join(' | ');
}

/** An empty output: a 0-size tensor or array, or an object whose tensor / arrays are all empty. */
function isEmptyResult(v: unknown): boolean {
  if (v instanceof Tensor) return v.size === 0;
  if (ArrayBuffer.isView(v)) return (v as Float32Array).length === 0;
  if (Array.isArray(v)) return v.length === 0;
  if (v && typeof v === 'object')
    return Object.values(v).every((x) => isEmptyResult(x) || typeof x === 'number');
  return false;
}

/** A 32-bit float WAV of `good` whose 11th sample is NaN. */
function floatWavWithNaN(): Uint8Array {
  const bytes = dsp.encodeWav(audio(good), { bitDepth: 32, float: true });
  let data = -1;
  for (let i = 12; i + 8 < bytes.length; i++) {
    if (String.fromCharCode(bytes[i]!, bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!) === 'data') {
      data = i + 8;
      break;
    }
  }
  new DataView(bytes.buffer, bytes.byteOffset).setFloat32(data + 40, Number.NaN, true);
  return bytes;
}

async function* chunks(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000);
}

function describeValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v instanceof Tensor)
    return `Tensor [${v.dims.join(', ')}]${Array.from(v.data as ArrayLike<number>).some(Number.isNaN) ? ' with NaN' : ''}`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as Float32Array).length})`;
  return typeof v;
}
