import { resolve } from 'node:path';
import { createServer } from '../server/index.js';
import { type CliIO, EXIT } from '../context.js';

export interface ServeCommandFlags {
  model?: string;
  modelsDir?: string;
  dataRoot?: string[];
  host: string;
  port: number;
  maxFileMb: number;
  maxFiles: number;
  maxSeconds: number;
  concurrency: number;
  queue: number;
  timeout: number;
  workers?: number;
  quiet?: boolean;
}

/** `instr serve`: the HTTP service and browser app until SIGINT/SIGTERM. */
export async function serveCommand(flags: ServeCommandFlags, io: CliIO): Promise<number> {
  const app = await createServer({
    ...(flags.model ? { model: resolve(io.cwd, flags.model) } : {}),
    ...(flags.modelsDir ? { modelsDir: resolve(io.cwd, flags.modelsDir) } : {}),
    dataRoots: (flags.dataRoot ?? []).map((r) => resolve(io.cwd, r)),
    limits: {
      fileBytes: Math.round(flags.maxFileMb * 1024 * 1024),
      files: flags.maxFiles,
      seconds: flags.maxSeconds,
    },
    concurrency: flags.concurrency,
    queueSize: flags.queue,
    timeoutMs: Math.round(flags.timeout * 1000),
    ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
    logger: flags.quiet ? false : { level: 'warn' },
  });
  const address = await app.listen({ host: flags.host, port: flags.port });
  if (!flags.quiet) io.stderr.write(`instr serve: listening on ${address} (app at /, API docs at /docs)\n`);
  // Machine-readable line for scripts and tests that start the server on port 0.
  io.stdout.write(`${JSON.stringify({ listening: address })}\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await app.close();
  return EXIT.ok;
}
