import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where a worker-thread module is, seen from the module at `here` (its `import.meta.url`): from the
 * TypeScript sources (tests, `tsx`, the `instr-source` condition) the `.ts` file run through tsx, from the
 * build the bundled `dist/<built>` entry beside the calling chunk.
 * @example
 * ```ts
 * const { filename, execArgv } = workerLocation(import.meta.url, './worker.ts', 'server-worker.js');
 * const pool = new Piscina({ filename, execArgv });
 * ```
 */
export function workerLocation(
  here: string,
  source: string,
  built: string,
): { filename: string; execArgv: string[] } {
  if (here.endsWith('.ts')) {
    return {
      filename: fileURLToPath(new URL(source, here)),
      execArgv: [
        '--conditions=instr-source',
        '--import',
        pathToFileURL(createRequire(here).resolve('tsx')).href,
      ],
    };
  }
  return { filename: fileURLToPath(new URL(`./${built}`, here)), execArgv: [] };
}
