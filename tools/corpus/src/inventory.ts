/** What real material and which SoundFonts are available, found once per build. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatasetError, IRMAS_CODES } from '@instr/core';
import { parse } from 'csv-parse/sync';
import { DEFAULT_SOUNDFONTS, type SoundFontSpec } from './gm.js';
import { noteSetOf, pitchFromFileName } from './pitch.js';

/** A real isolated note. `file` is relative to `shared/data/train`. */
export interface RealNote {
  file: string;
  code: string;
  set: string;
  /** Sounding MIDI pitch, or null when the file name does not say. */
  midi: number | null;
}

/** A real recording used whole or as an excerpt (voice phrase, negative, noise, impulse response). */
export interface RealClip {
  file: string;
  seconds: number;
  /** For negatives: what is in it (manifest `other_sources`, e.g. `bass;drums`). */
  what: string;
}

/** Everything a build draws from. Lists are sorted, so plans depend only on the seed. */
export interface Inventory {
  /** Absolute path of `shared/data/train`, or null when real material is not used. */
  trainDir: string | null;
  /** sha256 of train/manifest.csv (recorded in build.json). */
  manifestSha256: string | null;
  notes: Record<string, RealNote[]>;
  voice: RealClip[];
  negatives: RealClip[];
  noise: RealClip[];
  ir: RealClip[];
  soundfonts: SoundFontSpec[];
}

/** Repository root (tools/corpus/src → ../../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The default shared/ folder: `$INSTR_SHARED_DIR`, else `shared/` beside the checkout; undefined if absent. */
export function defaultSharedDir(): string | undefined {
  const dir = process.env.INSTR_SHARED_DIR ?? join(repoRoot, '..', 'shared');
  return existsSync(join(dir, 'data', 'train', 'manifest.csv')) ? dir : undefined;
}

/** SoundFonts from `candidates` whose files exist. */
export function availableSoundFonts(
  candidates: readonly SoundFontSpec[] = DEFAULT_SOUNDFONTS,
): SoundFontSpec[] {
  return candidates.filter((sf) => existsSync(sf.path) && statSync(sf.path).size > 0);
}

interface ManifestRow {
  file: string;
  labels: string;
  other_sources: string;
  kind: string;
  seconds: string;
}

/**
 * Reads `<sharedDir>/data/train/manifest.csv` (when `sharedDir` is given) and the SoundFonts.
 * @throws {@link DatasetError} when the manifest lists files that are missing.
 */
export function loadInventory(sharedDir: string | null, soundfonts: SoundFontSpec[]): Inventory {
  const inv: Inventory = {
    trainDir: null,
    manifestSha256: null,
    notes: Object.fromEntries(IRMAS_CODES.map((c) => [c, []])),
    voice: [],
    negatives: [],
    noise: [],
    ir: [],
    soundfonts,
  };
  if (!sharedDir) return inv;
  const trainDir = join(sharedDir, 'data', 'train');
  const manifestPath = join(trainDir, 'manifest.csv');
  if (!existsSync(manifestPath)) {
    throw new DatasetError(
      `No manifest at ${manifestPath}; pass --shared <dir> pointing at the shared/ folder.`,
      {
        details: { file: manifestPath },
      },
    );
  }
  const text = readFileSync(manifestPath);
  inv.trainDir = trainDir;
  inv.manifestSha256 = createHash('sha256').update(text).digest('hex');
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as ManifestRow[];
  rows.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const missing: string[] = [];
  for (const row of rows) {
    if (!existsSync(join(trainDir, row.file))) {
      missing.push(row.file);
      continue;
    }
    const top = row.file.split('/')[0];
    const clip: RealClip = { file: row.file, seconds: Number(row.seconds), what: row.other_sources };
    if (top === 'notes') {
      const code = row.file.split('/')[1]!;
      if (!IRMAS_CODES.includes(code)) continue;
      inv.notes[code]!.push({
        file: row.file,
        code,
        set: noteSetOf(row.file),
        midi: pitchFromFileName(row.file),
      });
    } else if (top === 'phrases' && row.labels === 'voi') inv.voice.push(clip);
    else if (top === 'negatives' && row.labels === '') inv.negatives.push(clip);
    else if (top === 'noise') inv.noise.push(clip);
    else if (top === 'ir') inv.ir.push(clip);
  }
  if (missing.length > 0) {
    throw new DatasetError(
      `${missing.length} files listed in ${manifestPath} are missing (first: ${missing[0]}); re-sync shared/data.`,
      { details: { file: manifestPath, actual: missing.slice(0, 10) } },
    );
  }
  return inv;
}

/** Count of real items per class (notes; phrases for `voi`). */
export function realItemCounts(inv: Inventory): Record<string, number> {
  return Object.fromEntries(
    IRMAS_CODES.map((c) => [c, c === 'voi' ? inv.voice.length : inv.notes[c]!.length]),
  );
}
