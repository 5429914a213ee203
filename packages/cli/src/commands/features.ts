import { basename, dirname, extname, relative, resolve } from 'node:path';
import { type Tensor, toMono, writeNpy } from '@instr/core';
import { featureSpecOptions, logMelSpectrogram, resample } from '@instr/dsp';
import { readAudioFile } from '@instr/dsp/node';
import { readModelMetadata } from '@instr/infer';
import { svgToPng, writeFileAtomic } from '@instr/metrics/node';
import { mkdir, readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { type CliIO, EXIT, UsageError } from '../context.js';

/** Files `instr features` can write. */
export type FeatureFormat = 'png' | 'svg' | 'npy' | 'json';

export interface FeaturesCommandFlags {
  out?: string;
  format: FeatureFormat[];
  model?: string;
  sampleRate?: number;
  nFft: number;
  hopLength: number;
  nMels: number;
  fmin: number;
  fmax?: number;
  quiet?: boolean;
}

/**
 * `instr features <file>`: the log-mel spectrogram (librosa defaults: 2048 / 512 / 128 mels, power 2, dB re 1,
 * top 80 dB; or exactly the model's feature parameters with `--model`) as an image and/or an array.
 */
export async function featuresCommand(file: string, flags: FeaturesCommandFlags, io: CliIO): Promise<number> {
  const path = resolve(io.cwd, file);
  const audio = await readAudioFile(path);
  let mono = toMono(audio);
  let sr = audio.sampleRate;
  let options: Parameters<typeof logMelSpectrogram>[1];
  if (flags.model) {
    const meta = readModelMetadata(new Uint8Array(await readFile(resolve(io.cwd, flags.model))));
    if (sr !== meta.sampleRate) mono = resample(mono, sr, meta.sampleRate);
    sr = meta.sampleRate;
    options = featureSpecOptions(meta.features, sr);
  } else {
    if (flags.sampleRate && flags.sampleRate !== sr) {
      mono = resample(mono, sr, flags.sampleRate);
      sr = flags.sampleRate;
    }
    options = {
      sampleRate: sr,
      nFft: flags.nFft,
      hopLength: flags.hopLength,
      nMels: flags.nMels,
      fmin: flags.fmin,
      fmax: flags.fmax,
    };
  }
  const mel = logMelSpectrogram(mono, options);
  const [nMels, frames] = mel.dims as [number, number];
  const prefix = resolve(io.cwd, flags.out ?? basename(path, extname(path)));
  await mkdir(dirname(prefix), { recursive: true });
  const written: string[] = [];
  const info = {
    file,
    sampleRate: sr,
    hopLength: options.hopLength ?? 512,
    nMels,
    frames,
    seconds: mono.length / sr,
  };
  for (const format of new Set(flags.format)) {
    const target = `${prefix}.logmel.${format}`;
    if (format === 'npy') await writeFileAtomic(target, writeNpy(mel));
    else if (format === 'json') {
      const rows = Array.from({ length: nMels }, (_, m) =>
        Array.from(mel.data.subarray(m * frames, (m + 1) * frames)),
      );
      await writeFileAtomic(target, `${JSON.stringify({ ...info, dims: [nMels, frames], data: rows })}\n`);
    } else if (format === 'svg') await writeFileAtomic(target, spectrogramSvg(mel, info));
    else if (format === 'png')
      await writeFileAtomic(target, await svgToPng(spectrogramSvg(mel, info), { scale: 1 }));
    else throw new UsageError(`Unknown --format "${format}"; use png, svg, npy or json.`);
    written.push(target);
  }
  if (!flags.quiet) {
    io.stderr.write(
      `instr features: ${nMels} mels × ${frames} frames; wrote ${written.map((w) => relative(io.cwd, w)).join(', ')}\n`,
    );
  }
  return EXIT.ok;
}

/** Viridis colour map stops (matplotlib), interpolated linearly. */
const VIRIDIS = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];

function colour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  return [0, 1, 2].map((k) => Math.round(a[k]! + f * (b[k]! - a[k]!))) as [number, number, number];
}

/** The spectrogram as a PNG (low mels at the bottom), colours scaled from the minimum to the maximum dB. */
export function spectrogramPng(mel: Tensor<'float32'>): Uint8Array {
  const [nMels, frames] = mel.dims as [number, number];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of mel.data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const png = new PNG({ width: frames, height: nMels });
  const span = hi - lo || 1;
  for (let m = 0; m < nMels; m++) {
    const y = nMels - 1 - m;
    for (let t = 0; t < frames; t++) {
      const [r, g, b] = colour((mel.data[m * frames + t]! - lo) / span);
      const o = (y * frames + t) * 4;
      png.data[o] = r;
      png.data[o + 1] = g;
      png.data[o + 2] = b;
      png.data[o + 3] = 255;
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

/** An SVG with the spectrogram image, a time axis and a mel-bin axis. */
export function spectrogramSvg(
  mel: Tensor<'float32'>,
  info: {
    file: string;
    sampleRate: number;
    hopLength: number;
    nMels: number;
    frames: number;
    seconds: number;
  },
): string {
  const png = Buffer.from(spectrogramPng(mel)).toString('base64');
  const w = Math.max(320, Math.min(1600, info.frames * 2));
  const h = Math.max(160, Math.min(512, info.nMels * 3));
  const left = 50;
  const top = 30;
  const ticks = niceTicks(info.seconds);
  const esc = (s: string) =>
    s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const xTicks = ticks
    .map((t) => {
      const x = left + (t / info.seconds) * w;
      return `<line x1="${x}" y1="${top + h}" x2="${x}" y2="${top + h + 4}" stroke="#333"/><text x="${x}" y="${top + h + 16}" text-anchor="middle">${t}s</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w + left + 20}" height="${h + top + 40}" font-family="DejaVu Sans, sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
<text x="${left}" y="18" font-size="13">${esc(info.file)} — log-mel (${info.nMels} mels, ${info.sampleRate} Hz, hop ${info.hopLength})</text>
<image x="${left}" y="${top}" width="${w}" height="${h}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/>
<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="none" stroke="#333"/>
${xTicks}
<text x="${left - 6}" y="${top + h}" text-anchor="end">0</text>
<text x="${left - 6}" y="${top + 10}" text-anchor="end">${info.nMels - 1}</text>
<text x="14" y="${top + h / 2}" transform="rotate(-90 14 ${top + h / 2})" text-anchor="middle">mel bin</text>
</svg>
`;
}

function niceTicks(seconds: number): number[] {
  const steps = [0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
  const step = steps.find((s) => seconds / s <= 10) ?? 1200;
  const out: number[] = [];
  for (let t = 0; t <= seconds + 1e-9; t += step) out.push(Number(t.toFixed(2)));
  return out;
}
