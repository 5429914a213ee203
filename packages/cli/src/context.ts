import { InvalidArgumentError } from '@instr/core';
import type { Aggregation, ClassifyOptions } from '@instr/infer';
import cliProgress from 'cli-progress';

/**
 * Where a command writes and what it knows about its terminal (default: the process's).
 * @example
 * ```ts
 * await main(['classify', 'a.wav'], { stdout: myStream, cwd: '/data' } satisfies Partial<CliIO>);
 * ```
 */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * Exit codes of `instr`: 0 success, 1 failure, 2 usage error.
 * @example
 * ```ts
 * if ((await main(['classify', 'a.wav'])) === EXIT.usage) console.error('bad flags');
 * ```
 */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** A usage error (bad flag value, missing argument): exit code 2. */
export class UsageError extends InvalidArgumentError {}

/** Colour only on a terminal, never with NO_COLOR set (https://no-color.org) or FORCE_COLOR=0. */
export function useColor(io: CliIO): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR === '0') return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true;
  return Boolean(io.stderr.isTTY);
}

export function paint(io: CliIO, code: number, text: string): string {
  return useColor(io) ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** A progress reporter: a bar on terminals, nothing otherwise or with `--quiet`. */
export interface Progress {
  tick(name?: string): void;
  stop(): void;
}

export function createProgress(io: CliIO, total: number, quiet: boolean, initial = 0): Progress {
  if (quiet || !io.stderr.isTTY || total === 0) return { tick() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderr as NodeJS.WriteStream,
      format: '{bar} {percentage}% | {value}/{total} files | {rate}/s | ETA {eta_formatted} | {name}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const start = Date.now();
  let done = initial;
  bar.start(total, initial, { name: '', rate: '0.0' });
  return {
    tick(name = '') {
      done++;
      const rate = (done - initial) / Math.max(0.001, (Date.now() - start) / 1000);
      bar.update(done, { name: name.length > 40 ? `…${name.slice(-39)}` : name, rate: rate.toFixed(1) });
    },
    stop() {
      bar.stop();
    },
  };
}

/** Parses a positive number flag. */
export function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(Number.isFinite(n) && n > 0)) throw new UsageError(`${flag} must be a number > 0, got "${value}".`);
    return n;
  };
}

/** Parses a positive integer flag. */
export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(Number.isInteger(n) && n > 0))
      throw new UsageError(`${flag} must be a whole number > 0, got "${value}".`);
    return n;
  };
}

/**
 * Parses `--threshold`: one number for every class (`0.4`) or per instrument code (`pia=0.3,voi=0.6`).
 * @example
 * ```ts
 * parseThresholds('0.4');            // 0.4
 * parseThresholds('pia=0.3,voi=.6'); // { pia: 0.3, voi: 0.6 }
 * ```
 */
export function parseThresholds(value: string): number | Record<string, number> {
  const check = (s: string, key: string) => {
    const t = Number(s);
    if (s.trim() === '' || !(t >= 0 && t <= 1)) {
      throw new UsageError(`--threshold ${key ? `for ${key} ` : ''}must be in [0, 1], got "${s}".`);
    }
    return t;
  };
  if (!value.includes('=')) return check(value, '');
  const out: Record<string, number> = {};
  for (const part of value.split(',')) {
    const [code, t] = part.split('=');
    if (!code || t === undefined)
      throw new UsageError(`--threshold expects code=value pairs, got "${part}".`);
    out[code.trim()] = check(t, code.trim());
  }
  return out;
}

export const AGGREGATIONS: readonly Aggregation[] = ['max', 'mean', 'attention'];

/** Classification flags shared by classify, tag and eval. */
export interface ClassifyFlags {
  model?: string;
  threshold?: number | Record<string, number>;
  topK?: number;
  aggregation?: Aggregation;
  window?: number;
  hop?: number;
}

/** Turns the shared flags into {@link ClassifyOptions}. */
export function classifyOptionsOf(flags: ClassifyFlags): ClassifyOptions {
  return {
    ...(flags.threshold !== undefined ? { thresholds: flags.threshold } : {}),
    ...(flags.topK !== undefined ? { topK: flags.topK } : {}),
    ...(flags.aggregation !== undefined ? { aggregation: flags.aggregation } : {}),
    ...(flags.window !== undefined ? { windowSeconds: flags.window } : {}),
    ...(flags.hop !== undefined ? { hopSeconds: flags.hop } : {}),
  };
}
