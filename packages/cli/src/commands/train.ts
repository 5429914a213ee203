import { relative, resolve } from 'node:path';
import { runFromConfig } from '@instr/train';
import { type CliIO, EXIT, UsageError } from '../context.js';

export interface TrainCommandFlags {
  set?: string[];
  quiet?: boolean;
}

/**
 * Parses `--set key=value` overrides: the value is JSON when it parses (`3`, `true`, `[8,16]`, `"x"`),
 * else the plain string.
 * @example
 * ```ts
 * parseOverrides(['loop.epochs=3', 'name=quick']); // { 'loop.epochs': 3, name: 'quick' }
 * ```
 */
export function parseOverrides(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new UsageError(`--set expects key=value (e.g. loop.epochs=3), got "${pair}".`);
    const raw = pair.slice(i + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    out[pair.slice(0, i).trim()] = value;
  }
  return out;
}

/** `instr train <config.json>`: `runFromConfig` of `@instr/train` (data → training → thresholds → report → ONNX). */
export async function trainCommand(config: string, flags: TrainCommandFlags, io: CliIO): Promise<number> {
  const overrides = parseOverrides(flags.set ?? []);
  if (flags.quiet) overrides['loop.quiet'] = true;
  const r = await runFromConfig(resolve(io.cwd, config), overrides, {
    log: flags.quiet ? () => {} : (line) => io.stderr.write(`${line}\n`),
  });
  const rel = (p: string) => relative(io.cwd, p) || p;
  io.stdout.write(
    `${JSON.stringify(
      {
        model: rel(r.modelPath),
        ...(r.reportPath ? { report: rel(r.reportPath) } : {}),
        outDir: rel(r.outDir),
        trainSize: r.trainSize,
        valSize: r.valSize,
        epochs: r.history.length,
        best: r.best,
        thresholds: r.thresholds,
        summary: r.summary,
      },
      null,
      2,
    )}\n`,
  );
  return EXIT.ok;
}
