import { InstrError } from '@instr/core';

/**
 * Error codes the service adds to the `InstrError` codes (`INVALID_ARGUMENT`, `AUDIO_DECODE`, …).
 * @example
 * ```ts
 * const code: ServiceErrorCode = 'BUSY'; // HTTP 429
 * ```
 */
export type ServiceErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'FORBIDDEN_PATH'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_FILES'
  | 'AUDIO_TOO_LONG'
  | 'BUSY'
  | 'TIMEOUT'
  | 'NOT_READY'
  | 'INTERNAL';

/**
 * An error with an HTTP status, rendered as `{ error: { code, message, details } }`.
 * @example
 * ```ts
 * throw new ServiceError(404, 'NOT_FOUND', 'No model "x.onnx".', { model: 'x.onnx' });
 * ```
 */
export class ServiceError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ServiceErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/**
 * An error raised on a worker thread, carried back as the status and body {@link errorResponse} gave it
 * there (errors lose their class when they cross threads).
 * @example
 * ```ts
 * throw new WorkerTaskError(422, { error: { code: 'AUDIO_DECODE', message: 'cut.wav: truncated', details: {} } });
 * ```
 */
export class WorkerTaskError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: ErrorBody,
    workerStack?: string,
  ) {
    super(body.error.message);
    this.name = 'WorkerTaskError';
    if (workerStack) this.stack = `${this.name}: ${this.message}\n(on a worker thread)\n${workerStack}`;
  }
}

const STATUS_OF: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  CONFIG: 400,
  UNKNOWN_INSTRUMENT: 400,
  SHAPE_MISMATCH: 400,
  DTYPE_MISMATCH: 400,
  MISSING_LABEL: 422,
  UNSUPPORTED_FORMAT: 415,
  AUDIO_DECODE: 422,
  INVALID_AUDIO: 422,
  NOT_FINITE: 422,
  DATASET: 422,
  IO: 404,
  MODEL: 500,
};

/** The JSON body and status of any error thrown while handling a request. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof WorkerTaskError) return { status: error.statusCode, body: error.body };
  if (error instanceof ServiceError) {
    return {
      status: error.statusCode,
      body: { error: { code: error.code, message: error.message, details: error.details } },
    };
  }
  if (InstrError.isInstance(error)) {
    return {
      status: STATUS_OF[error.code] ?? 500,
      body: { error: { code: error.code, message: error.message, details: { ...error.details } } },
    };
  }
  const e = error as { code?: string; statusCode?: number; message?: string; validation?: unknown };
  if (e?.validation) {
    return {
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT', message: e.message ?? 'Invalid request.', details: {} } },
    };
  }
  const fastifyCodes: Record<string, [number, ServiceErrorCode, string]> = {
    FST_REQ_FILE_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE', 'An uploaded file is larger than the upload limit.'],
    FST_FILES_LIMIT: [413, 'TOO_MANY_FILES', 'Too many files in one request.'],
    FST_PARTS_LIMIT: [413, 'TOO_MANY_FILES', 'Too many parts in one request.'],
    FST_FIELDS_LIMIT: [413, 'BAD_REQUEST', 'Too many form fields.'],
    FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.'],
    FST_INVALID_MULTIPART_CONTENT_TYPE: [415, 'BAD_REQUEST', 'Send the files as multipart/form-data.'],
    FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'BAD_REQUEST', 'Unsupported content type.'],
    FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'BAD_REQUEST', 'The JSON body is empty.'],
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST', 'Invalid content length.'],
  };
  const known = e?.code ? fastifyCodes[e.code] : undefined;
  if (known)
    return {
      status: known[0],
      body: { error: { code: known[1], message: known[2], details: { cause: e.message } } },
    };
  const status = e?.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
  return {
    status,
    body: {
      error: {
        code: status === 500 ? 'INTERNAL' : 'BAD_REQUEST',
        message: status === 500 ? 'Internal error; see the server log.' : (e?.message ?? 'Bad request.'),
        details: {},
      },
    },
  };
}
