import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { DatasetError, InstrumentSet, IOError } from '@instr/core';
import { parse } from 'csv-parse/sync';
import { Dataset, type DatasetItem, encodeCodes } from './dataset.js';
import { AUDIO_EXTENSIONS, assertFilesExist, listAudioFiles } from './files.js';

/**
 * Options of {@link loadCsvDataset}.
 * @example
 * ```ts
 * await loadCsvDataset('list.csv', { root: '/audio', groupColumn: 'song' } satisfies CsvDatasetOptions);
 * ```
 */
export interface CsvDatasetOptions {
  /** Label vocabulary. Default `InstrumentSet.irmas()`. */
  instruments?: InstrumentSet;
  /** Folder that relative file paths are resolved against. Default: the CSV's folder. */
  root?: string;
  /** Column of file paths. Default: the first of `file`, `filename`, `path` present. */
  fileColumn?: string;
  /**
   * Column of `separator`-separated codes (long form, as the shared manifests' `labels`). Default: `labels`
   * when present; otherwise the code columns (wide form: one 0/1 column per code, any order).
   */
  labelsColumn?: string;
  /** Separator inside the labels column. Default `';'`. */
  separator?: string;
  /** Column naming the group (song, singer) kept together by splits. Default none. */
  groupColumn?: string;
  /** Column holding the genre. Default `genre` when present. */
  genreColumn?: string;
  /** Check that every file exists (default true). */
  checkFiles?: boolean;
  /** Keep only rows for which this returns true (called with the raw row). Default: all rows. */
  where?: (row: Readonly<Record<string, string>>) => boolean;
  /** Throw when a class has no file (default false: see `dataset.emptyClasses`). */
  requireAllClasses?: boolean;
  /** Dataset name. Default: the CSV path. */
  name?: string;
}

const TRUE = new Set(['1', '1.0', 'true', 'True', 'TRUE', 'yes']);
const FALSE = new Set(['0', '0.0', 'false', 'False', 'FALSE', 'no', '']);

/**
 * Loads a CSV of labelled files in either form:
 * - **long**: a file column and a `labels` column of `;`-separated codes (`pia;voi`; empty = no
 *   instrument), as the shared manifests (`shared/data/train/manifest.csv`);
 * - **wide**: a file column and one 0/1 column per instrument code, in any order (the reference's
 *   `file, cel, cla, …, voi`). Codes of the set without a column are 0; other columns go to `meta`.
 * A `seconds` or `duration` column fills `durationSeconds`; a `genre` column fills `genre`.
 *
 * @throws {@link UnknownInstrumentError} for an unknown code, naming the file and line.
 * @throws {@link DatasetError} for a missing file column, a non-0/1 cell, or listed files that do not exist (all named).
 * @example
 * ```ts
 * const train = await loadCsvDataset('/work/shared/data/train/manifest.csv', {
 *   where: (row) => !['noise', 'impulse_response'].includes(row.kind),
 * });
 * ```
 */
export async function loadCsvDataset(csvPath: string, options: CsvDatasetOptions = {}): Promise<Dataset> {
  const instruments = options.instruments ?? InstrumentSet.irmas();
  let text: string;
  try {
    text = await readFile(csvPath, 'utf8');
  } catch (cause) {
    throw new DatasetError(`Cannot read the CSV ${csvPath}.`, { details: { file: csvPath }, cause });
  }
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (cause) {
    throw new DatasetError(`${csvPath} is not valid CSV: ${(cause as Error).message}`, {
      details: { file: csvPath },
      cause,
    });
  }
  if (rows.length === 0) throw new DatasetError(`${csvPath} is empty.`, { details: { file: csvPath } });
  const header = rows[0]!.map((h) => h.trim());
  const col = (name: string | undefined) => (name === undefined ? -1 : header.indexOf(name));
  const fileColumn = options.fileColumn ?? ['file', 'filename', 'path'].find((c) => header.includes(c));
  const fileIdx = col(fileColumn);
  if (fileIdx < 0) {
    throw new DatasetError(
      `${csvPath} has no file column${options.fileColumn ? ` "${options.fileColumn}"` : ' (file, filename or path)'}; columns: ${header.join(', ')}.`,
      { details: { file: csvPath, key: options.fileColumn ?? 'file', actual: header } },
    );
  }
  const labelsColumn = options.labelsColumn ?? (header.includes('labels') ? 'labels' : undefined);
  const labelsIdx = col(labelsColumn);
  if (options.labelsColumn && labelsIdx < 0) {
    throw new DatasetError(`${csvPath} has no labels column "${options.labelsColumn}".`, {
      details: { file: csvPath, key: options.labelsColumn, actual: header },
    });
  }
  const codeCols =
    labelsIdx >= 0 ? [] : header.map((h, i) => ({ h, i })).filter(({ h }) => instruments.has(h));
  if (labelsIdx < 0 && codeCols.length === 0) {
    throw new DatasetError(
      `${csvPath} has neither a labels column nor any instrument column (${instruments.codes.join(', ')}); columns: ${header.join(', ')}.`,
      { details: { file: csvPath, key: 'labels', actual: header } },
    );
  }
  const groupIdx = col(options.groupColumn);
  if (options.groupColumn && groupIdx < 0) {
    throw new DatasetError(`${csvPath} has no group column "${options.groupColumn}".`, {
      details: { file: csvPath, key: options.groupColumn, actual: header },
    });
  }
  const genreIdx = col(options.genreColumn ?? 'genre');
  const durIdx = header.findIndex((h) => h === 'seconds' || h === 'duration');
  const used = new Set([fileIdx, labelsIdx, groupIdx, genreIdx, ...codeCols.map((c) => c.i)]);
  const root = options.root ?? dirname(resolve(csvPath));
  const separator = options.separator ?? ';';
  const items: DatasetItem[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const line = r + 1;
    if (options.where) {
      const record = Object.fromEntries(header.map((h, i) => [h, row[i] ?? '']));
      if (!options.where(record)) continue;
    }
    const file = (row[fileIdx] ?? '').trim();
    if (file === '') {
      throw new DatasetError(`${csvPath} line ${line}: empty file name.`, {
        details: { file: csvPath, line, key: fileColumn },
      });
    }
    let codes: string[];
    if (labelsIdx >= 0) {
      codes = (row[labelsIdx] ?? '')
        .split(separator)
        .map((c) => c.trim())
        .filter((c) => c !== '');
    } else {
      codes = [];
      for (const { h, i } of codeCols) {
        const v = (row[i] ?? '').trim();
        if (TRUE.has(v)) codes.push(h);
        else if (!FALSE.has(v)) {
          throw new DatasetError(`${csvPath} line ${line}, column ${h}: expected 0 or 1, got "${v}".`, {
            details: { file: csvPath, line, key: h, actual: v, expected: [0, 1] },
          });
        }
      }
    }
    const encoded = encodeCodes(instruments, codes, { file: csvPath, line, column: labelsColumn });
    const meta: Record<string, unknown> = { line };
    header.forEach((h, i) => {
      if (!used.has(i)) meta[h] = row[i];
    });
    const seconds = durIdx >= 0 ? Number.parseFloat(row[durIdx] ?? '') : Number.NaN;
    const genre = genreIdx >= 0 ? (row[genreIdx] ?? '').trim() : '';
    const group = groupIdx >= 0 ? (row[groupIdx] ?? '').trim() : '';
    items.push({
      id: file,
      path: isAbsolute(file) ? file : resolve(root, file),
      labels: encoded.labels,
      codes: encoded.codes,
      ...(group !== '' ? { group } : {}),
      ...(genre !== '' ? { genre } : {}),
      ...(Number.isFinite(seconds) ? { durationSeconds: seconds } : {}),
      meta,
    });
  }
  if (options.checkFiles !== false)
    await assertFilesExist(
      items.map((i) => i.path),
      csvPath,
    );
  return new Dataset(instruments, items, {
    name: options.name ?? csvPath,
    source: csvPath,
    requireAllClasses: options.requireAllClasses,
  });
}

/**
 * Options of {@link loadAudioFolder}.
 * @example
 * ```ts
 * await loadAudioFolder('samples', { extensions: ['wav'] } satisfies AudioFolderOptions);
 * ```
 */
export interface AudioFolderOptions {
  /** Label vocabulary of the (all-zero) label vectors. Default `InstrumentSet.irmas()`. */
  instruments?: InstrumentSet;
  /** Audio extensions to pick up. Default {@link AUDIO_EXTENSIONS}. */
  extensions?: readonly string[];
  /** Dataset name. Default the folder. */
  name?: string;
}

/**
 * A plain folder of audio files (searched recursively) for inference: no labels (`labelled: false`,
 * label vectors all zero).
 * @throws {@link DatasetError} when the folder is missing or holds no audio.
 * @example
 * ```ts
 * const library = await loadAudioFolder('~/samples');
 * ```
 */
export async function loadAudioFolder(root: string, options: AudioFolderOptions = {}): Promise<Dataset> {
  const instruments = options.instruments ?? InstrumentSet.irmas();
  const files = await listAudioFiles(root, options.extensions ?? AUDIO_EXTENSIONS);
  if (files.length === 0) {
    throw new DatasetError(
      `No audio files (${(options.extensions ?? AUDIO_EXTENSIONS).join(', ')}) under ${root}.`,
      { details: { file: root } },
    );
  }
  const items = files.map(({ path, id }) => ({
    id,
    path,
    labels: new Float32Array(instruments.size),
    codes: [],
    meta: {},
  }));
  return new Dataset(instruments, items, { name: options.name ?? root, source: root, labelled: false });
}

/**
 * Options of {@link loadOpenMic}.
 * @example
 * ```ts
 * await loadOpenMic('labels.csv', { relevance: 0.5, instrumentMap: { ...OPENMIC_TO_IRMAS, guitar: 'gac' } } satisfies OpenMicOptions);
 * ```
 */
export interface OpenMicOptions {
  /** Folder holding `<key[:3]>/<key>.ogg`. Default: `audio/` beside the labels CSV. */
  audioRoot?: string;
  /** Label vocabulary. Default `InstrumentSet.irmas()`. */
  instruments?: InstrumentSet;
  /**
   * OpenMIC instrument name → code of the set; names not in the map are dropped. Default: cello→cel,
   * clarinet→cla, flute→flu, organ→org, piano→pia, saxophone→sax, trumpet→tru, violin→vio, voice→voi
   * (OpenMIC's `guitar` does not say acoustic or electric, so it is dropped unless mapped).
   */
  instrumentMap?: Readonly<Record<string, string>>;
  /** A row is a positive label when `relevance > threshold` (strictly, as the reference). Default 0.8. */
  relevance?: number;
  /** Keep clips with no positive label as all-zero examples (default false). */
  keepUnlabelled?: boolean;
  /** Audio extension. Default `ogg`. */
  extension?: string;
  /** Check that every file exists (default true). */
  checkFiles?: boolean;
}

/**
 * Default OpenMIC-2018 name → IRMAS code map (guitar omitted: it is ambiguous).
 * @example
 * ```ts
 * OPENMIC_TO_IRMAS.violin; // 'vio'
 * ```
 */
export const OPENMIC_TO_IRMAS: Readonly<Record<string, string>> = {
  cello: 'cel',
  clarinet: 'cla',
  flute: 'flu',
  organ: 'org',
  piano: 'pia',
  saxophone: 'sax',
  trumpet: 'tru',
  violin: 'vio',
  voice: 'voi',
};

/**
 * Loads OpenMIC-2018's aggregated labels (`sample_key, instrument, relevance`, one row per clip and
 * instrument) as a **multi-label** dataset: every instrument with relevance above the threshold is kept
 * (the reference's `drop_duplicates(file)` kept one label per clip; we do not).
 *
 * @throws {@link UnknownInstrumentError} when the map sends a name to a code outside the set (file and line).
 * @throws {@link DatasetError} for missing columns, a non-numeric relevance or missing audio files.
 * @example
 * ```ts
 * const openmic = await loadOpenMic('/data/openmic/openmic-2018-aggregated-labels.csv', { relevance: 0.8 });
 * ```
 */
export async function loadOpenMic(labelsCsv: string, options: OpenMicOptions = {}): Promise<Dataset> {
  const instruments = options.instruments ?? InstrumentSet.irmas();
  const map = options.instrumentMap ?? OPENMIC_TO_IRMAS;
  const threshold = options.relevance ?? 0.8;
  let text: string;
  try {
    text = await readFile(labelsCsv, 'utf8');
  } catch (cause) {
    throw new IOError(`Cannot read the OpenMIC labels ${labelsCsv}.`, {
      details: { file: labelsCsv },
      cause,
    });
  }
  const rows = parse(text, { bom: true, skip_empty_lines: true }) as string[][];
  const header = (rows[0] ?? []).map((h) => h.trim());
  const [k, ins, rel] = ['sample_key', 'instrument', 'relevance'].map((c) => header.indexOf(c));
  if (k! < 0 || ins! < 0 || rel! < 0) {
    throw new DatasetError(
      `${labelsCsv} needs columns sample_key, instrument, relevance; got ${header.join(', ')}.`,
      {
        details: { file: labelsCsv, actual: header },
      },
    );
  }
  const clips = new Map<string, { codes: Set<string>; relevance: Record<string, number> }>();
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const key = row[k!]!.trim();
    const name = row[ins!]!.trim();
    const value = Number.parseFloat(row[rel!]!);
    if (!Number.isFinite(value)) {
      throw new DatasetError(`${labelsCsv} line ${r + 1}: relevance "${row[rel!]}" is not a number.`, {
        details: { file: labelsCsv, line: r + 1, key: 'relevance', actual: row[rel!] },
      });
    }
    const clip = clips.get(key) ?? { codes: new Set<string>(), relevance: {} };
    clips.set(key, clip);
    clip.relevance[name] = value;
    const code = map[name];
    if (code === undefined || !(value > threshold)) continue;
    encodeCodes(instruments, [code], { file: labelsCsv, line: r + 1, column: 'instrument' });
    clip.codes.add(code);
  }
  const audioRoot = options.audioRoot ?? resolve(dirname(resolve(labelsCsv)), 'audio');
  const ext = options.extension ?? 'ogg';
  const items: DatasetItem[] = [];
  for (const [key, clip] of [...clips].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (clip.codes.size === 0 && !options.keepUnlabelled) continue;
    const { labels, codes } = encodeCodes(instruments, clip.codes, { file: labelsCsv });
    items.push({
      id: key,
      path: resolve(audioRoot, key.slice(0, 3), `${key}.${ext}`),
      labels,
      codes,
      meta: { relevance: clip.relevance },
    });
  }
  if (options.checkFiles !== false)
    await assertFilesExist(
      items.map((i) => i.path),
      labelsCsv,
    );
  return new Dataset(instruments, items, { name: 'openmic', source: labelsCsv });
}
