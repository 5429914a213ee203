/** Builds (or resumes) a corpus: checks, plans, renders in worker threads, writes manifest and summary. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ConfigError, DatasetError, InvalidArgumentError } from '@instr/core';
import cliProgress from 'cli-progress';
import { writeFileAtomic } from './audio-io.js';
import type { ClipMeta } from './clip.js';
import { DEFAULT_SOUNDFONTS, type SoundFontSpec } from './gm.js';
import {
  availableSoundFonts,
  defaultSharedDir,
  type Inventory,
  loadInventory,
  repoRoot,
} from './inventory.js';
import { ClipJob, isDone, readMeta } from './job.js';
import { manifestCsv, summarize, type CorpusSummary } from './manifest.js';
import { type CorpusConfig, clipFile, DEFAULT_CONFIG, validateConfig } from './plan.js';
import type { FromWorker, ToWorker } from './worker.js';

/** Bumped whenever the same seed and options would produce different audio or metadata. */
export const GENERATOR_VERSION = 2;

/** Options of {@link buildCorpus}. Unset generation options take {@link DEFAULT_CONFIG}'s values. */
export interface BuildOptions extends Partial<Omit<CorpusConfig, 'seed' | 'seconds' | 'sampleRate'>> {
  /** Output folder (must be outside the repository, or git-ignored inside it). */
  out: string;
  seed: number;
  /** Number of clips (indices 0 … clips−1). */
  clips: number;
  /** Clip length in seconds (default 3). */
  seconds?: number;
  /** Sample rate in Hz (default 22050). */
  sampleRate?: number;
  /** Worker threads (default 2; 0 renders in the calling thread). */
  workers?: number;
  /** shared/ folder with data/train; default `$INSTR_SHARED_DIR` or `shared/` beside the checkout; null = no real material. */
  shared?: string | null;
  /** SoundFonts to render with (default: those of {@link DEFAULT_SOUNDFONTS} that are installed). */
  soundfonts?: readonly SoundFontSpec[];
  /** Show a progress bar on stderr (default true). */
  progress?: boolean;
  /** Log lines (default: console.error). */
  log?: (line: string) => void;
}

/** What {@link buildCorpus} did. */
export interface BuildResult {
  out: string;
  clips: number;
  rendered: number;
  skipped: number;
  elapsedSeconds: number;
  /** Rendered clips per second of wall time (0 when everything was skipped). */
  clipsPerSecond: number;
  bytes: number;
  summary: CorpusSummary;
}

/** The parts of a build that must match for a resume to be valid (stored in build.json). */
export interface BuildIdentity {
  generator: '@instr/corpus';
  version: number;
  config: CorpusConfig;
  soundfonts: { id: string; bytes: number; debianPackage: string; license: string }[];
  sharedManifestSha256: string | null;
}

function assertOutsideRepo(out: string): void {
  const rel = relative(repoRoot, out);
  if (rel.startsWith('..') || resolve(rel) === rel) return;
  mkdirSync(out, { recursive: true });
  const r = spawnSync('git', ['-C', repoRoot, 'check-ignore', '-q', out]);
  if (r.status !== 0) {
    throw new InvalidArgumentError(
      `Output folder ${out} is inside the repository and not git-ignored; use a folder outside it (e.g. /work/corpus) or under .cache/.`,
      { details: { key: 'out', actual: out } },
    );
  }
}

/**
 * A worker running a TypeScript entry: node cannot load `.ts` in a worker by itself, so the worker first
 * registers tsx's ESM hooks (the way @instr/train's pipeline starts its workers from sources).
 */
function tsWorker(entry: URL, workerData: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const code =
    `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })` +
    '.catch((e) => { console.error(e); process.exit(1); });';
  return new Worker(code, { eval: true, workerData, execArgv: ['--conditions=instr-source'] });
}

function removeStaleTemps(dir: string): void {
  for (const f of readdirSync(dir)) if (f.includes('.tmp-')) rmSync(join(dir, f), { force: true });
}

/**
 * Builds a corpus in `options.out`, or resumes one: clips whose WAV and metadata already exist are
 * skipped, and the build refuses to continue a folder made with other generation settings.
 * Same seed and settings → byte-identical clips, manifest.csv and corpus.json, for any worker count.
 * @example
 * ```ts
 * const result = await buildCorpus({ out: '/work/corpus', seed: 1, clips: 2000, seconds: 3, sampleRate: 22050 });
 * console.log(result.clipsPerSecond, result.summary.classes);
 * ```
 */
export async function buildCorpus(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const config: CorpusConfig = {
    ...DEFAULT_CONFIG,
    ...Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && k in DEFAULT_CONFIG)),
    seed: options.seed,
    seconds: options.seconds ?? 3,
    sampleRate: options.sampleRate ?? 22050,
  } as CorpusConfig;
  validateConfig(config);
  if (!Number.isInteger(options.clips) || options.clips < 1) {
    throw new InvalidArgumentError(`clips must be a positive integer, got ${options.clips}.`, {
      details: { key: 'clips', actual: options.clips },
    });
  }
  const workers = options.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 0 || workers > 64) {
    throw new InvalidArgumentError(`workers must be an integer in [0, 64], got ${workers}.`, {
      details: { key: 'workers', actual: workers },
    });
  }
  const out = resolve(options.out);
  assertOutsideRepo(out);

  const shared = options.shared === undefined ? (defaultSharedDir() ?? null) : options.shared;
  const soundfonts = config.synth ? availableSoundFonts(options.soundfonts ?? DEFAULT_SOUNDFONTS) : [];
  if (config.synth && soundfonts.length === 0) {
    log(
      `No SoundFont found (looked for ${(options.soundfonts ?? DEFAULT_SOUNDFONTS).map((s) => s.path).join(', ')}); using real material only.`,
    );
  }
  const inventory: Inventory = loadInventory(shared, soundfonts);
  const realNotes = Object.values(inventory.notes).reduce((a, n) => a + n.length, 0);
  if (soundfonts.length === 0 && realNotes + inventory.voice.length === 0) {
    throw new DatasetError(
      'Nothing to build from: no SoundFont installed and no shared/data/train (install fluid-soundfont-gm or pass --shared).',
    );
  }
  if (!shared)
    log(
      'No shared/ folder: building from SoundFonts only (no real notes, voice, negatives, noise or reverb).',
    );

  const identity: BuildIdentity = {
    generator: '@instr/corpus',
    version: GENERATOR_VERSION,
    config,
    soundfonts: soundfonts.map((s) => ({
      id: s.id,
      bytes: statSync(s.path).size,
      debianPackage: s.debianPackage,
      license: s.license,
    })),
    sharedManifestSha256: inventory.manifestSha256,
  };
  mkdirSync(join(out, 'clips'), { recursive: true });
  mkdirSync(join(out, 'meta'), { recursive: true });
  const identityPath = join(out, 'build.json');
  const identityText = `${JSON.stringify(identity, null, 2)}\n`;
  if (existsSync(identityPath)) {
    const previous = readFileSync(identityPath, 'utf8');
    if (previous !== identityText) {
      throw new ConfigError(
        `${out} holds a corpus built with other settings (see build.json); use another --out folder or the same options.`,
        { details: { file: identityPath } },
      );
    }
  } else writeFileAtomic(identityPath, identityText);
  removeStaleTemps(join(out, 'clips'));
  removeStaleTemps(join(out, 'meta'));

  const todo: number[] = [];
  for (let i = 0; i < options.clips; i++) if (!isDone(out, i)) todo.push(i);
  const skipped = options.clips - todo.length;
  const estBytes = options.clips * (44 + 2 * Math.round(config.seconds * config.sampleRate));
  log(
    `corpus: ${options.clips} clips × ${config.seconds} s at ${config.sampleRate} Hz (≈ ${(estBytes / 2 ** 20).toFixed(0)} MiB) → ${out}; ` +
      `${skipped} already written, ${todo.length} to render with ${workers || 'no'} worker thread(s); ` +
      `${soundfonts.length} SoundFont(s), real material ${shared ? `from ${shared}` : 'off'}.`,
  );

  const bar =
    options.progress !== false && todo.length > 0
      ? new cliProgress.SingleBar(
          {
            format: 'clips |{bar}| {value}/{total} {percentage}% | {rate} clips/s | ETA {eta_formatted}',
            noTTYOutput: true,
            notTTYSchedule: 10_000,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  const started = performance.now();
  let doneCount = 0;
  bar?.start(todo.length, 0, { rate: '0.0' });
  const tick = () => {
    doneCount++;
    bar?.update(doneCount, { rate: (doneCount / ((performance.now() - started) / 1000)).toFixed(1) });
  };
  try {
    if (workers === 0) {
      const job = new ClipJob(config, inventory, out);
      for (const i of todo) {
        await job.run(i);
        tick();
      }
    } else if (todo.length > 0) {
      await runWorkers(Math.min(workers, todo.length), todo, { config, inventory, out }, tick);
    }
  } finally {
    bar?.stop();
  }
  const elapsedSeconds = (performance.now() - started) / 1000;

  const metas: ClipMeta[] = [];
  let bytes = 0;
  for (let i = 0; i < options.clips; i++) {
    metas.push(readMeta(out, i));
    bytes += statSync(join(out, clipFile(i))).size;
  }
  const summary = summarize(metas);
  writeFileAtomic(join(out, 'manifest.csv'), manifestCsv(metas));
  const corpusJson = {
    ...identity,
    clips: options.clips,
    seconds: config.seconds,
    sampleRate: config.sampleRate,
    bytes,
    layout: {
      clips: 'clips/NNNNNN.wav (16-bit PCM mono)',
      meta: 'meta/NNNNNN.json',
      manifest: 'manifest.csv',
    },
    summary,
  };
  writeFileAtomic(join(out, 'corpus.json'), `${JSON.stringify(corpusJson, null, 2)}\n`);
  const clipsPerSecond = todo.length > 0 ? todo.length / elapsedSeconds : 0;
  log(
    `corpus: rendered ${todo.length} clips in ${elapsedSeconds.toFixed(1)} s (${clipsPerSecond.toFixed(2)} clips/s); ${(bytes / 2 ** 20).toFixed(1)} MiB.`,
  );
  return {
    out,
    clips: options.clips,
    rendered: todo.length,
    skipped,
    elapsedSeconds,
    clipsPerSecond,
    bytes,
    summary,
  };
}

async function runWorkers(
  count: number,
  todo: number[],
  data: { config: CorpusConfig; inventory: Inventory; out: string },
  tick: () => void,
): Promise<void> {
  const queue = [...todo];
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolvePromise, reject) => {
      let active = count;
      const feed = (w: Worker) => {
        const next = queue.shift();
        if (next === undefined) {
          w.postMessage({ type: 'stop' } satisfies ToWorker);
          if (--active === 0) resolvePromise();
          return;
        }
        w.postMessage({ type: 'render', index: next } satisfies ToWorker);
      };
      for (let k = 0; k < count; k++) {
        const w = tsWorker(new URL('./worker.ts', import.meta.url), data);
        pool.push(w);
        w.on('message', (msg: FromWorker) => {
          if (msg.type === 'error') {
            reject(new Error(`Clip ${msg.index} failed in a worker: ${msg.message}\n${msg.stack ?? ''}`));
            return;
          }
          if (msg.type === 'done') tick();
          feed(w);
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (code !== 0 && active > 0) reject(new Error(`A corpus worker exited with code ${code}.`));
        });
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
