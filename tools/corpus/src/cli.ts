/**
 * `pnpm --filter @instr/corpus build-corpus -- --out <dir> --seed 1 --clips 2000 --seconds 3 --sample-rate 22050 [--workers 2]`
 */
import { InstrError } from '@instr/core';
import { Command, InvalidArgumentError, Option } from 'commander';
import { buildCorpus } from './build.js';
import { DEFAULT_SOUNDFONTS } from './gm.js';
import { DEFAULT_CONFIG } from './plan.js';

function int(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer.`);
    return n;
  };
}
function num(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number.`);
    return n;
  };
}
function range(name: string) {
  return (v: string): [number, number] => {
    const parts = v.split(',').map(Number);
    if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x)))
      throw new InvalidArgumentError(`${name} must be "low,high".`);
    return [parts[0]!, parts[1]!];
  };
}

const program = new Command('build-corpus')
  .description(
    'Build a labelled multi-instrument training corpus (IRMAS classes) from SoundFont renders and real notes.',
  )
  .requiredOption('--out <dir>', 'output folder (outside the repository, e.g. /work/corpus)')
  .option('--seed <n>', 'random seed (same seed → byte-identical corpus)', int('--seed'), 1)
  .option('--clips <n>', 'number of clips', int('--clips'), 2000)
  .option('--seconds <s>', 'clip length in seconds', num('--seconds'), 3)
  .option('--sample-rate <hz>', 'sample rate', int('--sample-rate'), 22050)
  .option('--workers <n>', 'worker threads (0 = main thread)', int('--workers'), 2)
  .option('--shared <dir>', 'shared/ folder holding data/train (default: $INSTR_SHARED_DIR or ../shared)')
  .option('--no-real', 'do not use real recordings (synthetic only, no noise/reverb/real negatives)')
  .option('--no-synth', 'do not use SoundFonts (real material only)')
  .option(
    '--soundfont <path...>',
    `SoundFonts to use (default: those installed of ${DEFAULT_SOUNDFONTS.map((s) => s.id).join(', ')})`,
  )
  .option(
    '--real-share <x>',
    'multiplier of the per-class real-material probability',
    num('--real-share'),
    DEFAULT_CONFIG.realShare,
  )
  .option(
    '--negative-share <p>',
    'share of pure-negative clips',
    num('--negative-share'),
    DEFAULT_CONFIG.negativeShare,
  )
  .option(
    '--solo-share <p>',
    'share of single-instrument clips',
    num('--solo-share'),
    DEFAULT_CONFIG.soloShare,
  )
  .option(
    '--max-sources <n>',
    'most labelled sources per clip (1–5)',
    int('--max-sources'),
    DEFAULT_CONFIG.maxSources,
  )
  .option(
    '--negative-prob <p>',
    'probability of mixing negatives under labelled sources',
    num('--negative-prob'),
    DEFAULT_CONFIG.negativeProb,
  )
  .option(
    '--noise-prob <p>',
    'probability of background noise',
    num('--noise-prob'),
    DEFAULT_CONFIG.noiseProb,
  )
  .option('--snr-db <lo,hi>', 'background-noise SNR range (dB)', range('--snr-db'), DEFAULT_CONFIG.snrDb)
  .option(
    '--reverb-prob <p>',
    'probability of convolution reverb',
    num('--reverb-prob'),
    DEFAULT_CONFIG.reverbProb,
  )
  .addOption(new Option('--no-progress', 'no progress bar'))
  .action(async (opts) => {
    const soundfonts = opts.soundfont
      ? (opts.soundfont as string[]).map((path) => {
          const known = DEFAULT_SOUNDFONTS.find((s) => s.path === path || s.id === path);
          return (
            known ?? {
              id: path.replace(/^.*\//, ''),
              path,
              debianPackage: 'unknown',
              license: 'unknown',
              weight: 1,
            }
          );
        })
      : undefined;
    const result = await buildCorpus({
      out: opts.out,
      seed: opts.seed,
      clips: opts.clips,
      seconds: opts.seconds,
      sampleRate: opts.sampleRate,
      workers: opts.workers,
      shared: opts.real === false ? null : opts.shared,
      synth: opts.synth,
      soundfonts,
      realShare: opts.realShare,
      negativeShare: opts.negativeShare,
      soloShare: opts.soloShare,
      maxSources: opts.maxSources,
      negativeProb: opts.negativeProb,
      noiseProb: opts.noiseProb,
      snrDb: opts.snrDb,
      reverbProb: opts.reverbProb,
      progress: opts.progress,
    });
    const s = result.summary;
    console.log(
      JSON.stringify(
        {
          out: result.out,
          clips: result.clips,
          rendered: result.rendered,
          skipped: result.skipped,
          clipsPerSecond: Number(result.clipsPerSecond.toFixed(2)),
          mebibytes: Number((result.bytes / 2 ** 20).toFixed(1)),
          kinds: s.kinds,
          perClass: Object.fromEntries(Object.entries(s.classes).map(([c, v]) => [c, v.clips])),
          realShare: s.labelledSources.realShare,
        },
        null,
        2,
      ),
    );
  });

program.parseAsync(process.argv.filter((a, i) => !(a === '--' && i === 2))).catch((e: unknown) => {
  if (InstrError.isInstance(e)) console.error(`build-corpus: ${e.message}`);
  else console.error(e);
  process.exitCode = 1;
});
