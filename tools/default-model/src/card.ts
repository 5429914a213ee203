/**
 * Writes docs/model-card.md from the measured artifacts (no hand-copied numbers): the @instr/train run folder
 * <model> (evaluation.json: dev evaluation of the exported epoch at its tuned thresholds), <baseline>/baseline.json,
 * <corpus>/corpus.json, the `evaluate --json` output and the shipped model's metadata (its card: the recipe).
 *
 *   pnpm --filter @instr/default-model quantize -- ../../packages/infer/models/default.onnx /work/artifacts/default.int8.onnx
pnpm --filter @instr/default-model evaluate -- --json /work/artifacts/evaluate.json ../../packages/infer/models/default.onnx /work/artifacts/default.int8.onnx
pnpm --filter @instr/default-model card -- --model /work/artifacts/default-model --baseline /work/artifacts/baseline
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IRMAS_CODES, InstrumentSet } from '@instr/core';
import { readModelMetadata } from '@instr/infer';
import { Command } from 'commander';
import { cliArgv } from './argv.js';

const opts = new Command()
  .option('--model <dir>', 'training output folder', '/work/artifacts/default-model')
  .option('--baseline <dir>', 'baseline output folder', '/work/artifacts/baseline')
  .option('--corpus <dirs...>', 'corpus folders the model was trained on', ['/work/corpus'])
  .option(
    '--shipped <file>',
    'shipped model',
    resolve(import.meta.dirname, '../../../packages/infer/models/default.onnx'),
  )
  .option(
    '--evaluation <file>',
    'output of `evaluate --json` for the float and int8 models',
    '/work/artifacts/evaluate.json',
  )
  .option('--out <file>', 'model card', resolve(import.meta.dirname, '../../../docs/model-card.md'))
  .parse(cliArgv())
  .opts<{
    model: string;
    baseline: string;
    corpus: string[];
    shipped: string;
    evaluation: string;
    out: string;
  }>();
const evaluated = JSON.parse(readFileSync(opts.evaluation, 'utf8')) as {
  model: string;
  macroF1: number;
  mAP: number;
  clip3sMsMedian: number;
}[];
const [floatEval, int8Eval] = evaluated;

/** runFromConfig's evaluation.json: `{ files, bestEpoch, thresholds, summary, perClass }` (@instr/metrics). */
const metrics = JSON.parse(readFileSync(join(opts.model, 'evaluation.json'), 'utf8'));
const baseline = JSON.parse(readFileSync(join(opts.baseline, 'baseline.json'), 'utf8'));
/** The parts of a corpus build's corpus.json (written by tools/corpus) that the card uses. */
interface CorpusJson {
  clips: number;
  seconds: number;
  config: { seed: number; soloShare: number };
  summary: {
    kinds: { solo: number; mix: number; negative: number };
    labelledSources: { real: number; synthetic: number };
    soundfonts: Record<string, number>;
    classes: Record<string, { clips: number; real: number }>;
  };
}
const corpora: CorpusJson[] = opts.corpus.map((dir) =>
  JSON.parse(readFileSync(join(dir, 'corpus.json'), 'utf8')),
);
const sum = (get: (c: CorpusJson) => number) => corpora.reduce((total, c) => total + get(c), 0);
/** Several corpora as one: counts add up; the real share is over all labelled sources. */
const corpus = {
  clips: sum((c) => c.clips),
  kinds: {
    solo: sum((c) => c.summary.kinds.solo),
    mix: sum((c) => c.summary.kinds.mix),
    negative: sum((c) => c.summary.kinds.negative),
  },
  realShare:
    sum((c) => c.summary.labelledSources.real) /
    sum((c) => c.summary.labelledSources.real + c.summary.labelledSources.synthetic),
  soundfonts: [...new Set(corpora.flatMap((c) => Object.keys(c.summary.soundfonts)))],
  classes: Object.fromEntries(
    IRMAS_CODES.map((code) => [
      code,
      { clips: sum((c) => c.summary.classes[code].clips), real: sum((c) => c.summary.classes[code].real) },
    ]),
  ),
};
const builds = corpora.map(
  (c, i) => `${c.clips} clips (seed ${c.config.seed}, solo share ${c.config.soloShare}) in ${opts.corpus[i]}`,
);
const buildCommands = corpora
  .map(
    (c, i) =>
      `pnpm --filter @instr/corpus build-corpus -- --out ${opts.corpus[i]} --clips ${c.clips} --seconds ${c.seconds} --seed ${c.config.seed} --solo-share ${c.config.soloShare}`,
  )
  .join('\n');
const meta = readModelMetadata(new Uint8Array(readFileSync(opts.shipped)));
const irmas = InstrumentSet.irmas();
const f = (x: unknown, d = 3) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const card = meta.card as Record<string, any>;
const summary = metrics.summary;
const classes = corpus.classes;

// Classes absent from dev have no F1/AP to measure: show n/a and average over the classes present.
const present = IRMAS_CODES.filter((code) => metrics.perClass[code].support > 0);
const meanOver = (get: (code: string) => number) =>
  present.reduce((sum, code) => sum + get(code), 0) / present.length;
const macroPresent = {
  f1: meanOver((c) => metrics.perClass[c].f1),
  ap: meanOver((c) => metrics.perClass[c].ap),
  baselineF1: meanOver((c) => baseline.perClass[c].f1),
  baselineAp: meanOver((c) => baseline.perClass[c].ap),
};
/** Classes where the classical baseline still has the better dev F1. */
const behind = present.filter((c) => metrics.perClass[c].f1 < baseline.perClass[c].f1);
const baselineAhead = behind.length ? `; the baseline still has the better F1 on ${behind.join(', ')}` : '';
const rows = IRMAS_CODES.map((code, i) => {
  const p = metrics.perClass[code];
  const b = baseline.perClass[code];
  const m = (x: number) => (p.support > 0 ? f(x) : 'n/a');
  return `| ${code} | ${irmas.get(code).name} | ${p.support} | ${m(p.f1)} | ${m(p.ap)} | ${m(p.auc)} | ${f(meta.thresholds[i], 2)} | ${m(b.f1)} | ${m(b.ap)} | ${classes[code].clips} (${classes[code].real} real) |`;
});

const text = `# Model card — instr default model (\`${meta.name}\`)

Generated by \`tools/default-model/src/card.ts\` from the training artifacts; every number below is measured.

## What it does
Multi-label recognition of the 11 IRMAS instruments (${irmas.codes.join(' ')}) in audio of any length:
3-s windows every 1.5 s (the last one filled by repeating the clip), a probability per instrument per
window, the maximum over windows per clip, and a per-class threshold.

| | |
|---|---|
| file | \`packages/infer/models/default.onnx\` (${(statSync(opts.shipped).size / 1e6).toFixed(2)} MB) |
| input | log-mel, ${meta.features.nMels} slaney mels, n_fft ${meta.features.nFft}, hop ${meta.features.hopLength}, ${meta.sampleRate} Hz, dB (ref 1, top_db 80), normalised (x − ${f(meta.normalization.mean, 2)}) / ${f(meta.normalization.std, 2)} |
| network | ${card.recipe.model} |
| training | \`@instr/train\` \`runFromConfig\` on ${card.recipe.config ?? 'the recipe'}: ${card.recipe.optimizer}; peak lr ${card.recipe.lr}${card.recipe.schedule ? ` (${card.recipe.schedule})` : ''}, ${card.recipe.epochs} epochs (best: ${card.bestEpoch}, selected on dev mAP), batch ${card.recipe.batch}; ${card.recipe.augmentation}; seed ${card.recipe.seed} |

## Data
- **Training**: ${corpus.clips} generated clips of 3 s at ${meta.sampleRate} Hz built by \`tools/corpus\`
  (${builds.join('; ')}): ${corpus.kinds.solo} single-instrument, ${corpus.kinds.mix} mixtures of 2–5
  instruments, ${corpus.kinds.negative} with none of the 11; ${(100 * corpus.realShare).toFixed(1)} % of
  the labelled sources are real recordings from \`shared/data/train\` (isolated notes sequenced into phrases,
  a-cappella singing), the rest SoundFont renders (${corpus.soundfonts.join(', ')}); drums, bass and other
  instruments as unlabelled negatives; background noise and room impulse responses from \`shared/data/train\`.
- **Validation** (model selection and thresholds only, never trained on): \`shared/data/dev\`, ${baseline.devFiles} real recordings.
  Because the thresholds and the epoch were chosen on it, the dev numbers below are optimistic; the
  separate real-music evaluation set kept outside this repository is the honest test.

## Dev results (per clip, max over windows)
Over the ${present.length} classes present in dev (${present.join(' ')}): macro F1 at the tuned thresholds
**${f(macroPresent.f1)}**, mAP **${f(macroPresent.ap)}**; the classical baseline: macro F1 ${f(macroPresent.baselineF1)}, mAP
${f(macroPresent.baselineAp)}. Over all 11 classes as scikit-learn averages them (absent classes count as 0): macro F1
${f(summary.f1.macro)}, mAP ${f(summary.mAP)}; macro ROC AUC ${f(summary.rocAuc.macro)}, lwlrap ${f(summary.lwlrap)}. Classical-feature baseline on the same dev set (${baseline.model}, trained on
${baseline.trainClips} corpus clips): macro F1 ${f(baseline.dev.macroF1TunedThresholds)} at tuned thresholds, mAP ${f(baseline.dev.mAP)},
macro ROC AUC ${f(baseline.dev.rocAucMacro)}.

| code | instrument | dev clips | F1 | AP | ROC AUC | threshold | baseline F1 | baseline AP | training clips |
|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Classes with no dev clip have no measured F1/AP. Per-class thresholds are tuned on dev for classes with at least 5
positive and 5 negative dev clips and clipped to [0.05, 0.95]; the others take the global threshold tuned over all classes.

## Shipped form, speed and the int8 variant
Evaluated through \`@instr/infer\` exactly as users run it: macro F1 ${f(floatEval?.macroF1)}, mAP ${f(floatEval?.mAP)} (equal to the
training-time evaluation, so training and inference compute identical features). One 3-s clip, decoded audio
in, result out: median ${f(floatEval?.clip3sMsMedian, 1)} ms on this 2-core machine.
${int8Eval ? `The int8 weights-only variant (\`quantizeModelFile\`, per-channel symmetric, 4x smaller weights) scores macro F1 ${f(int8Eval.macroF1)}, mAP ${f(int8Eval.mAP)} (${f(int8Eval.clip3sMsMedian, 1)} ms): ${Math.abs(int8Eval.macroF1 - (floatEval?.macroF1 ?? 0)) <= 0.01 ? 'within 0.01 macro F1, so it ships as `default.int8.onnx`' : 'more than 0.01 macro F1 below the float model, so it is **not** shipped'}.` : ''}

## Reproduce
\`\`\`bash
${buildCommands}
pnpm --filter @instr/default-model train -- --corpus ${opts.corpus.join(' ')} --out /work/artifacts/default-model --epochs ${card.recipe.epochs} --seed ${card.recipe.seed}
cp /work/artifacts/default-model/model.onnx packages/infer/models/default.onnx
pnpm --filter @instr/default-model baseline -- --corpus /work/corpus --limit ${baseline.trainClips} --out /work/artifacts/baseline
pnpm --filter @instr/default-model quantize -- ../../packages/infer/models/default.onnx /work/artifacts/default.int8.onnx
pnpm --filter @instr/default-model evaluate -- --json /work/artifacts/evaluate.json ../../packages/infer/models/default.onnx /work/artifacts/default.int8.onnx
cp /work/artifacts/default.int8.onnx packages/infer/models/default.int8.onnx
pnpm --filter @instr/default-model card -- --model /work/artifacts/default-model --corpus ${opts.corpus.join(' ')}
\`\`\`

## Known weaknesses
- Trained on synthetic mixtures: SoundFont timbres and sequenced single notes are not real performances;
  expect lower accuracy on dense real mixes (band recordings, orchestras) than on solo recordings.
- The GM "voice" programs (choir aahs / voice oohs) are a weak stand-in for singing; the real singing comes
  from 12 karaoke singers only.
- Thin real material for clarinet, violin and trumpet (see the training-clip column).
- Dev-tuned thresholds and epoch: dev numbers are optimistic.
- Margin over the classical-feature baseline on dev (${present.length} classes present): mAP ${f(macroPresent.ap - macroPresent.baselineAp)},
  macro F1 ${f(macroPresent.f1 - macroPresent.baselineF1)}${baselineAhead}. The synthetic-to-real gap
  dominates. Next steps: train on the real clips of \`shared/data/train\` together with the corpus, larger
  backbones from \`@instr/models\`' zoo, more epochs, and evaluation on real polyphonic music.
- Classes with fewer than 5 dev clips (${IRMAS_CODES.filter((c) => metrics.perClass[c].support < 5).join(', ')}) have no tuned threshold and
  little or no measurement here.

## Licences of the data used
Code: MIT. SoundFonts: FluidR3_GM, MuseScore_General and MuseScore_General_Lite (MIT), TimGM6mb (GPL-2), csound's sf_GMbank
(LGPL-2.1), OPL-3 FM (public domain / GPL). Real recordings from \`shared/data/train\` carry their own licences
(CC0, CC-BY-3.0, GPL-2.0+/CC-BY-SA, Freesound CC0/CC-BY) **and some are research-only (MIR-1K singing,
Bach10, URMP) or of unknown licence**: until the corpus is rebuilt without them, treat these weights as
suitable for research and evaluation, not for commercial redistribution.
`;
writeFileSync(opts.out, text);
console.log(`wrote ${opts.out}`);
