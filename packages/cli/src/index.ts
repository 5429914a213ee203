/**
 * @packageDocumentation
 * `@instr/cli`: the `instr` command (classify, tag, eval, features, serve) and the HTTP service.
 *
 * @example
 * ```ts
 * import { createServer } from '@instr/cli';
 * const app = await createServer({ model: 'model.onnx' });
 * await app.listen({ port: 8090 });
 * ```
 */
export { buildProgram, main } from './cli.js';
export { type CliIO, EXIT, parseThresholds } from './context.js';
export { type LabelledFile, loadEvalDataset } from './dataset.js';
export { AUDIO_EXTENSIONS, collectAudioFiles, isAudioPath } from './files.js';
export { Journal, type JournalEntry, type JournalHeader } from './tag/journal.js';
export { createServer, ortWebDistDir, type ServerOptions } from './server/index.js';
export { type ErrorBody, ServiceError, type ServiceErrorCode, WorkerTaskError } from './server/errors.js';
export { BoundedQueue } from './server/limiter.js';
export { parseModelSpec } from './server/models.js';
