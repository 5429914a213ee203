/** manifest.csv rows and the corpus.json summary, both derived from the per-clip metadata only. */
import { IRMAS_CODES } from '@instr/core';
import { stringify } from 'csv-stringify/sync';
import type { ClipMeta, SourceMeta } from './clip.js';

/** Manifest columns, in order. */
export const MANIFEST_COLUMNS = [
  'file',
  'labels',
  'kind',
  'origin',
  'n_sources',
  'sources',
  'synthetic_classes',
  'real_classes',
  'soundfonts',
  'programs',
  'real_files',
  'source_gains_db',
  'negatives',
  'noise',
  'snr_db',
  'ir',
  'reverb_wet',
  'level_dbfs',
  'gain_db',
  'peak',
  'seconds',
  'sample_rate',
] as const;

export type ManifestRow = Record<(typeof MANIFEST_COLUMNS)[number], string>;

/** `synthetic` / `real` / `mixed` for the labelled sources of a clip; `none` for pure negatives. */
export function clipOrigin(meta: ClipMeta): 'synthetic' | 'real' | 'mixed' | 'none' {
  const kept = meta.sources.filter((s) => !s.dropped);
  if (kept.length === 0) return 'none';
  const real = kept.filter((s) => s.origin === 'real').length;
  return real === 0 ? 'synthetic' : real === kept.length ? 'real' : 'mixed';
}

const safe = (s: string) => s.replaceAll(';', '+');

/** Short provenance of one source: `code:synth:<soundfont>#<program>:<style>` or `code:real:<set or file>[:<style>]`. */
export function describeSource(s: SourceMeta): string {
  if (s.origin === 'synth')
    return `${safe(s.code)}:synth:${s.soundfont}#${s.drums ? 'kit' : ''}${s.program}:${s.style}`;
  const what = s.set ?? s.file ?? '';
  const extra = s.set ? `:${s.style}` : s.shift ? `:shift${s.shift > 0 ? '+' : ''}${s.shift}` : '';
  return `${safe(s.code)}:real:${what}${extra}`;
}

/** One manifest row. */
export function manifestRow(meta: ClipMeta): ManifestRow {
  const kept = meta.sources.filter((s) => !s.dropped);
  const synth = kept.filter((s) => s.origin === 'synth');
  const real = kept.filter((s) => s.origin === 'real');
  const files = [...new Set(kept.flatMap((s) => s.files ?? []))].sort();
  return {
    file: meta.file,
    labels: meta.labels.join(';'),
    kind: meta.kind,
    origin: clipOrigin(meta),
    n_sources: String(kept.length),
    sources: kept.map(describeSource).join(';'),
    synthetic_classes: synth.map((s) => s.code).join(';'),
    real_classes: real.map((s) => s.code).join(';'),
    soundfonts: synth.map((s) => `${s.code}:${s.soundfont}`).join(';'),
    programs: synth.map((s) => `${s.code}:${s.program}`).join(';'),
    real_files: files.join(';'),
    source_gains_db: kept.map((s) => `${s.code}:${s.gainDb.toFixed(1)}`).join(';'),
    negatives: meta.negatives
      .filter((s) => !s.dropped)
      .map(describeSource)
      .join(';'),
    noise: meta.noise?.file ?? '',
    snr_db: meta.noise ? meta.noise.snrDb.toFixed(1) : '',
    ir: meta.reverb?.file ?? '',
    reverb_wet: meta.reverb ? meta.reverb.wet.toFixed(2) : '',
    level_dbfs: meta.rmsDbfs.toFixed(1),
    gain_db: meta.gainDb.toFixed(1),
    peak: meta.peak.toFixed(4),
    seconds: String(meta.seconds),
    sample_rate: String(meta.sampleRate),
  };
}

/** The manifest CSV text (header + one row per clip, in clip order). */
export function manifestCsv(metas: readonly ClipMeta[]): string {
  const rows = [...metas].sort((a, b) => a.index - b.index).map(manifestRow);
  return stringify(rows, { header: true, columns: [...MANIFEST_COLUMNS] });
}

/** Counts that describe a corpus (written to corpus.json). */
export interface CorpusSummary {
  clips: number;
  totalSeconds: number;
  kinds: Record<string, number>;
  sourcesPerClip: Record<string, number>;
  classes: Record<string, { clips: number; solo: number; synthetic: number; real: number; share: number }>;
  cooccurrence: { codes: string[]; counts: number[][] };
  origin: Record<string, number>;
  labelledSources: { synthetic: number; real: number; realShare: number; dropped: number };
  syntheticSecondsShare: number;
  soundfonts: Record<string, number>;
  programs: Record<string, number>;
  negatives: Record<string, number>;
  effects: { reverb: number; noise: number; withNegatives: number; limited: number };
}

function inc(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Summary statistics of a set of clips. */
export function summarize(metas: readonly ClipMeta[]): CorpusSummary {
  const codes = [...IRMAS_CODES];
  const classes: CorpusSummary['classes'] = Object.fromEntries(
    codes.map((c) => [c, { clips: 0, solo: 0, synthetic: 0, real: 0, share: 0 }]),
  );
  const co = codes.map(() => codes.map(() => 0));
  const s: CorpusSummary = {
    clips: metas.length,
    totalSeconds: 0,
    kinds: { solo: 0, mix: 0, negative: 0 },
    sourcesPerClip: {},
    classes,
    cooccurrence: { codes, counts: co },
    origin: { synthetic: 0, real: 0, mixed: 0, none: 0 },
    labelledSources: { synthetic: 0, real: 0, realShare: 0, dropped: 0 },
    syntheticSecondsShare: 0,
    soundfonts: {},
    programs: {},
    negatives: {},
    effects: { reverb: 0, noise: 0, withNegatives: 0, limited: 0 },
  };
  let synthWeight = 0;
  let labelledWeight = 0;
  for (const m of metas) {
    s.totalSeconds += m.seconds;
    inc(s.kinds, m.kind);
    inc(s.origin, clipOrigin(m));
    const kept = m.sources.filter((x) => !x.dropped);
    inc(s.sourcesPerClip, String(kept.length));
    s.labelledSources.dropped += m.sources.length - kept.length;
    for (const x of kept) {
      const c = classes[x.code]!;
      c.clips++;
      if (m.kind === 'solo') c.solo++;
      if (x.origin === 'synth') {
        c.synthetic++;
        s.labelledSources.synthetic++;
        inc(s.soundfonts, x.soundfont!);
        inc(s.programs, `${x.code}:${x.program}`);
      } else {
        c.real++;
        s.labelledSources.real++;
      }
    }
    if (kept.length > 0) {
      synthWeight += (m.seconds * kept.filter((x) => x.origin === 'synth').length) / kept.length;
      labelledWeight += m.seconds;
    }
    for (let i = 0; i < codes.length; i++) {
      if (!m.labels.includes(codes[i]!)) continue;
      for (let j = 0; j < codes.length; j++) if (m.labels.includes(codes[j]!)) co[i]![j]!++;
    }
    for (const n of m.negatives) if (!n.dropped) inc(s.negatives, `${n.origin}:${safe(n.code)}`);
    if (m.reverb) s.effects.reverb++;
    if (m.noise) s.effects.noise++;
    if (m.negatives.length > 0 && kept.length > 0) s.effects.withNegatives++;
    if (m.limited) s.effects.limited++;
  }
  for (const c of Object.values(classes))
    c.share = metas.length ? Math.round((c.clips / metas.length) * 1e4) / 1e4 : 0;
  const total = s.labelledSources.synthetic + s.labelledSources.real;
  s.labelledSources.realShare = total ? Math.round((s.labelledSources.real / total) * 1e4) / 1e4 : 0;
  s.syntheticSecondsShare = labelledWeight ? Math.round((synthWeight / labelledWeight) * 1e4) / 1e4 : 0;
  s.totalSeconds = Math.round(s.totalSeconds * 1000) / 1000;
  return s;
}
