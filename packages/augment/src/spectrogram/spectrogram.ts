import { InvalidArgumentError, type Rng, Tensor } from '@instr/core';
import { Transform, type TransformOptions } from '../transform.js';
import { checkInteger, checkNumber, checkRange, checkSpectrogram } from '../util.js';

/**
 * Shared base of spectrogram transforms: input is a float32 tensor `[..., mel, time]`.
 * @example
 * ```ts
 * const t: SpectrogramBase<object> = new FrequencyMasking();
 * t.apply(melSpec, 1);
 * ```
 */
export abstract class SpectrogramBase<P extends object> extends Transform<Tensor<'float32'>, P> {
  readonly kind = 'spectrogram' as const;
  protected override validate(x: Tensor<'float32'>): void {
    checkSpectrogram(x, this.name);
  }
}

/** Shape helpers: number of leading planes, rows (mel) and columns (time). */
function planes(x: Tensor): { C: number; H: number; W: number } {
  const H = x.dims[x.rank - 2]!;
  const W = x.dims[x.rank - 1]!;
  return { C: H * W === 0 ? 0 : x.size / (H * W), H, W };
}

/**
 * A mask fill value: a number, or `mean` (the mean of the input).
 * @example
 * ```ts
 * new TimeMasking({ value: 'mean' });
 * ```
 */
export type MaskValue = number | 'mean';

function resolveValue(x: Tensor<'float32'>, value: MaskValue): number {
  if (value !== 'mean') return value;
  let s = 0;
  for (let i = 0; i < x.size; i++) s += x.data[i]!;
  return x.size ? s / x.size : 0;
}

function checkMaskValue(value: MaskValue, who: string): MaskValue {
  if (value === 'mean') return value;
  return checkNumber(value as number, `${who}.value`);
}

/**
 * Options of {@link FrequencyMasking} and {@link TimeMasking}.
 * @example
 * ```ts
 * new FrequencyMasking({ maxWidth: 27, count: 2, value: 0, iidChannels: true });
 * ```
 */
export interface AxisMaskingOptions extends TransformOptions {
  /** Maximum mask width in bins/frames (torchaudio's `freq_mask_param` / `time_mask_param`); width ~ ⌊U(0, maxWidth)⌋. */
  maxWidth?: number;
  /** Upper bound on the width as a fraction of the axis (torchaudio's `p`; default 1). */
  maxProportion?: number;
  /** Number of masks (default 1). */
  count?: number;
  /** Fill value (default 0, torchaudio's `mask_value`), or `mean`. */
  value?: MaskValue;
  /** Independent masks for every channel of a `[ch, mel, time]` input (default false: one mask for all). */
  iidChannels?: boolean;
}

/**
 * Drawn masks: `[start, end)` per mask (per channel when `iidChannels`).
 * @example
 * ```ts
 * new FrequencyMasking().apply(melSpec, 1).report.params?.masks; // [[[12, 31]]]
 * ```
 */
export interface AxisMaskParams {
  readonly masks: readonly (readonly [number, number])[][];
}

abstract class AxisMasking extends SpectrogramBase<AxisMaskParams> {
  readonly maxWidth: number;
  readonly maxProportion: number;
  readonly count: number;
  readonly value: MaskValue;
  readonly iidChannels: boolean;
  protected abstract readonly axis: -1 | -2;
  constructor(options: AxisMaskingOptions, defaultWidth: number) {
    super(options);
    this.maxWidth = checkNumber(options.maxWidth ?? defaultWidth, 'maxWidth', 0, 1e9);
    this.maxProportion = checkNumber(options.maxProportion ?? 1, 'maxProportion', 0, 1);
    this.count = checkInteger(options.count ?? 1, 'count', 0, 1000);
    this.value = checkMaskValue(options.value ?? 0, 'mask');
    this.iidChannels = options.iidChannels ?? false;
  }
  protected sample(x: Tensor<'float32'>, rng: Rng): AxisMaskParams {
    const { C, H, W } = planes(x);
    const size = this.axis === -2 ? H : W;
    const param = Math.min(
      this.maxWidth,
      this.maxProportion < 1 ? Math.floor(size * this.maxProportion) : size,
    );
    const sets = this.iidChannels ? Math.max(C, 1) : 1;
    const masks: [number, number][][] = [];
    for (let c = 0; c < sets; c++) {
      const list: [number, number][] = [];
      for (let m = 0; m < this.count; m++) {
        if (param < 1) break;
        // torchaudio's mask_along_axis: value = U·param; min_value = U·(size − value); [⌊min⌋, ⌊min⌋ + ⌊value⌋).
        const value = rng.uniform() * param;
        const minValue = rng.uniform() * (size - value);
        const start = Math.floor(minValue);
        list.push([start, Math.min(size, start + Math.floor(value))]);
      }
      masks.push(list);
    }
    return { masks };
  }
  protected process(x: Tensor<'float32'>, { masks }: AxisMaskParams): Tensor<'float32'> {
    const out = x.clone();
    const { C, H, W } = planes(x);
    const v = resolveValue(x, this.value);
    for (let c = 0; c < C; c++) {
      const list = masks[this.iidChannels ? c : 0] ?? [];
      const base = c * H * W;
      for (const [s, e] of list) {
        if (this.axis === -2) out.data.fill(v, base + s * W, base + e * W);
        else for (let h = 0; h < H; h++) out.data.fill(v, base + h * W + s, base + h * W + e);
      }
    }
    return out;
  }
}

/**
 * SpecAugment frequency masking (torchaudio `FrequencyMasking` semantics) on `[..., mel, time]`.
 * Default `maxWidth` 30 (the reference system's `freq_mask_param`); masks always stay inside the axis.
 * @example
 * ```ts
 * new FrequencyMasking({ maxWidth: 20, count: 2 }).apply(melSpec, 1).report.params; // { masks: [[[s, e], …]] }
 * ```
 */
export class FrequencyMasking extends AxisMasking {
  readonly name = 'FrequencyMasking';
  protected readonly axis = -2 as const;
  constructor(options: AxisMaskingOptions = {}) {
    super(options, 30);
  }
}

/**
 * SpecAugment time masking (torchaudio `TimeMasking` semantics) on `[..., mel, time]`. Default `maxWidth` 40 frames.
 * @example
 * ```ts
 * new TimeMasking({ maxWidth: 40, maxProportion: 0.2 }).apply(melSpec, 1);
 * ```
 */
export class TimeMasking extends AxisMasking {
  readonly name = 'TimeMasking';
  protected readonly axis = -1 as const;
  constructor(options: AxisMaskingOptions = {}) {
    super(options, 40);
  }
}

/**
 * Options of {@link RandomErasing}.
 * @example
 * ```ts
 * new RandomErasing({ scale: [0.02, 0.2], ratio: [1, 2], value: 'random' });
 * ```
 */
export interface RandomErasingOptions extends TransformOptions {
  /** Range of the erased area as a fraction of the image (default [0.02, 0.33], torchvision's). */
  scale?: readonly [number, number];
  /** Range of the aspect ratio h/w, drawn log-uniformly (default [0.3, 3.3], torchvision's). */
  ratio?: readonly [number, number];
  /** Fill: a number (default 0) or `random` (standard normal per element, torchvision's `value='random'`). */
  value?: number | 'random';
  /** Attempts before giving up and returning the input unchanged (default 10, as torchvision). */
  attempts?: number;
}

/**
 * A rectangle: rows `[top, top + height)`, columns `[left, left + width)`; null when every attempt failed.
 * @example
 * ```ts
 * new RandomErasing().apply(melSpec, 1).report.params?.box; // { top, left, height, width } | null
 * ```
 */
export interface EraseParams {
  readonly box: { top: number; left: number; height: number; width: number } | null;
}

/**
 * Random erasing (Zhong et al.) with torchvision's `RandomErasing` semantics: a rectangle of random area and
 * aspect ratio over `[mel, time]` (all channels) is filled. Note `p` defaults to 1 here (torchvision: 0.5).
 * The reference system used `scale: [0.02, 0.2], ratio: [1, 2]`.
 * @example
 * ```ts
 * new RandomErasing({ scale: [0.02, 0.2], ratio: [1, 2] }).apply(melSpec, 3).report.params.box;
 * ```
 */
export class RandomErasing extends SpectrogramBase<EraseParams> {
  readonly name = 'RandomErasing';
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
  readonly value: number | 'random';
  readonly attempts: number;
  constructor(options: RandomErasingOptions = {}) {
    super(options);
    const s = options.scale ?? [0.02, 0.33];
    const r = options.ratio ?? [0.3, 3.3];
    this.scale = checkRange(s[0], s[1], 'scale', [0, 1]);
    this.ratio = checkRange(r[0], r[1], 'ratio', [Number.MIN_VALUE, 1e6]);
    const v = options.value ?? 0;
    this.value = v === 'random' ? v : checkNumber(v, 'value');
    this.attempts = checkInteger(options.attempts ?? 10, 'attempts', 1, 1000);
  }
  protected sample(x: Tensor<'float32'>, rng: Rng): EraseParams {
    const { H, W } = planes(x);
    const area = H * W;
    const logR = [Math.log(this.ratio[0]), Math.log(this.ratio[1])] as const;
    for (let a = 0; a < this.attempts; a++) {
      const eraseArea = area * rng.uniform(this.scale[0], this.scale[1]);
      const aspect = Math.exp(rng.uniform(logR[0], logR[1]));
      const h = Math.round(Math.sqrt(eraseArea * aspect));
      const w = Math.round(Math.sqrt(eraseArea / aspect));
      if (!(h < H && w < W)) continue;
      return { box: { top: rng.int(0, H - h), left: rng.int(0, W - w), height: h, width: w } };
    }
    return { box: null };
  }
  protected process(x: Tensor<'float32'>, { box }: EraseParams, noise: Rng): Tensor<'float32'> {
    const out = x.clone();
    if (!box) return out;
    const { C, H, W } = planes(x);
    for (let c = 0; c < C; c++) {
      for (let i = box.top; i < box.top + box.height; i++) {
        const row = c * H * W + i * W;
        for (let j = box.left; j < box.left + box.width; j++) {
          out.data[row + j] = this.value === 'random' ? noise.normal() : this.value;
        }
      }
    }
    return out;
  }
}

/**
 * Options of {@link RandomPixelErasing}.
 * @example
 * ```ts
 * new RandomPixelErasing({ maxP: 0.1, value: -80 });
 * ```
 */
export interface RandomPixelErasingOptions extends TransformOptions {
  /** The erase probability is drawn per call as p ~ U(0, maxP) (default 0.3, the reference system's). */
  maxP?: number;
  /** Fill value (default 0). */
  value?: number;
}

/**
 * Zeroes (or fills) each element independently with probability p ~ U(0, maxP), drawn once per call.
 * @example
 * ```ts
 * new RandomPixelErasing({ maxP: 0.1 }).apply(melSpec, 5).report.params; // { pixelP, erased }
 * ```
 */
export class RandomPixelErasing extends SpectrogramBase<{ pixelP: number }> {
  readonly name = 'RandomPixelErasing';
  readonly maxP: number;
  readonly value: number;
  constructor(options: RandomPixelErasingOptions = {}) {
    super(options);
    this.maxP = checkNumber(options.maxP ?? 0.3, 'maxP', 0, 1);
    this.value = checkNumber(options.value ?? 0, 'value');
  }
  protected sample(_x: Tensor<'float32'>, rng: Rng) {
    return { pixelP: rng.uniform(0, this.maxP) };
  }
  protected process(x: Tensor<'float32'>, { pixelP }: { pixelP: number }, noise: Rng): Tensor<'float32'> {
    const out = x.clone();
    for (let i = 0; i < out.size; i++) if (noise.uniform() < pixelP) out.data[i] = this.value;
    return out;
  }
}

/**
 * Options of {@link ZoomCrop}.
 * @example
 * ```ts
 * new ZoomCrop({ minZoom: 1, maxZoom: 1.1, p: 0.75 });
 * ```
 */
export interface ZoomCropOptions extends TransformOptions {
  /** Smallest zoom factor (default 1). */
  minZoom?: number;
  /** Largest zoom factor (default 1.05, the Freesound reference's). */
  maxZoom?: number;
}

/**
 * Drawn zoom: factor and the crop position as fractions of the free space (fastai's `row_pct`, `col_pct`).
 * @example
 * ```ts
 * new ZoomCrop().apply(melSpec, 1).report.params; // { zoom: 1.03, rowPct: 0.4, colPct: 0.9 }
 * ```
 */
export interface ZoomParams {
  readonly zoom: number;
  readonly rowPct: number;
  readonly colPct: number;
}

/**
 * Random zoom-and-crop (fastai's `zoom` as the Freesound reference used it): a window of `1/zoom` of the
 * spectrogram at a random position is resampled (bilinear) back to the full size.
 * @example
 * ```ts
 * new ZoomCrop({ p: 0.75 }).apply(melSpec, 1).report.params; // { zoom, rowPct, colPct }
 * ```
 */
export class ZoomCrop extends SpectrogramBase<ZoomParams> {
  readonly name = 'ZoomCrop';
  readonly range: readonly [number, number];
  constructor(options: ZoomCropOptions = {}) {
    super(options);
    this.range = checkRange(options.minZoom ?? 1, options.maxZoom ?? 1.05, 'zoom', [1, 100]);
  }
  protected sample(_x: Tensor<'float32'>, rng: Rng): ZoomParams {
    return { zoom: rng.uniform(this.range[0], this.range[1]), rowPct: rng.uniform(), colPct: rng.uniform() };
  }
  protected process(x: Tensor<'float32'>, { zoom, rowPct, colPct }: ZoomParams): Tensor<'float32'> {
    const { C, H, W } = planes(x);
    const out = Tensor.zeros('float32', x.dims);
    if (H === 0 || W === 0) return out;
    const h = H / zoom;
    const w = W / zoom;
    const top = rowPct * (H - h);
    const left = colPct * (W - w);
    const sy = h / H;
    const sx = w / W;
    for (let c = 0; c < C; c++) {
      const base = c * H * W;
      for (let i = 0; i < H; i++) {
        const y = Math.min(Math.max(top + (i + 0.5) * sy - 0.5, 0), H - 1);
        const y0 = Math.floor(y);
        const y1 = Math.min(y0 + 1, H - 1);
        const fy = y - y0;
        for (let j = 0; j < W; j++) {
          const xx = Math.min(Math.max(left + (j + 0.5) * sx - 0.5, 0), W - 1);
          const x0 = Math.floor(xx);
          const x1 = Math.min(x0 + 1, W - 1);
          const fx = xx - x0;
          const d = x.data;
          const a = d[base + y0 * W + x0]! * (1 - fx) + d[base + y0 * W + x1]! * fx;
          const b = d[base + y1 * W + x0]! * (1 - fx) + d[base + y1 * W + x1]! * fx;
          out.data[base + i * W + j] = a * (1 - fy) + b * fy;
        }
      }
    }
    return out;
  }
}

/**
 * Options of {@link Lighting}.
 * @example
 * ```ts
 * new Lighting({ maxLighting: 0.3, space: 'logit' });
 * ```
 */
export interface LightingOptions extends TransformOptions {
  /** fastai's `max_lighting` (default 0.2): brightness change ~ U(0.5(1−m), 0.5(1+m)), contrast ~ logU(1−m, 1/(1−m)). */
  maxLighting?: number;
  /**
   * `affine` (default): for unbounded inputs such as log-mel spectrograms, x → mean + (x − mean)·contrast
   * + logit(change)·std. `logit`: fastai's exact form for inputs in [0, 1]: x → σ(logit(x)·contrast + logit(change)).
   */
  space?: 'affine' | 'logit';
}

/**
 * Random brightness and contrast ("lighting", as the Freesound reference used fastai's, p 0.75).
 * @example
 * ```ts
 * new Lighting({ p: 0.75 }).apply(logMel, 4).report.params; // { brightness, contrast }
 * ```
 */
export class Lighting extends SpectrogramBase<{ brightness: number; contrast: number }> {
  readonly name = 'Lighting';
  readonly maxLighting: number;
  readonly space: 'affine' | 'logit';
  constructor(options: LightingOptions = {}) {
    super(options);
    this.maxLighting = checkNumber(options.maxLighting ?? 0.2, 'maxLighting', 0, 0.99);
    this.space = options.space ?? 'affine';
    if (this.space !== 'affine' && this.space !== 'logit') {
      throw new InvalidArgumentError(
        `Lighting: space must be 'affine' or 'logit', got ${String(this.space)}.`,
      );
    }
  }
  protected sample(_x: Tensor<'float32'>, rng: Rng) {
    const m = this.maxLighting;
    const brightness = rng.uniform(0.5 * (1 - m), 0.5 * (1 + m));
    const contrast = Math.exp(rng.uniform(Math.log(1 - m), -Math.log(1 - m)));
    return { brightness, contrast };
  }
  protected process(
    x: Tensor<'float32'>,
    { brightness, contrast }: { brightness: number; contrast: number },
  ) {
    const out = x.clone();
    const shift = Math.log(brightness / (1 - brightness));
    const d = out.data;
    if (this.space === 'logit') {
      for (let i = 0; i < d.length; i++) {
        const v = Math.min(Math.max(d[i]!, 1e-6), 1 - 1e-6);
        d[i] = 1 / (1 + Math.exp(-(Math.log(v / (1 - v)) * contrast + shift)));
      }
      return out;
    }
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < d.length; i++) {
      s += d[i]!;
      s2 += d[i]! * d[i]!;
    }
    const mean = d.length ? s / d.length : 0;
    const std = d.length ? Math.sqrt(Math.max(s2 / d.length - mean * mean, 0)) : 0;
    for (let i = 0; i < d.length; i++) d[i] = mean + (d[i]! - mean) * contrast + shift * std;
    return out;
  }
}

/**
 * Options of {@link FilterAugment}.
 * @example
 * ```ts
 * new FilterAugment({ dbRange: [-6, 6], bands: [3, 5], minBandWidth: 6, type: 'linear', unitsPerDb: 1 / 18.4 });
 * ```
 */
export interface FilterAugmentOptions extends TransformOptions {
  /** Range of the random band gains in dB (default [-6, 6]). */
  dbRange?: [number, number];
  /** Inclusive range of the number of frequency bands (default [3, 5]; 1 band = a plain gain). */
  bands?: [number, number];
  /** Minimum band width in bins (default 6; reduced automatically when the axis is too short). */
  minBandWidth?: number;
  /** `'linear'`: gains ramp linearly across each band (default); `'step'`: one gain per band. */
  type?: 'linear' | 'step';
  /**
   * Input units per dB (default 1, a dB spectrogram). For a normalised log-mel `(dB − mean) / std`,
   * pass `1 / std` so the gains stay in dB.
   */
  unitsPerDb?: number;
}

/**
 * Drawn filter: band edges in bins (`[0, …, mel]`) and the gains in dB (one per band for `step`,
 * one per band edge for `linear`).
 * @example
 * ```ts
 * new FilterAugment().apply(logMel, 1).report.params; // { edges: [0, 17, 60, 128], gainsDb: [2.1, -4, 0.3, 5.2] }
 * ```
 */
export interface FilterAugmentParams {
  readonly edges: readonly number[];
  readonly gainsDb: readonly number[];
}

/**
 * FilterAugment (Nam et al., ICASSP 2022): a random smooth or stepped EQ across frequency, simulating
 * different microphones and rooms — the usual gap between clean training sources and real recordings.
 * The spectrogram axis `[..., mel, time]` is cut into 3–5 random bands of at least `minBandWidth` bins
 * (the reference's boundary sampling); each band gets a random gain in `dbRange` (`step`), or gains are
 * drawn at every band edge and ramp linearly across the band (`linear`, as the reference's `linspace`).
 * The reference multiplies a magnitude spectrogram by `10^(g/20)`; this works on dB (log) spectrograms
 * and adds `g · unitsPerDb`, the same filter in the log domain. One filter for all leading planes.
 * @example
 * ```ts
 * // On a normalised log-mel (dB − mean) / std:
 * const eq = new FilterAugment({ p: 0.8, unitsPerDb: 1 / 18.4 });
 * const { output } = eq.apply(logMel, rng);
 * ```
 */
export class FilterAugment extends SpectrogramBase<FilterAugmentParams> {
  readonly name = 'FilterAugment';
  readonly dbRange: [number, number];
  readonly bands: [number, number];
  readonly minBandWidth: number;
  readonly type: 'linear' | 'step';
  readonly unitsPerDb: number;
  constructor(options: FilterAugmentOptions = {}) {
    super(options);
    const [lo, hi] = options.dbRange ?? [-6, 6];
    this.dbRange = checkRange(lo, hi, 'dbRange', [-60, 60]);
    const [b0, b1] = options.bands ?? [3, 5];
    checkInteger(b0, 'bands[0]', 1, 64);
    checkInteger(b1, 'bands[1]', b0, 64);
    this.bands = [b0, b1];
    this.minBandWidth = checkInteger(options.minBandWidth ?? 6, 'minBandWidth', 1, 1e6);
    this.type = options.type ?? 'linear';
    if (this.type !== 'linear' && this.type !== 'step') {
      throw new InvalidArgumentError(
        `FilterAugment: type must be 'linear' or 'step', got ${String(this.type)}.`,
        { details: { key: 'type', expected: ['linear', 'step'], actual: this.type } },
      );
    }
    this.unitsPerDb = checkNumber(options.unitsPerDb ?? 1, 'unitsPerDb', Number.MIN_VALUE, 1e6);
  }
  protected sample(x: Tensor<'float32'>, rng: Rng): FilterAugmentParams {
    const { H } = planes(x);
    const n = rng.int(this.bands[0], this.bands[1]);
    let width = this.minBandWidth;
    while (width > 0 && H - n * width + 1 < 0) width--;
    // Reference: sort(randint(0, H − n·w + 1, n − 1)) + arange(1, n)·w, framed by 0 and H (randint's high is exclusive).
    const inner = Array.from({ length: n - 1 }, () => rng.int(0, H - n * width)).sort((a, b) => a - b);
    const edges = [0, ...inner.map((v, i) => v + (i + 1) * width), H];
    const [lo, hi] = this.dbRange;
    const gainsDb = Array.from({ length: this.type === 'step' ? n : n + 1 }, () => rng.uniform(lo, hi));
    return { edges, gainsDb };
  }
  protected process(x: Tensor<'float32'>, { edges, gainsDb }: FilterAugmentParams): Tensor<'float32'> {
    const { C, H, W } = planes(x);
    const curve = new Float64Array(H);
    for (let band = 0; band + 1 < edges.length; band++) {
      const s = edges[band]!;
      const e = edges[band + 1]!;
      for (let h = s; h < e; h++) {
        if (this.type === 'step') curve[h] = gainsDb[band]!;
        else {
          // torch.linspace(a, b, e − s): both ends included.
          const t = e - s > 1 ? (h - s) / (e - s - 1) : 0;
          curve[h] = gainsDb[band]! + (gainsDb[band + 1]! - gainsDb[band]!) * t;
        }
      }
    }
    const out = x.clone();
    const d = out.data;
    for (let c = 0; c < C; c++) {
      for (let h = 0; h < H; h++) {
        const add = curve[h]! * this.unitsPerDb;
        const base = (c * H + h) * W;
        for (let w = 0; w < W; w++) d[base + w] = d[base + w]! + add;
      }
    }
    return out;
  }
}
