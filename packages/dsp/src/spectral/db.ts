import { InvalidArgumentError, Tensor } from '@instr/core';
import { type MelSpectrogramOptions, melSpectrogramFused } from './mel.js';
import { checkFinite, checkPositive, clipDb, dbValues, describe, type Signal } from './util.js';

/**
 * A float tensor (any rank).
 *
 * @example
 * ```ts
 * const S: FloatTensor = spectrogram(y); // float32 or float64 Tensor
 * powerToDb(S);
 * ```
 */
export type FloatTensor = Tensor<'float32'> | Tensor<'float64'>;

/**
 * The reference of a dB conversion: a number, `'max'` (librosa's `ref=np.max`), or a function of the data.
 *
 * @example
 * ```ts
 * powerToDb(S, { ref: 'max' });
 * powerToDb(S, { ref: (data) => Math.max(...data) / 2 });
 * ```
 */
export type DbReference = number | 'max' | ((data: Float32Array | Float64Array) => number);

/**
 * Options of {@link powerToDb} and {@link amplitudeToDb}.
 *
 * @example
 * ```ts
 * powerToDb(S, { ref: 1, amin: 1e-10, topDb: 80 }); // librosa defaults
 * ```
 */
export interface ToDbOptions {
  /** Value mapped to 0 dB. Default 1 (librosa's default). `'max'` = the input's maximum. */
  ref?: DbReference;
  /** Floor of the input before the log. Default 1e-10 for power, 1e-5 for amplitude (librosa's). Must be > 0. */
  amin?: number;
  /** Clip the output to `max − topDb`. Default 80; `null` disables. Must be ≥ 0. */
  topDb?: number | null;
}

function checkTensor(S: unknown, fn: string): asserts S is FloatTensor {
  if (!(S instanceof Tensor) || (S.dtype !== 'float32' && S.dtype !== 'float64')) {
    throw new InvalidArgumentError(`${fn}: expected a float32/float64 Tensor, got ${describe(S)}.`, {
      details: { key: 'S', expected: 'Tensor<float32 | float64>', actual: describe(S) },
    });
  }
}

function refValue(ref: DbReference, data: Float32Array | Float64Array, fn: string): number {
  let v: number;
  if (ref === 'max') {
    v = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < data.length; i++) if (data[i]! > v) v = data[i]!;
    if (data.length === 0) v = 0;
  } else if (typeof ref === 'function') v = ref(data);
  else v = ref;
  if (typeof v !== 'number' || Number.isNaN(v) || !Number.isFinite(v)) {
    throw new InvalidArgumentError(`${fn}: the reference value must be a finite number, got ${v}.`, {
      details: { key: 'ref', actual: v },
    });
  }
  return Math.abs(v);
}

function toDb(
  S: FloatTensor,
  square: boolean,
  options: ToDbOptions,
  defaultAmin: number,
  fn: string,
  trusted = false,
): FloatTensor {
  checkTensor(S, fn);
  const amin = checkPositive(options.amin ?? defaultAmin, fn, 'amin');
  const topDb = options.topDb === undefined ? 80 : options.topDb;
  if (topDb !== null) checkPositive(topDb, fn, 'topDb', true);
  const data = S.data;
  if (!trusted) checkFinite(data, fn, 'S');
  const n = data.length;
  const out = S.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  // amplitude_to_db(S) = power_to_db(|S|², ref=ref², amin=amin²)
  let ref = refValue(options.ref ?? 1, data, fn);
  let floor = amin;
  if (square) {
    ref = ref * ref;
    floor = amin * amin;
  }
  const offset = 10 * Math.log10(Math.max(floor, ref));
  const max = dbValues(data, out, floor, offset, square);
  if (topDb !== null && n > 0) clipDb(out, max, topDb);
  return new Tensor(S.dtype, out as never, S.dims) as FloatTensor;
}

/**
 * Power → decibels, like `librosa.power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0)`:
 * `10·log10(max(amin, S)) − 10·log10(max(amin, ref))`, then clipped to `max − topDb`. Same dtype and shape as `S`.
 * @throws {@link InvalidArgumentError} for `amin ≤ 0`, `topDb < 0` or a bad ref; {@link NonFiniteError} for NaN/∞ input.
 * @example
 * ```ts
 * const dB = powerToDb(melSpectrogram(y, { sampleRate: 22050 }), { ref: 'max' });
 * ```
 */
export function powerToDb<T extends FloatTensor>(S: T, options: ToDbOptions = {}): T {
  return toDb(S, false, options, 1e-10, 'powerToDb') as T;
}

/**
 * Amplitude → decibels, like `librosa.amplitude_to_db(S, ref=1.0, amin=1e-5, top_db=80.0)` (= `powerToDb(S²,
 * ref=ref², amin=amin²)`). Same dtype and shape as `S`.
 * @example
 * ```ts
 * const dB = amplitudeToDb(spectrogram(y), { ref: 'max' });
 * ```
 */
export function amplitudeToDb<T extends FloatTensor>(S: T, options: ToDbOptions = {}): T {
  return toDb(S, true, options, 1e-5, 'amplitudeToDb') as T;
}

/**
 * Options of {@link dbToPower} / {@link dbToAmplitude}.
 *
 * @example
 * ```ts
 * dbToPower(powerToDb(S), { ref: 1 }); // ≈ S above the floor
 * ```
 */
export interface FromDbOptions {
  /** Reference the dB values are relative to. Default 1. */
  ref?: number;
}

function fromDb(S: FloatTensor, exponent: number, options: FromDbOptions, fn: string): FloatTensor {
  checkTensor(S, fn);
  const ref = options.ref ?? 1;
  if (typeof ref !== 'number' || !Number.isFinite(ref)) {
    throw new InvalidArgumentError(`${fn}: ref must be a finite number, got ${ref}.`, {
      details: { key: 'ref', actual: ref },
    });
  }
  const data = S.data;
  checkFinite(data, fn, 'S');
  const out = S.dtype === 'float64' ? new Float64Array(data.length) : new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = ref * 10 ** (0.1 * exponent * data[i]!);
  return new Tensor(S.dtype, out as never, S.dims) as FloatTensor;
}

/**
 * Decibels → power, like `librosa.db_to_power(S_db, ref=1.0)`: `ref · 10^(S_db/10)`.
 * @example
 * ```ts
 * dbToPower(Tensor.from('float32', [0, 10, 20])).data; // [1, 10, 100]
 * ```
 */
export function dbToPower<T extends FloatTensor>(S: T, options: FromDbOptions = {}): T {
  return fromDb(S, 1, options, 'dbToPower') as T;
}

/**
 * Decibels → amplitude, like `librosa.db_to_amplitude(S_db, ref=1.0)`: `ref · 10^(S_db/20)`.
 * @example
 * ```ts
 * dbToAmplitude(Tensor.from('float32', [0, 20])).data; // [1, 10]
 * ```
 */
export function dbToAmplitude<T extends FloatTensor>(S: T, options: FromDbOptions = {}): T {
  return fromDb(S, 0.5, options, 'dbToAmplitude') as T;
}

/**
 * Options of {@link logMelSpectrogram}: mel spectrogram options plus the dB options.
 *
 * @example
 * ```ts
 * logMelSpectrogram(y, { sampleRate: 16000, nFft: 400, hopLength: 160, nMels: 64, topDb: null });
 * ```
 */
export interface LogMelSpectrogramOptions extends MelSpectrogramOptions, ToDbOptions {}

/**
 * `powerToDb(melSpectrogram(y, options), options)` in one call — the usual CNN input
 * (librosa: `power_to_db(melspectrogram(y=y, sr=sr, …), ref=1.0, amin=1e-10, top_db=80.0)`).
 * @example
 * ```ts
 * const x = logMelSpectrogram(y, { sampleRate: 44100, nFft: 2048, hopLength: 512, nMels: 128 }); // [128, frames] dB
 * ```
 */
export function logMelSpectrogram(y: Signal, options: LogMelSpectrogramOptions): Tensor<'float32'> {
  const fn = 'logMelSpectrogram';
  const amin = checkPositive(options?.amin ?? 1e-10, fn, 'amin');
  const topDb = options?.topDb === undefined ? 80 : options.topDb;
  if (topDb !== null) checkPositive(topDb, fn, 'topDb', true);
  const dbOptions = { ref: options?.ref, amin, topDb };
  return melSpectrogramFused(y, options, fn, {
    floor: amin,
    topDb,
    ref: (mel) => refValue(options.ref ?? 1, mel, fn),
    // The mel spectrogram of a checked signal is finite: skip the second scan.
    fallback: (M) => toDb(M, false, dbOptions, 1e-10, fn, true) as Tensor<'float32'>,
  });
}
