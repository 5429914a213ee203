import { readAudioFileInfo } from '@instr/dsp/node';
import type { Dataset } from './dataset.js';
import { mapConcurrent, type ProgressCallback } from './files.js';

/**
 * Per-class numbers of {@link DatasetStatistics}.
 * @example
 * ```ts
 * for (const c of datasetStatistics(ds).classes as ClassStatistics[]) console.log(c.code, c.files, c.seconds);
 * ```
 */
export interface ClassStatistics {
  code: string;
  name: string;
  /** Files holding the class. */
  files: number;
  /** Seconds of audio holding the class (files with a known duration only). */
  seconds: number;
}

/**
 * What {@link datasetStatistics} reports.
 * @example
 * ```ts
 * const { cooccurrence, instrumentsPerFile }: DatasetStatistics = datasetStatistics(ds);
 * ```
 */
export interface DatasetStatistics {
  /** Number of files. */
  files: number;
  /** Files with no instrument of the set. */
  unlabelled: number;
  /** Total seconds over files with a known duration. */
  seconds: number;
  /** Files whose duration is unknown (run {@link measureDurations} first to fill them). */
  unknownDuration: number;
  /** One entry per class, in InstrumentSet order. */
  classes: ClassStatistics[];
  /** `instrumentsPerFile[k]` = files with exactly k instruments. */
  instrumentsPerFile: number[];
  /** `cooccurrence[i][j]` = files holding both i and j (the diagonal is the class count). */
  cooccurrence: number[][];
  /** Files per genre (`unknown` for none). */
  genres: Record<string, number>;
  /** Files with drums, without, and unknown. */
  drums: { yes: number; no: number; unknown: number };
  /** Codes with no file. */
  emptyClasses: string[];
}

/**
 * Counts per class, seconds per class, instruments per file, the class co-occurrence matrix, genres and
 * drums of a dataset (from its items; durations come from `durationSeconds`, see {@link measureDurations}).
 * @example
 * ```ts
 * const stats = datasetStatistics(await measureDurations(ds));
 * stats.classes.map((c) => `${c.code}: ${c.files} files, ${c.seconds.toFixed(0)} s`);
 * ```
 */
export function datasetStatistics(dataset: Dataset): DatasetStatistics {
  const c = dataset.instruments.size;
  const classes = dataset.instruments.instruments.map((i) => ({
    code: i.code,
    name: i.name,
    files: 0,
    seconds: 0,
  }));
  const cooccurrence = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  const instrumentsPerFile: number[] = [0];
  const genres: Record<string, number> = {};
  const drums = { yes: 0, no: 0, unknown: 0 };
  let seconds = 0;
  let unknownDuration = 0;
  let unlabelled = 0;
  for (const item of dataset.items) {
    const present: number[] = [];
    for (let j = 0; j < c; j++) if (item.labels[j]! >= 0.5) present.push(j);
    while (instrumentsPerFile.length <= present.length) instrumentsPerFile.push(0);
    instrumentsPerFile[present.length]!++;
    if (present.length === 0) unlabelled++;
    const d = item.durationSeconds;
    if (d === undefined) unknownDuration++;
    else seconds += d;
    for (const i of present) {
      classes[i]!.files++;
      if (d !== undefined) classes[i]!.seconds += d;
      for (const j of present) cooccurrence[i]![j]!++;
    }
    const g = item.genre ?? 'unknown';
    genres[g] = (genres[g] ?? 0) + 1;
    if (item.drums === true) drums.yes++;
    else if (item.drums === false) drums.no++;
    else drums.unknown++;
  }
  return {
    files: dataset.size,
    unlabelled,
    seconds,
    unknownDuration,
    classes,
    instrumentsPerFile,
    cooccurrence,
    genres,
    drums,
    emptyClasses: dataset.labelled ? classes.filter((k) => k.files === 0).map((k) => k.code) : [],
  };
}

/**
 * Options of {@link measureDurations}.
 * @example
 * ```ts
 * await measureDurations(ds, { concurrency: 16 } satisfies MeasureDurationsOptions);
 * ```
 */
export interface MeasureDurationsOptions {
  /** Files read at once. Default 8. */
  concurrency?: number;
  /** Called after each file. */
  onProgress?: ProgressCallback;
  /** Re-measure items that already have a duration (default false). */
  force?: boolean;
}

/**
 * Fills `durationSeconds` of every item from the file headers (`readAudioFileInfo`; only compressed files
 * without a length in their headers are decoded), in parallel.
 * @throws {@link IOError} / {@link AudioDecodeError} naming the file (use `cleanDataset` to skip bad files).
 * @example
 * ```ts
 * const withSeconds = await measureDurations(ds, { onProgress: ({ done, total }) => bar.update(done / total) });
 * ```
 */
export async function measureDurations(
  dataset: Dataset,
  options: MeasureDurationsOptions = {},
): Promise<Dataset> {
  const durations = await mapConcurrent(
    dataset.items,
    options.concurrency ?? 8,
    async (item) => {
      if (item.durationSeconds !== undefined && !options.force) return item.durationSeconds;
      return (await readAudioFileInfo(item.path)).duration;
    },
    (done, total, i) => options.onProgress?.({ done, total, id: dataset.items[i]!.id }),
  );
  return dataset.map((item, i) => ({ ...item, durationSeconds: durations[i] }));
}
