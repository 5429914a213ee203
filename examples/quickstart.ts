/**
 * Quick start: classify real recordings from ../shared/data/dev with the shipped default model.
 * Run with `bash scripts/quickstart.sh` (fresh machine) or `pnpm --filter @instr/examples quickstart [files...]`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadClassifier } from '@instr/infer';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = process.env.INSTR_SHARED_DIR ?? resolve(here, '..', '..', 'shared');

/** One dev file per label set (so the output shows a variety of instruments), with its true labels. */
function devFiles(): { path: string; truth: string }[] {
  const manifest = join(sharedDir, 'data', 'dev', 'manifest.csv');
  if (!existsSync(manifest)) return [];
  const seen = new Set<string>();
  const picked: { path: string; truth: string }[] = [];
  for (const row of readFileSync(manifest, 'utf8').trim().split('\n').slice(1)) {
    const [file, labels = ''] = row.split(',');
    if (!file || seen.has(labels)) continue;
    seen.add(labels);
    picked.push({
      path: join(sharedDir, 'data', 'dev', file),
      truth: labels.replaceAll(';', ' ') || '(none of the 11)',
    });
  }
  return picked.slice(0, 8);
}

const args = process.argv.slice(2);
const files = args.length ? args.map((path) => ({ path, truth: '' })) : devFiles();
if (files.length === 0) {
  console.error(
    `No input: pass audio files, or put the shared/ folder beside the checkout (looked in ${sharedDir}).`,
  );
  process.exit(2);
}

const classifier = await loadClassifier(); // the model shipped in @instr/infer
const model = classifier.describe();
console.log(
  `model ${model.name}: ${model.instruments.join(' ')} @ ${model.sampleRate} Hz, ${model.windowSeconds}-s windows\n`,
);

for (const { path, truth } of files) {
  const started = performance.now();
  const result = await classifier.classifyFile(path);
  const ms = performance.now() - started;
  const top = result.instruments
    .slice(0, 3)
    .map((s) => `${s.code} ${(100 * s.probability).toFixed(0)}%`)
    .join(', ');
  console.log(basename(path));
  console.log(
    `  ${result.duration.toFixed(2)} s, ${result.timeline.length} windows, ${ms.toFixed(0)} ms` +
      `\n  predicted: ${result.labels.join(' ') || '(nothing above threshold)'}   top 3: ${top}` +
      (truth ? `\n  labelled:  ${truth}` : ''),
  );
}
await classifier.dispose();
