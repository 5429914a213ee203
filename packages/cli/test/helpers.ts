import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAudio, Rng } from '@instr/core';
import { writeWavFile } from '@instr/dsp/node';
import type { FastifyInstance } from 'fastify';
import { synthClip } from '../../infer/scripts/make-test-model.js';

export const pkgDir = join(__dirname, '..');
export const modelPath = join(pkgDir, '..', 'infer', 'test', 'fixtures', 'tiny-model.onnx');
export const SR = 16000;

/** The label combinations used by the generated clips (tone, noise, click) and their codes. */
export const COMBOS: [boolean[], string[]][] = [
  [[true, false, false], ['tone']],
  [[false, true, false], ['noise']],
  [[false, false, true], ['click']],
  [
    [true, false, true],
    ['tone', 'click'],
  ],
];

export function tempDir(prefix = 'instr-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Synthetic WAV bytes (the test model's instruments). */
export function clipAudio(labels: boolean[], seconds: number, seed: number, rate = SR) {
  return createAudio(rate, [synthClip(new Rng(seed), labels, rate, seconds)]);
}

/** Writes `count` clips under `dir` (every other one in a subfolder); returns their paths and labels. */
export async function writeClips(
  dir: string,
  count: number,
  seconds = 2,
): Promise<{ file: string; labels: string[] }[]> {
  const out: { file: string; labels: string[] }[] = [];
  for (let i = 0; i < count; i++) {
    const [mask, labels] = COMBOS[i % COMBOS.length]!;
    const file = join(dir, i % 2 ? 'sub' : '', `clip${String(i).padStart(3, '0')}.wav`);
    mkdirSync(dirname(file), { recursive: true });
    await writeWavFile(file, clipAudio(mask, seconds, 1000 + i));
    out.push({ file, labels });
  }
  return out;
}

const tsx = pathToFileURL(createRequire(__filename).resolve('tsx')).href;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the `instr` command from the TypeScript sources or the built bin. */
export function spawnCli(
  args: string[],
  mode: 'source' | 'built',
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  const nodeArgs =
    mode === 'built'
      ? [join(pkgDir, 'dist', 'bin.js'), ...args]
      : ['--conditions=instr-source', '--import', tsx, join(pkgDir, 'src', 'bin.ts'), ...args];
  return spawn(process.execPath, nodeArgs, {
    cwd: options.cwd ?? pkgDir,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
}

/** Runs the `instr` command from the TypeScript sources (`source`) or the built ESM bin (`built`). */
export function runCli(
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string>;
    mode?: 'source' | 'built';
    killAfter?: (stderr: string, stdout: string) => boolean;
    killSignal?: NodeJS.Signals;
  } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options.mode ?? 'source', options);
    let stdout = '';
    let stderr = '';
    let killed = false;
    const check = () => {
      if (!killed && options.killAfter?.(stderr, stdout)) {
        killed = true;
        child.kill(options.killSignal ?? 'SIGKILL');
      }
    };
    child.stdout.on('data', (d) => {
      stdout += d;
      check();
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      check();
    });
    // Also poll, for conditions on files rather than output.
    const timer = options.killAfter ? setInterval(check, 5) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A multipart/form-data body with the given files (and fields first). */
export function multipart(
  files: { name: string; bytes: Uint8Array; type?: string }[],
  fields: Record<string, string> = {},
) {
  const boundary = `----instr${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'audio/wav'}\r\n\r\n`,
      ),
      Buffer.from(f.bytes),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

export type Health = {
  status: string;
  active: number;
  waiting: number;
  classifying: number;
  evaluations?: { active: number; waiting: number };
};

/** Polls GET /health until `done` holds (at most ~10 s of polling). */
export async function waitForHealth(app: FastifyInstance, done: (h: Health) => boolean): Promise<Health> {
  let h: Health = (await app.inject('/health')).json();
  for (let i = 0; i < 400 && !done(h); i++) {
    await new Promise((r) => setTimeout(r, 25));
    h = (await app.inject('/health')).json();
  }
  return h;
}
