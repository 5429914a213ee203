/** Renders one planned clip: sources → levels → sum → reverb → noise → final level → 16-bit WAV. */
import { fftConvolve } from '@instr/augment';
import { IRMAS_CODES, Rng } from '@instr/core';
import { peakLevel } from '@instr/dsp';
import { AudioCache, encodeWav16 } from './audio-io.js';
import { activeLoudness, addInto, dbToGain, rmsDb, scaleInPlace } from './dsp.js';
import type { Articulation, SoundFontSpec } from './gm.js';
import type { Inventory, RealNote } from './inventory.js';
import { generatePart, type Part } from './music.js';
import type { ClipKind, ClipPlan, CorpusConfig, SourcePlan } from './plan.js';
import { excerpt, loadImpulseResponse, noteSets, renderRealNotes } from './real.js';
import { hasProgram, loadBank, renderPart } from './synth.js';

/** What was actually rendered for a source (the plan plus measured facts). */
export interface SourceMeta extends SourcePlan {
  /** SoundFont actually used (differs from the plan only when the planned one lacks the program). */
  soundfont?: string;
  /** Real files used (relative to shared/data/train). */
  files?: string[];
  maxShift?: number;
  notes?: number;
  pitchRange?: [number, number];
  tempo?: number;
  key?: number;
  scale?: string;
  offset?: number;
  /** Active loudness of the rendered source before levelling, dBFS. */
  loudnessDb: number;
  activeSeconds: number;
  attempts: number;
  /** True when the source stayed (near) silent after 3 attempts and was left out with its label. */
  dropped: boolean;
}

/** Everything about a written clip; one JSON file per clip in `meta/`, one manifest row. */
export interface ClipMeta {
  index: number;
  file: string;
  labels: string[];
  kind: ClipKind;
  seconds: number;
  sampleRate: number;
  context: ClipPlan['context'];
  sources: SourceMeta[];
  negatives: SourceMeta[];
  noise: ClipPlan['noise'];
  reverb: ClipPlan['reverb'];
  levelDbfs: number;
  /** Final gain applied to the mix, dB. */
  gainDb: number;
  peak: number;
  rmsDbfs: number;
  /** True when the final gain was lowered to keep the peak at 0.98. */
  limited: boolean;
}

/** Per-thread rendering state. */
export class RenderContext {
  readonly cache: AudioCache | null;
  private readonly sets = new Map<string, Map<string, RealNote[]>>();
  private readonly soundfonts: Map<string, SoundFontSpec>;
  private readonly irs = new Map<string, Float32Array>();

  constructor(
    readonly config: CorpusConfig,
    readonly inventory: Inventory,
  ) {
    this.cache = inventory.trainDir ? new AudioCache(inventory.trainDir, config.sampleRate) : null;
    this.soundfonts = new Map(inventory.soundfonts.map((s) => [s.id, s]));
    for (const [code, notes] of Object.entries(inventory.notes)) this.sets.set(code, noteSets(notes));
  }

  setNotes(code: string, set: string): RealNote[] {
    return this.sets.get(code)?.get(set) ?? [];
  }

  /** The planned SoundFont, or the first other one that has the program. */
  bankFor(id: string, program: number, drums: boolean): { id: string; bank: ReturnType<typeof loadBank> } {
    const planned = this.soundfonts.get(id);
    const order = [...(planned ? [planned] : []), ...this.inventory.soundfonts.filter((s) => s.id !== id)];
    for (const sf of order) {
      const bank = loadBank(sf.path);
      if (hasProgram(bank, program, drums)) return { id: sf.id, bank };
    }
    const sf = order[0]!;
    return { id: sf.id, bank: loadBank(sf.path) };
  }

  async impulseResponse(file: string): Promise<Float32Array> {
    let h = this.irs.get(file);
    if (!h) {
      h = await loadImpulseResponse(this.cache!, file, this.config.sampleRate);
      this.irs.set(file, h);
    }
    return h;
  }
}

function partFacts(
  part: Part,
): Pick<SourceMeta, 'notes' | 'pitchRange' | 'tempo' | 'key' | 'scale' | 'style'> {
  const pitches = part.notes.map((n) => n.midi);
  return {
    style: part.style,
    notes: part.notes.length,
    pitchRange: pitches.length ? [Math.min(...pitches), Math.max(...pitches)] : undefined,
    tempo: part.tempo,
    key: part.key,
    scale: part.scale,
  };
}

async function renderSourceOnce(
  ctx: RenderContext,
  plan: ClipPlan,
  s: SourcePlan,
  attempt: number,
): Promise<{ audio: Float32Array; facts: Partial<SourceMeta> }> {
  const { sampleRate, seconds } = ctx.config;
  const length = Math.round(seconds * sampleRate);
  const rng = new Rng(s.renderSeed + attempt * 7919);
  if (s.origin === 'synth') {
    const part = generatePart(
      rng,
      { style: s.style!, articulation: s.articulation as Articulation, range: s.range!, seconds },
      plan.context,
    );
    const { id, bank } = ctx.bankFor(s.soundfont!, s.program!, s.drums === true);
    const audio = await renderPart(bank, s.program!, part, { sampleRate, length, drums: s.drums === true });
    return { audio, facts: { ...partFacts(part), soundfont: id } };
  }
  const cache = ctx.cache!;
  if (s.set) {
    const part = generatePart(
      rng,
      { style: s.style!, articulation: s.articulation as Articulation, range: s.range!, seconds },
      plan.context,
    );
    const { audio, info } = await renderRealNotes(
      rng,
      cache,
      ctx.setNotes(s.code, s.set),
      part,
      s.articulation as Articulation,
      sampleRate,
      length,
    );
    return { audio, facts: { ...partFacts(part), files: info.files, maxShift: info.maxShift } };
  }
  const clip = { file: s.file!, seconds: 0, what: s.code };
  const { audio, info } = await excerpt(rng, cache, clip, sampleRate, length, {
    shift: s.shift ?? 0,
    tries: s.labelled ? 6 : 2,
  });
  return { audio, facts: { files: [info.file], offset: Math.round(info.offset * 1000) / 1000 } };
}

async function renderSource(
  ctx: RenderContext,
  plan: ClipPlan,
  s: SourcePlan,
): Promise<{ audio: Float32Array; meta: SourceMeta }> {
  const { sampleRate, seconds } = ctx.config;
  const minActive = Math.min(0.3, 0.25 * seconds);
  let last: { audio: Float32Array; meta: SourceMeta } | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const { audio, facts } = await renderSourceOnce(ctx, plan, s, attempt);
    const { db, activeSeconds } = activeLoudness(audio, sampleRate);
    const ok = db > -80 && activeSeconds >= minActive;
    last = {
      audio,
      meta: {
        ...s,
        ...facts,
        gainDb: round2(s.gainDb),
        loudnessDb: round2(db),
        activeSeconds: round2(activeSeconds),
        attempts: attempt + 1,
        dropped: !ok,
      },
    };
    if (ok) break;
  }
  return last!;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Nominal active level (dBFS) a source at relative gain 0 dB is set to before the final levelling. */
const REFERENCE_DB = -20;

/**
 * Renders a planned clip.
 * @example
 * ```ts
 * const { wav, meta } = await renderClip(new RenderContext(config, inventory), planClip(0, config, inventory, data));
 * ```
 */
export async function renderClip(
  ctx: RenderContext,
  plan: ClipPlan,
): Promise<{ wav: Uint8Array; meta: ClipMeta; audio: Float32Array }> {
  const { sampleRate, seconds } = ctx.config;
  const length = Math.round(seconds * sampleRate);
  const music = new Float32Array(length);
  const sourceMetas: SourceMeta[] = [];
  const negativeMetas: SourceMeta[] = [];
  for (const [list, metas] of [
    [plan.sources, sourceMetas],
    [plan.negatives, negativeMetas],
  ] as const) {
    for (const s of list) {
      const { audio, meta } = await renderSource(ctx, plan, s);
      metas.push(meta);
      if (meta.dropped) continue;
      addInto(music, audio, dbToGain(REFERENCE_DB + s.gainDb - meta.loudnessDb));
    }
  }
  if (plan.reverb) {
    const h = await ctx.impulseResponse(plan.reverb.file);
    const wet = fftConvolve(music, h); // full length; the first `length` samples are used
    const w = plan.reverb.wet;
    for (let i = 0; i < length; i++) music[i] = (1 - w) * music[i]! + w * wet[i]!;
  }
  const mix = music;
  if (plan.noise) {
    const rng = new Rng(ctx.config.seed).derive(plan.index, 7);
    const { audio: noise } = await excerpt(
      rng,
      ctx.cache!,
      { file: plan.noise.file, seconds: 0, what: 'noise' },
      sampleRate,
      length,
      {
        loop: true,
        tries: 1,
      },
    );
    const musicDb = activeLoudness(music, sampleRate).db;
    const noiseDb = rmsDb(noise);
    const g =
      musicDb > -150 && noiseDb > -150
        ? dbToGain(musicDb - plan.noise.snrDb - noiseDb)
        : noiseDb > -150
          ? dbToGain(REFERENCE_DB - noiseDb)
          : 0;
    addInto(mix, noise, g);
  }
  const rms = rmsDb(mix);
  let gainDb = rms > -150 ? plan.levelDbfs - rms : 0;
  const peak = peakLevel(mix) * dbToGain(gainDb);
  const limited = peak > 0.98;
  if (limited) gainDb += 20 * Math.log10(0.98 / peak);
  scaleInPlace(mix, dbToGain(gainDb));
  const labels = IRMAS_CODES.filter((c) => sourceMetas.some((m) => m.code === c && !m.dropped));
  const meta: ClipMeta = {
    index: plan.index,
    file: plan.file,
    labels,
    kind: labels.length === 0 ? 'negative' : labels.length === 1 ? 'solo' : 'mix',
    seconds,
    sampleRate,
    context: plan.context,
    sources: sourceMetas,
    negatives: negativeMetas,
    noise: plan.noise ? { file: plan.noise.file, snrDb: round2(plan.noise.snrDb) } : null,
    reverb: plan.reverb ? { file: plan.reverb.file, wet: round2(plan.reverb.wet) } : null,
    levelDbfs: round2(plan.levelDbfs),
    gainDb: round2(gainDb),
    peak: Math.round(peakLevel(mix) * 1e4) / 1e4,
    rmsDbfs: round2(rmsDb(mix)),
    limited,
  };
  return { wav: encodeWav16(mix, sampleRate), meta, audio: mix };
}
