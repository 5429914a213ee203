/**
 * Clip plans: every random decision about a clip at the level of "what is in it" (classes, synthetic
 * or real, SoundFont and program, style, set/file, gains, negatives, noise, reverb, level), drawn from
 * a generator derived from (seed, clip index) only. A plan therefore does not depend on the number of
 * clips, the number of workers or the order clips are rendered in.
 */
import { IRMAS_CODES, InvalidArgumentError, Rng } from '@instr/core';
import { CLASS_SPECS, NEGATIVE_SPECS, type Style, realShareFor, BASS_PROGRAMS, DRUM_KITS } from './gm.js';
import { type Inventory, realItemCounts } from './inventory.js';
import { drawContext, type MusicContext, pickWeighted } from './music.js';
import { noteSets, setRange } from './real.js';

/** Generation settings; everything here is part of the corpus identity (build.json). */
export interface CorpusConfig {
  seed: number;
  seconds: number;
  sampleRate: number;
  /** Share of pure-negative clips (no labelled source). Default 0.08. */
  negativeShare: number;
  /** Share of single-instrument clips. Default 0.3. */
  soloShare: number;
  /** Most labelled sources in a clip (1–5). Default 5. */
  maxSources: number;
  /** Multiplies each class's default real-material probability (0 = synthetic only). Default 1. */
  realShare: number;
  /** Use SoundFonts (false = real material only). Default true. */
  synth: boolean;
  /** Probability of adding 1–2 negative sources to a labelled clip. Default 0.35. */
  negativeProb: number;
  /** Probability of background noise. Default 0.5. */
  noiseProb: number;
  /** SNR range in dB for background noise. Default [5, 30]. */
  snrDb: [number, number];
  /** Probability of convolution reverb. Default 0.5. */
  reverbProb: number;
  /** Wet share range for reverb. Default [0.1, 0.6]. */
  wet: [number, number];
  /** Final RMS level range in dBFS. Default [-30, -14]. */
  levelDbfs: [number, number];
  /** Relative level range in dB of labelled sources other than the loudest. Default [-10, 0]. */
  mixGainDb: [number, number];
  /** Relative level range in dB of negatives mixed under labelled sources. Default [-14, -3]. */
  negativeGainDb: [number, number];
}

export const DEFAULT_CONFIG: Omit<CorpusConfig, 'seed' | 'seconds' | 'sampleRate'> = {
  negativeShare: 0.08,
  soloShare: 0.3,
  maxSources: 5,
  realShare: 1,
  synth: true,
  negativeProb: 0.35,
  noiseProb: 0.5,
  snrDb: [5, 30],
  reverbProb: 0.5,
  wet: [0.1, 0.6],
  levelDbfs: [-30, -14],
  mixGainDb: [-10, 0],
  negativeGainDb: [-14, -3],
};

/** A labelled or negative source of a clip. */
export interface SourcePlan {
  /** IRMAS code for labelled sources; instrument name (`drums`, `bass`, …) or `real` for negatives. */
  code: string;
  labelled: boolean;
  origin: 'synth' | 'real';
  /** Relative level in dB (the loudest labelled source is 0). */
  gainDb: number;
  /** Seed of the note-level generator. */
  renderSeed: number;
  style?: Style;
  /** Synthetic: SoundFont id, GM program (kit for drums), range. */
  soundfont?: string;
  program?: number;
  programName?: string;
  drums?: boolean;
  range?: [number, number];
  articulation?: string;
  /** Real notes: the note set. Real excerpts: the file (relative to shared/data/train). */
  set?: string;
  file?: string;
  /** Real excerpt: pitch shift in semitones. */
  shift?: number;
}

export type ClipKind = 'solo' | 'mix' | 'negative';

/** Everything decided about a clip before rendering. */
export interface ClipPlan {
  index: number;
  file: string;
  kind: ClipKind;
  context: MusicContext;
  sources: SourcePlan[];
  negatives: SourcePlan[];
  noise: { file: string; snrDb: number } | null;
  reverb: { file: string; wet: number } | null;
  levelDbfs: number;
}

/** Relative path of clip `index` inside the output folder. */
export function clipFile(index: number): string {
  return `clips/${String(index).padStart(6, '0')}.wav`;
}

function weightedIndex(rng: Rng, weights: readonly number[]): number {
  return rng.choice(weights.length, 1, { weights })[0]!;
}

const SOURCE_COUNT_WEIGHTS: Record<number, number> = { 2: 0.4, 3: 0.3, 4: 0.2, 5: 0.1 };

/** Checks a config; throws {@link InvalidArgumentError} naming the bad key. */
export function validateConfig(c: CorpusConfig): void {
  const bad = (key: string, msg: string, actual: unknown) => {
    throw new InvalidArgumentError(`Corpus option ${key} ${msg}, got ${JSON.stringify(actual)}.`, {
      details: { key, actual },
    });
  };
  if (!Number.isSafeInteger(c.seed)) bad('seed', 'must be an integer', c.seed);
  if (!(c.seconds >= 0.5 && c.seconds <= 60)) bad('seconds', 'must be in [0.5, 60]', c.seconds);
  if (!Number.isInteger(c.sampleRate) || c.sampleRate < 8000 || c.sampleRate > 96000)
    bad('sampleRate', 'must be an integer in [8000, 96000]', c.sampleRate);
  for (const key of ['negativeShare', 'soloShare', 'negativeProb', 'noiseProb', 'reverbProb'] as const) {
    if (!(c[key] >= 0 && c[key] <= 1)) bad(key, 'must be in [0, 1]', c[key]);
  }
  if (c.negativeShare + c.soloShare > 1) bad('soloShare', 'plus negativeShare must be ≤ 1', c.soloShare);
  if (!Number.isInteger(c.maxSources) || c.maxSources < 1 || c.maxSources > 5)
    bad('maxSources', 'must be an integer in [1, 5]', c.maxSources);
  if (!(c.realShare >= 0)) bad('realShare', 'must be ≥ 0', c.realShare);
  for (const key of ['snrDb', 'wet', 'levelDbfs', 'mixGainDb', 'negativeGainDb'] as const) {
    const r = c[key];
    if (!Array.isArray(r) || r.length !== 2 || !(r[0] <= r[1])) bad(key, 'must be a [low, high] range', r);
  }
}

/** Precomputed per-inventory facts the planner needs. */
export interface PlannerData {
  realCounts: Record<string, number>;
  /** Pitched note sets per class, with weights (√size) and ranges. */
  sets: Record<string, { name: string; weight: number; range: [number, number] | null }[]>;
  soundfontWeights: number[];
}

export function plannerData(inv: Inventory): PlannerData {
  const sets: PlannerData['sets'] = {};
  for (const code of IRMAS_CODES) {
    sets[code] = [...noteSets(inv.notes[code]!).entries()]
      .map(([name, notes]) => ({ name, weight: Math.sqrt(notes.length), range: setRange(notes) }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }
  return { realCounts: realItemCounts(inv), sets, soundfontWeights: inv.soundfonts.map((s) => s.weight) };
}

function intersect(a: readonly [number, number], b: readonly [number, number] | null): [number, number] {
  if (!b) return [a[0], a[1]];
  const lo = Math.max(a[0], b[0]);
  const hi = Math.min(a[1], b[1]);
  return lo <= hi ? [lo, hi] : [b[0], b[1]];
}

function planLabelled(
  rng: Rng,
  code: string,
  config: CorpusConfig,
  inv: Inventory,
  data: PlannerData,
): SourcePlan | null {
  const spec = CLASS_SPECS[code]!;
  const canReal = data.realCounts[code]! > 0;
  const canSynth = config.synth && inv.soundfonts.length > 0;
  if (!canReal && !canSynth) return null;
  const real =
    canReal && (!canSynth || rng.bernoulli(realShareFor(code, data.realCounts[code]!, config.realShare)));
  const renderSeed = rng.nextInt32() >>> 0;
  if (real) {
    if (code === 'voi') {
      const clip = inv.voice[rng.int(0, inv.voice.length - 1)]!;
      const shift = rng.bernoulli(0.3) ? rng.int(-2, 2) : 0;
      return {
        code,
        labelled: true,
        origin: 'real',
        gainDb: 0,
        renderSeed,
        file: clip.file,
        shift,
        articulation: spec.articulation,
      };
    }
    const sets = data.sets[code]!;
    const set =
      sets[
        weightedIndex(
          rng,
          sets.map((s) => s.weight),
        )
      ]!;
    const styles: Partial<Record<Style, number>> = spec.poly
      ? { melody: 0.4, arpeggio: 0.35, chords: 0.25 }
      : { melody: 0.6, arpeggio: 0.2, sustained: 0.2 };
    const range = intersect(spec.programs[0]!.range, set.range);
    return {
      code,
      labelled: true,
      origin: 'real',
      gainDb: 0,
      renderSeed,
      set: set.name,
      style: pickWeighted(rng, styles),
      range,
      articulation: spec.articulation,
    };
  }
  const sf = inv.soundfonts[weightedIndex(rng, data.soundfontWeights)]!;
  const prog =
    spec.programs[
      weightedIndex(
        rng,
        spec.programs.map((p) => p.weight ?? 1),
      )
    ]!;
  return {
    code,
    labelled: true,
    origin: 'synth',
    gainDb: 0,
    renderSeed,
    soundfont: sf.id,
    program: prog.program,
    programName: prog.name,
    style: pickWeighted(rng, spec.styles),
    range: [prog.range[0], prog.range[1]],
    articulation: spec.articulation,
  };
}

function planNegative(rng: Rng, config: CorpusConfig, inv: Inventory, data: PlannerData): SourcePlan | null {
  const canReal = inv.negatives.length > 0;
  const canSynth = config.synth && inv.soundfonts.length > 0;
  if (!canReal && !canSynth) return null;
  const renderSeed = rng.nextInt32() >>> 0;
  if (canReal && (!canSynth || rng.bernoulli(0.5))) {
    const clip = inv.negatives[rng.int(0, inv.negatives.length - 1)]!;
    return {
      code: clip.what || 'other',
      labelled: false,
      origin: 'real',
      gainDb: 0,
      renderSeed,
      file: clip.file,
      shift: 0,
    };
  }
  const spec =
    NEGATIVE_SPECS[
      weightedIndex(
        rng,
        NEGATIVE_SPECS.map((n) => n.weight),
      )
    ]!;
  const sf = inv.soundfonts[weightedIndex(rng, data.soundfontWeights)]!;
  const drums = spec.style === 'drums';
  const program = drums
    ? DRUM_KITS[rng.int(0, DRUM_KITS.length - 1)]!
    : spec.name === 'bass'
      ? BASS_PROGRAMS[rng.int(0, BASS_PROGRAMS.length - 1)]!
      : spec.program;
  return {
    code: spec.name,
    labelled: false,
    origin: 'synth',
    gainDb: 0,
    renderSeed,
    soundfont: sf.id,
    program,
    programName: spec.name,
    drums,
    style: spec.style,
    range: [spec.range[0], spec.range[1]],
    articulation: spec.articulation,
  };
}

/**
 * The plan of clip `index`: drawn from `new Rng(seed).derive(index)`.
 * Classes are drawn uniformly without replacement, so each class appears in about
 * (mean sources per clip)/11 of the clips.
 */
export function planClip(index: number, config: CorpusConfig, inv: Inventory, data: PlannerData): ClipPlan {
  const rng = new Rng(config.seed).derive(index);
  const r = rng.uniform();
  let kind: ClipKind =
    r < config.negativeShare ? 'negative' : r < config.negativeShare + config.soloShare ? 'solo' : 'mix';
  if (kind === 'mix' && config.maxSources === 1) kind = 'solo';
  const context = drawContext(rng);
  const sources: SourcePlan[] = [];
  if (kind !== 'negative') {
    let n = 1;
    if (kind === 'mix') {
      const counts = [2, 3, 4, 5].filter((k) => k <= config.maxSources);
      n =
        counts[
          weightedIndex(
            rng,
            counts.map((k) => SOURCE_COUNT_WEIGHTS[k]!),
          )
        ]!;
    }
    const classes = rng.choice(IRMAS_CODES.length, n).sort((a, b) => a - b);
    for (const ci of classes) {
      const s = planLabelled(rng, IRMAS_CODES[ci]!, config, inv, data);
      if (s) sources.push(s);
    }
    const [glo, ghi] = config.mixGainDb;
    const gains = sources.map(() => rng.uniform(glo, ghi));
    const top = Math.max(...gains);
    sources.forEach((s, i) => {
      s.gainDb = gains[i]! - top;
    });
    if (sources.length === 0) kind = 'negative';
  }
  const negatives: SourcePlan[] = [];
  let noiseOnly = false;
  if (kind === 'negative') {
    noiseOnly = inv.noise.length > 0 && rng.bernoulli(0.15);
    const count = noiseOnly ? 0 : rng.int(1, 3);
    for (let k = 0; k < count; k++) {
      const s = planNegative(rng, config, inv, data);
      if (s) {
        s.gainDb = k === 0 ? 0 : rng.uniform(-10, 0);
        negatives.push(s);
      }
    }
    if (negatives.length === 0 && inv.noise.length > 0) noiseOnly = true;
  } else if (rng.bernoulli(config.negativeProb)) {
    const count = rng.int(1, 2);
    for (let k = 0; k < count; k++) {
      const s = planNegative(rng, config, inv, data);
      if (s) {
        s.gainDb = rng.uniform(config.negativeGainDb[0], config.negativeGainDb[1]);
        negatives.push(s);
      }
    }
  }
  const noise =
    inv.noise.length > 0 && (noiseOnly || rng.bernoulli(config.noiseProb))
      ? {
          file: inv.noise[rng.int(0, inv.noise.length - 1)]!.file,
          snrDb: rng.uniform(config.snrDb[0], config.snrDb[1]),
        }
      : null;
  const reverb =
    inv.ir.length > 0 && !noiseOnly && rng.bernoulli(config.reverbProb)
      ? { file: inv.ir[rng.int(0, inv.ir.length - 1)]!.file, wet: rng.uniform(config.wet[0], config.wet[1]) }
      : null;
  const levelDbfs = rng.uniform(config.levelDbfs[0], config.levelDbfs[1]);
  return { index, file: clipFile(index), kind, context, sources, negatives, noise, reverb, levelDbfs };
}
