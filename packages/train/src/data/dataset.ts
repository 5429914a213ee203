import { DatasetError, InstrumentSet, InvalidArgumentError, UnknownInstrumentError } from '@instr/core';

/**
 * One example of a {@link Dataset}: an audio file with its labels.
 *
 * @example
 * ```ts
 * const item: DatasetItem = {
 *   id: 'cel/[cel][cla]0001__1.wav', path: '/data/irmas/cel/[cel][cla]0001__1.wav',
 *   labels: InstrumentSet.irmas().encode(['cel']), codes: ['cel'],
 *   group: 'cel/[cel][cla]0001', genre: 'cla', drums: false, meta: {},
 * };
 * ```
 */
export interface DatasetItem {
  /** Stable identifier, unique in the dataset (usually the path relative to the dataset root). */
  readonly id: string;
  /** Absolute path of the audio file. */
  readonly path: string;
  /** Multi-hot label vector in the {@link InstrumentSet} order (all zeros for unlabelled data). */
  readonly labels: Float32Array;
  /** The instrument codes present, in the InstrumentSet order. */
  readonly codes: readonly string[];
  /** Items of one group (song, recording session, singer) must stay in the same split. */
  readonly group?: string;
  /** Genre tag, when the layout gives one (IRMAS: `cou_fol`, `cla`, `pop_roc`, `lat_sou`, `jaz_blu`). */
  readonly genre?: string;
  /** Whether drums are present: true (`[dru]`), false (`[nod]`), undefined when unknown. */
  readonly drums?: boolean;
  /** Duration in seconds, when known (a CSV column or {@link measureDurations}). */
  readonly durationSeconds?: number;
  /** Anything else the layout carried (extra CSV columns, OpenMIC relevances …). */
  readonly meta: Readonly<Record<string, unknown>>;
}

/**
 * Options of {@link Dataset.constructor}.
 * @example
 * ```ts
 * new Dataset(InstrumentSet.irmas(), items, { name: 'train', requireAllClasses: true } satisfies DatasetOptions);
 * ```
 */
export interface DatasetOptions {
  /** Whether the items carry labels (false for inference folders). Default true. */
  labelled?: boolean;
  /** Name used in messages and reports. Default `'dataset'`. */
  name?: string;
  /** Root folder or file the dataset was read from, if any. */
  source?: string;
  /**
   * Throw a {@link DatasetError} when a class has no example (default false: the classes are listed in
   * {@link Dataset.emptyClasses} instead).
   */
  requireAllClasses?: boolean;
}

/**
 * A list of labelled audio files over one {@link InstrumentSet}. Every loader (`loadIrmasTrain`,
 * `loadIrmasTest`, `loadCsvDataset`, `loadAudioFolder`, `loadOpenMic`) returns one.
 *
 * @example
 * ```ts
 * const ds = await loadIrmasTrain('/data/IRMAS-TrainingData');
 * ds.size;              // 6705
 * ds.emptyClasses;      // [] — codes with no example
 * const val = ds.subset([0, 5, 9], 'val');
 * ```
 */
export class Dataset {
  readonly name: string;
  readonly instruments: InstrumentSet;
  readonly items: readonly DatasetItem[];
  readonly labelled: boolean;
  readonly source: string | undefined;

  constructor(instruments: InstrumentSet, items: readonly DatasetItem[], options: DatasetOptions = {}) {
    if (!(instruments instanceof InstrumentSet)) {
      throw new InvalidArgumentError('Dataset needs an InstrumentSet.', { details: { key: 'instruments' } });
    }
    this.name = options.name ?? 'dataset';
    this.instruments = instruments;
    this.labelled = options.labelled ?? true;
    this.source = options.source;
    const seen = new Set<string>();
    for (const item of items) {
      if (item.labels.length !== instruments.size) {
        throw new DatasetError(
          `Item "${item.id}" of ${this.name} has ${item.labels.length} labels; the InstrumentSet has ${instruments.size}.`,
          { details: { file: item.path, expected: instruments.size, actual: item.labels.length } },
        );
      }
      if (seen.has(item.id)) {
        throw new DatasetError(`Item id "${item.id}" appears twice in ${this.name}; ids must be unique.`, {
          details: { file: item.path, key: 'id', actual: item.id },
        });
      }
      seen.add(item.id);
    }
    this.items = Object.freeze([...items]);
    if (options.requireAllClasses && this.labelled) {
      const empty = this.emptyClasses;
      if (empty.length > 0) {
        throw new DatasetError(
          `${this.name}${this.source ? ` (${this.source})` : ''} has no example of ${empty.join(', ')}; ` +
            'add files for them or use an InstrumentSet without them.',
          { details: { file: this.source, key: 'classes', actual: empty } },
        );
      }
    }
  }

  /** Number of items. */
  get size(): number {
    return this.items.length;
  }

  /** Codes of the classes that no item carries (empty for unlabelled datasets). */
  get emptyClasses(): string[] {
    if (!this.labelled) return [];
    const counts = this.classCounts();
    return this.instruments.codes.filter((_, j) => counts[j] === 0);
  }

  /** Number of items holding each class (label ≥ 0.5), in InstrumentSet order. */
  classCounts(): number[] {
    const counts = new Array<number>(this.instruments.size).fill(0);
    for (const item of this.items) {
      for (let j = 0; j < counts.length; j++) if (item.labels[j]! >= 0.5) counts[j]!++;
    }
    return counts;
  }

  /** Row-major `[items, classes]` label matrix. */
  labelMatrix(): Float32Array {
    const c = this.instruments.size;
    const out = new Float32Array(this.items.length * c);
    this.items.forEach((item, i) => {
      out.set(item.labels, i * c);
    });
    return out;
  }

  /** A dataset of the items at `indices` (in that order). */
  subset(indices: readonly number[], name = `${this.name}[subset]`): Dataset {
    const items = indices.map((i) => {
      const item = this.items[i];
      if (item === undefined) {
        throw new InvalidArgumentError(`Index ${i} is outside ${this.name} (size ${this.size}).`, {
          details: { key: 'indices', actual: i, expected: `0..${this.size - 1}` },
        });
      }
      return item;
    });
    return new Dataset(this.instruments, items, { name, labelled: this.labelled, source: this.source });
  }

  /** A dataset of the items for which `keep` is true. */
  filter(keep: (item: DatasetItem, index: number) => boolean, name = this.name): Dataset {
    return new Dataset(this.instruments, this.items.filter(keep), {
      name,
      labelled: this.labelled,
      source: this.source,
    });
  }

  /** A dataset with the same items, each replaced by `fn(item)`. */
  map(fn: (item: DatasetItem, index: number) => DatasetItem, name = this.name): Dataset {
    return new Dataset(this.instruments, this.items.map(fn), {
      name,
      labelled: this.labelled,
      source: this.source,
    });
  }
}

/**
 * Joins datasets over the same InstrumentSet (ids must stay unique; prefix them if needed).
 * @throws {@link DatasetError} when the instrument sets differ or ids collide.
 * @example
 * ```ts
 * const all = concatDatasets([irmas, audioset], 'train');
 * ```
 */
export function concatDatasets(datasets: readonly Dataset[], name = 'concat'): Dataset {
  if (datasets.length === 0) throw new InvalidArgumentError('concatDatasets needs at least one dataset.');
  const first = datasets[0]!;
  for (const d of datasets) {
    if (!d.instruments.equals(first.instruments)) {
      throw new DatasetError(
        `Cannot join ${d.name} (${d.instruments.codes.join(' ')}) with ${first.name} (${first.instruments.codes.join(' ')}): the instrument sets differ.`,
        { details: { key: 'instruments', expected: first.instruments.codes, actual: d.instruments.codes } },
      );
    }
  }
  return new Dataset(
    first.instruments,
    datasets.flatMap((d) => d.items),
    { name, labelled: datasets.every((d) => d.labelled) },
  );
}

/** @internal Builds an item's label vector and ordered code list, naming the file and line on an unknown code. */
export function encodeCodes(
  instruments: InstrumentSet,
  codes: Iterable<string>,
  where: { file: string; line?: number; column?: string },
): { labels: Float32Array; codes: string[] } {
  const labels = new Float32Array(instruments.size);
  for (const code of codes) {
    if (!instruments.has(code)) {
      const at = where.line !== undefined ? ` line ${where.line}` : '';
      throw new UnknownInstrumentError(
        `${where.file}${at}: unknown instrument "${code}"${where.column ? ` (column ${where.column})` : ''}; ` +
          `known codes: ${instruments.codes.join(' ')}. Fix the label or pass an InstrumentSet that has it.`,
        {
          details: {
            file: where.file,
            line: where.line,
            key: where.column,
            actual: code,
            expected: instruments.codes,
          },
        },
      );
    }
    labels[instruments.indexOf(code)] = 1;
  }
  return { labels, codes: instruments.codes.filter((_, j) => labels[j] === 1) };
}
