/**
 * The error hierarchy shared by every instr package.
 *
 * Every error carries a stable machine-readable `code`, optional typed `details`
 * (expected / actual values, the file or key at fault) and the standard `cause`.
 * `InstrError.isInstance(e)` works across duplicate copies of the package because
 * the check uses a global symbol, not `instanceof`.
 *
 * @example
 * ```ts
 * try { decodeAudio(bytes) } catch (e) {
 *   if (AudioDecodeError.isInstance(e)) console.error(e.code, e.details.file);
 * }
 * ```
 */
const MARKER = Symbol.for('instr.error');

/** Stable error codes. Never renamed once published; new ones may be added. */
export type InstrErrorCode =
  | 'INVALID_ARGUMENT'
  | 'SHAPE_MISMATCH'
  | 'DTYPE_MISMATCH'
  | 'INVALID_AUDIO'
  | 'AUDIO_DECODE'
  | 'UNSUPPORTED_FORMAT'
  | 'UNKNOWN_INSTRUMENT'
  | 'MISSING_LABEL'
  | 'DATASET'
  | 'CONFIG'
  | 'MODEL'
  | 'IO'
  | 'NOT_FINITE';

/** Typed fields that explain an error; all optional, present where they apply. */
export interface InstrErrorDetails {
  /** What the code expected (a shape, a range, a type, a value). */
  expected?: unknown;
  /** What it got. */
  actual?: unknown;
  /** The file the problem is in, when there is one. */
  file?: string;
  /** The option, config key, column or parameter at fault. */
  key?: string;
  /** Anything else worth reporting. */
  [extra: string]: unknown;
}

export interface InstrErrorOptions {
  details?: InstrErrorDetails;
  cause?: unknown;
}

/** Base class of every error thrown by instr. */
export class InstrError extends Error {
  readonly code: InstrErrorCode;
  readonly details: InstrErrorDetails;

  constructor(code: InstrErrorCode, message: string, options: InstrErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True for any instr error, even one created by another copy of this package. */
  static isInstance(error: unknown): error is InstrError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }

  /** Plain-object form for logs and HTTP responses. */
  toJSON(): { name: string; code: InstrErrorCode; message: string; details: InstrErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** A parameter is outside its documented range or of the wrong kind. */
export class InvalidArgumentError extends InstrError {
  constructor(message: string, options: InstrErrorOptions = {}) {
    super('INVALID_ARGUMENT', message, options);
  }
  static override isInstance(error: unknown): error is InvalidArgumentError {
    return InstrError.isInstance(error) && error.code === 'INVALID_ARGUMENT';
  }
}

/** A tensor or array has the wrong shape or length. `details.expected` / `details.actual` hold the shapes. */
export class ShapeError extends InstrError {
  constructor(message: string, options: InstrErrorOptions = {}) {
    super('SHAPE_MISMATCH', message, options);
  }
  static override isInstance(error: unknown): error is ShapeError {
    return InstrError.isInstance(error) && error.code === 'SHAPE_MISMATCH';
  }
}

/** A tensor has the wrong data type. */
export class DTypeError extends InstrError {
  constructor(message: string, options: InstrErrorOptions = {}) {
    super('DTYPE_MISMATCH', message, options);
  }
  static override isInstance(error: unknown): error is DTypeError {
    return InstrError.isInstance(error) && error.code === 'DTYPE_MISMATCH';
  }
}

/** Audio is empty, has an absurd sample rate, or mismatched channels. */
export class InvalidAudioError extends InstrError {
  constructor(message: string, options: InstrErrorOptions = {}) {
    super('INVALID_AUDIO', message, options);
  }
  static override isInstance(error: unknown): error is InvalidAudioError {
    return InstrError.isInstance(error) && error.code === 'INVALID_AUDIO';
  }
}

/** Samples or values are NaN or infinite. `details.index` is the first bad position. */
export class NonFiniteError extends InstrError {
  constructor(message: string, options: InstrErrorOptions = {}) {
    super('NOT_FINITE', message, options);
  }
  static override isInstance(error: unknown): error is NonFiniteError {
    return InstrError.isInstance(error) && error.code === 'NOT_FINITE';
  }
}

/** A file is truncated or corrupt. `details.file` names it when known. */
export class AudioDecodeError extends InstrError {
  constructor(message: string, options: InstrErrorOptions = {}) {
    super('AUDIO_DECODE', message, options);
  }
  static override isInstance(error: unknown): error is AudioDecodeError {
    return InstrError.isInstance(error) && error.code === 'AUDIO_DECODE';
  }
}

/** The container or codec is not one instr can decode. */
export class UnsupportedFormatError extends InstrError {
  constructor(message: string, options: InstrErrorOptions = {}) {
    super('UNSUPPORTED_FORMAT', message, options);
  }
  static override isInstance(error: unknown): error is UnsupportedFormatError {
    return InstrError.isInstance(error) && error.code === 'UNSUPPORTED_FORMAT';
  }
}

/** An instrument code is not in the `InstrumentSet` in use. */
export class UnknownInstrumentError extends InstrError {
  constructor(message: string, options: InstrErrorOptions = {}) {
    super('UNKNOWN_INSTRUMENT', message, options);
  }
  static override isInstance(error: unknown): error is UnknownInstrumentError {
    return InstrError.isInstance(error) && error.code === 'UNKNOWN_INSTRUMENT';
  }
}

/** A file or example has no labels where labels are required. */
export class MissingLabelError extends InstrError {
  constructor(message: string, options: InstrErrorOptions = {}) {
    super('MISSING_LABEL', message, options);
  }
  static override isInstance(error: unknown): error is MissingLabelError {
    return InstrError.isInstance(error) && error.code === 'MISSING_LABEL';
  }
}

/** A dataset is malformed (missing files, empty classes, mismatched rates). */
export class DatasetError extends InstrError {
  constructor(message: string, options: InstrErrorOptions = {}) {
    super('DATASET', message, options);
  }
  static override isInstance(error: unknown): error is DatasetError {
    return InstrError.isInstance(error) && error.code === 'DATASET';
  }
}

/** A configuration object or file is invalid. `details.key` names the key. */
export class ConfigError extends InstrError {
  constructor(message: string, options: InstrErrorOptions = {}) {
    super('CONFIG', message, options);
  }
  static override isInstance(error: unknown): error is ConfigError {
    return InstrError.isInstance(error) && error.code === 'CONFIG';
  }
}

/** A model file or graph is invalid, or a model cannot run on the given input. */
export class ModelError extends InstrError {
  constructor(message: string, options: InstrErrorOptions = {}) {
    super('MODEL', message, options);
  }
  static override isInstance(error: unknown): error is ModelError {
    return InstrError.isInstance(error) && error.code === 'MODEL';
  }
}

/** Reading or writing a file failed. */
export class IOError extends InstrError {
  constructor(message: string, options: InstrErrorOptions = {}) {
    super('IO', message, options);
  }
  static override isInstance(error: unknown): error is IOError {
    return InstrError.isInstance(error) && error.code === 'IO';
  }
}
