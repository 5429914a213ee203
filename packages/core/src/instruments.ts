import { InvalidArgumentError, ShapeError, UnknownInstrumentError } from './errors.js';

/** One class of a label vocabulary. */
export interface Instrument {
  /** Short stable code used in files, CSV columns and model outputs (e.g. `cel`). */
  readonly code: string;
  /** Human-readable name (e.g. `Cello`). */
  readonly name: string;
  /** Family used by family-level losses and reports (e.g. `strings`). */
  readonly family: string;
}

/**
 * An ordered label vocabulary. The order is the index order of model outputs and label vectors.
 *
 * @example
 * ```ts
 * const irmas = InstrumentSet.irmas();
 * irmas.indexOf('pia');                // 6
 * irmas.encode(['pia', 'voi']);        // Float32Array with 1 at 6 and 10
 * irmas.decode([0, 0, 0, 0, 0, 0, 1]); // ['pia'] (length checked)
 * const mine = InstrumentSet.custom([{ code: 'kick', name: 'Kick drum', family: 'drums' }]);
 * ```
 */
export class InstrumentSet {
  readonly instruments: readonly Instrument[];
  private readonly index: ReadonlyMap<string, number>;

  private constructor(instruments: readonly Instrument[]) {
    if (instruments.length === 0)
      throw new InvalidArgumentError('An InstrumentSet needs at least one instrument.');
    const index = new Map<string, number>();
    instruments.forEach((inst, i) => {
      if (typeof inst.code !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(inst.code)) {
        throw new InvalidArgumentError(
          `Instrument code "${inst.code}" must be letters, digits, "_", "." or "-".`,
          {
            details: { key: 'code', actual: inst.code },
          },
        );
      }
      if (index.has(inst.code)) {
        throw new InvalidArgumentError(`Instrument code "${inst.code}" appears twice.`, {
          details: { key: 'code', actual: inst.code },
        });
      }
      index.set(inst.code, i);
    });
    this.instruments = Object.freeze(instruments.map((i) => Object.freeze({ ...i })));
    this.index = index;
  }

  /** The 11 IRMAS classes in their fixed order: cel cla flu gac gel org pia sax tru vio voi. */
  static irmas(): InstrumentSet {
    return new InstrumentSet(IRMAS_INSTRUMENTS);
  }

  /** A set of the user's own classes, in the given order. Families default to the code. */
  static custom(instruments: ReadonlyArray<Partial<Instrument> & { code: string }>): InstrumentSet {
    return new InstrumentSet(
      instruments.map((i) => ({ code: i.code, name: i.name ?? i.code, family: i.family ?? i.code })),
    );
  }

  /** Rebuilds a set from {@link InstrumentSet.toJSON} output (e.g. model metadata). */
  static fromJSON(json: unknown): InstrumentSet {
    if (!Array.isArray(json))
      throw new InvalidArgumentError('InstrumentSet JSON must be an array of instruments.');
    return InstrumentSet.custom(json as Instrument[]);
  }

  /** Number of classes. */
  get size(): number {
    return this.instruments.length;
  }

  /** Codes in order. */
  get codes(): string[] {
    return this.instruments.map((i) => i.code);
  }

  /** Distinct families in first-appearance order. */
  get families(): string[] {
    return [...new Set(this.instruments.map((i) => i.family))];
  }

  /** True if `code` is in the set. */
  has(code: string): boolean {
    return this.index.has(code);
  }

  /** Index of `code`. @throws {@link UnknownInstrumentError} */
  indexOf(code: string): number {
    const i = this.index.get(code);
    if (i === undefined) {
      throw new UnknownInstrumentError(
        `Unknown instrument "${code}"; known codes: ${this.codes.join(' ')}.`,
        {
          details: { expected: this.codes, actual: code },
        },
      );
    }
    return i;
  }

  /** The instrument with `code`. @throws {@link UnknownInstrumentError} */
  get(code: string): Instrument {
    return this.instruments[this.indexOf(code)]!;
  }

  /** Multi-hot label vector for a list of codes. */
  encode(codes: Iterable<string>): Float32Array {
    const v = new Float32Array(this.size);
    for (const c of codes) v[this.indexOf(c)] = 1;
    return v;
  }

  /** Codes whose value is ≥ `threshold` (0.5 by default; a per-class array is allowed). */
  decode(vector: ArrayLike<number>, threshold: number | ArrayLike<number> = 0.5): string[] {
    if (vector.length !== this.size) {
      throw new ShapeError(
        `Label vector has length ${vector.length}; this set has ${this.size} instruments.`,
        {
          details: { expected: this.size, actual: vector.length },
        },
      );
    }
    const t = (i: number) => (typeof threshold === 'number' ? threshold : threshold[i]!);
    return this.codes.filter((_, i) => vector[i]! >= t(i));
  }

  /** Indices of each family's members, keyed by family. */
  familyMembers(): Map<string, number[]> {
    const map = new Map<string, number[]>();
    this.instruments.forEach((inst, i) => {
      const list = map.get(inst.family) ?? [];
      list.push(i);
      map.set(inst.family, list);
    });
    return map;
  }

  /** True if both sets have the same codes in the same order. */
  equals(other: InstrumentSet): boolean {
    return this.size === other.size && this.codes.every((c, i) => other.codes[i] === c);
  }

  toJSON(): Instrument[] {
    return this.instruments.map((i) => ({ ...i }));
  }
}

/**
 * IRMAS classes. Families follow organology (the reference system's mapping put organ and saxophone
 * under brass and piano under percussion; we do not copy that).
 */
const IRMAS_INSTRUMENTS: readonly Instrument[] = [
  { code: 'cel', name: 'Cello', family: 'strings' },
  { code: 'cla', name: 'Clarinet', family: 'woodwind' },
  { code: 'flu', name: 'Flute', family: 'woodwind' },
  { code: 'gac', name: 'Acoustic guitar', family: 'guitars' },
  { code: 'gel', name: 'Electric guitar', family: 'guitars' },
  { code: 'org', name: 'Organ', family: 'keyboards' },
  { code: 'pia', name: 'Piano', family: 'keyboards' },
  { code: 'sax', name: 'Saxophone', family: 'woodwind' },
  { code: 'tru', name: 'Trumpet', family: 'brass' },
  { code: 'vio', name: 'Violin', family: 'strings' },
  { code: 'voi', name: 'Human voice', family: 'voice' },
];

/** The IRMAS codes in order. */
export const IRMAS_CODES = IRMAS_INSTRUMENTS.map((i) => i.code);
