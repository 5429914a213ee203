import { InstrError } from '@instr/core';
import { Command, CommanderError, InvalidArgumentError as CommanderArgError, Option } from 'commander';
import {
  AGGREGATIONS,
  type CliIO,
  EXIT,
  paint,
  parseThresholds,
  positiveInt,
  positiveNumber,
  UsageError,
} from './context.js';

const VERSION = '0.1.0';

/** Wraps our parsers so commander reports their errors as usage errors. */
function arg<T>(parse: (v: string) => T) {
  return (v: string): T => {
    try {
      return parse(v);
    } catch (e) {
      throw new CommanderArgError((e as Error).message);
    }
  };
}

function classifyFlags(cmd: Command): Command {
  return cmd
    .option('-m, --model <file>', 'model file (.onnx); default: the model shipped with @instr/infer')
    .option(
      '-t, --threshold <t>',
      'decision threshold: one number or per code, e.g. "pia=0.3,voi=0.6"',
      arg(parseThresholds),
    )
    .option('-k, --top-k <k>', 'keep only the k most probable instruments', arg(positiveInt('--top-k')))
    .addOption(
      new Option('-a, --aggregation <mode>', 'window → file aggregation').choices(AGGREGATIONS as string[]),
    )
    .option(
      '--window <seconds>',
      "model window length (default: the model's)",
      arg(positiveNumber('--window')),
    )
    .option('--hop <seconds>', "hop between windows (default: the model's)", arg(positiveNumber('--hop')));
}

/**
 * Builds the `instr` command-line program. `run(argv)` is {@link main}.
 * @example
 * ```ts
 * const program = buildProgram(io); await program.parseAsync(['node', 'instr', 'classify', 'a.wav']);
 * ```
 */
export function buildProgram(io: CliIO, setCode: (code: number) => void): Command {
  const program = new Command('instr')
    .description(
      'Multi-label musical-instrument recognition: classify, tag, evaluate, train, inspect features, serve.',
    )
    .version(VERSION, '-V, --version')
    .option('-q, --quiet', 'no progress bars or status messages')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(paint(io, 31, s)),
    })
    .exitOverride();
  const quiet = (cmd: Command) => Boolean(cmd.optsWithGlobals().quiet);

  classifyFlags(
    program
      .command('classify')
      .description('classify audio files (folders are searched recursively)')
      .argument('<inputs...>', 'audio files or folders')
      .addOption(
        new Option('-f, --format <format>', 'output format')
          .choices(['table', 'json', 'csv'])
          .default('table'),
      )
      .option('--timeline', 'print per-window probabilities'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ instr classify song.flac --model model.onnx
  $ instr classify ./clips --model model.onnx --format csv > results.csv
  $ instr classify take.wav -m model.onnx --threshold pia=0.3,voi=0.6 --top-k 3 --timeline`,
    )
    .action(async (inputs: string[], flags, cmd: Command) => {
      setCode(
        await (await import('./commands/classify.js')).classifyCommand(
          inputs,
          { ...flags, quiet: quiet(cmd) },
          io,
        ),
      );
    });

  classifyFlags(
    program
      .command('tag')
      .description('tag a sample library: parallel, resumable, writes CSV/JSON and optional sidecars')
      .argument('<dir>', 'folder of audio files (searched recursively)')
      .option('-o, --out <file>', 'output file (.csv or .json)', 'instr-tags.csv')
      .addOption(
        new Option('-f, --format <format>', 'output format (default: from --out)').choices(['csv', 'json']),
      )
      .option('-j, --jobs <n>', 'worker threads (default: CPU cores)', arg(positiveInt('--jobs')))
      .option('--sidecar', 'also write <file>.instr.json beside each audio file')
      .option('--timeline', 'keep per-window timelines in JSON output and sidecars')
      .option('--journal <file>', 'progress journal (default: <out>.journal.ndjson)')
      .option('--restart', 'ignore an existing journal and tag everything again'),
  )
    .addHelpText(
      'after',
      `
Interrupt it at any time (Ctrl-C, a crash, a reboot): running the same command again skips the
files already tagged, as recorded in the journal.

Examples:
  $ instr tag ~/Samples --model model.onnx --out tags.csv --jobs 4
  $ instr tag ~/Samples -m model.onnx --out tags.json --sidecar`,
    )
    .action(async (dir: string, flags, cmd: Command) => {
      setCode(await (await import('./commands/tag.js')).tagCommand(dir, { ...flags, quiet: quiet(cmd) }, io));
    });

  classifyFlags(
    program
      .command('eval')
      .description('evaluate a model on a labelled dataset (CSV manifest or IRMAS test folder)')
      .argument(
        '<dataset>',
        'manifest .csv with file,labels columns, or a folder of audio + .txt label files',
      )
      .option('-r, --report <file.html>', 'write an HTML report')
      .option('--json <file>', 'write the metrics as JSON')
      .option('--ignore-unknown-labels', 'drop labels the model does not predict instead of failing'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ instr eval data/dev/manifest.csv --model model.onnx --report report.html
  $ instr eval IRMAS-TestingData --model model.onnx --threshold 0.3 --json metrics.json`,
    )
    .action(async (dataset: string, flags, cmd: Command) => {
      setCode(
        await (await import('./commands/eval.js')).evalCommand(dataset, { ...flags, quiet: quiet(cmd) }, io),
      );
    });

  program
    .command('features')
    .description('log-mel spectrogram of a file as an image (PNG/SVG) and/or arrays (.npy/.json)')
    .argument('<file>', 'audio file')
    .option('-o, --out <prefix>', 'output path prefix (default: the file name); writes <prefix>.logmel.<ext>')
    .option(
      '-f, --format <list>',
      'comma-separated: png, svg, npy, json',
      arg((v: string) => {
        const list = v.split(',').map((s) => s.trim());
        for (const f of list)
          if (!['png', 'svg', 'npy', 'json'].includes(f))
            throw new UsageError(`Unknown format "${f}"; use png, svg, npy or json.`);
        return list;
      }),
      ['png', 'npy'],
    )
    .option('-m, --model <file>', "use the model's feature parameters and sample rate")
    .option(
      '--sample-rate <hz>',
      "resample first (default: the file's rate)",
      arg(positiveInt('--sample-rate')),
    )
    .option('--n-fft <n>', 'FFT size', arg(positiveInt('--n-fft')), 2048)
    .option('--hop-length <n>', 'hop in samples', arg(positiveInt('--hop-length')), 512)
    .option('--n-mels <n>', 'mel bands', arg(positiveInt('--n-mels')), 128)
    .option('--fmin <hz>', 'lowest mel frequency', arg(Number), 0)
    .option('--fmax <hz>', 'highest mel frequency (default: sample rate / 2)', arg(positiveNumber('--fmax')))
    .addHelpText(
      'after',
      `
Examples:
  $ instr features take.flac --format png,npy
  $ instr features take.flac --model model.onnx --format svg,json --out out/take`,
    )
    .action(async (file: string, flags, cmd: Command) => {
      setCode(
        await (await import('./commands/features.js')).featuresCommand(
          file,
          { ...flags, quiet: quiet(cmd) },
          io,
        ),
      );
    });

  program
    .command('train')
    .description('train a model from a JSON config (@instr/train runFromConfig) and export it as ONNX')
    .argument('<config>', 'training config (.json); data paths are relative to its folder')
    .option(
      '-s, --set <key=value>',
      'override a config key, e.g. loop.epochs=3 (repeatable)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .addHelpText(
      'after',
      `
Prints a JSON summary (model path, report, validation metrics) on stdout; progress goes to stderr.

Examples:
  $ instr train configs/irmas.json
  $ instr train train.json --set loop.epochs=3 --set outDir=runs/quick`,
    )
    .action(async (config: string, flags, cmd: Command) => {
      setCode(
        await (await import('./commands/train.js')).trainCommand(config, { ...flags, quiet: quiet(cmd) }, io),
      );
    });

  program
    .command('serve')
    .description('HTTP service (classify, evaluate, OpenAPI docs) and the browser app')
    .option('-m, --model <file>', 'default model file')
    .option('--models-dir <dir>', 'folder of further .onnx models')
    .option(
      '--data-root <dir>',
      'folder POST /evaluate may read (repeatable)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option(
      '-p, --port <port>',
      'port (0 = any free port)',
      arg((v: string) => {
        const n = Number(v);
        if (!(Number.isInteger(n) && n >= 0 && n < 65536))
          throw new UsageError(`--port must be 0–65535, got "${v}".`);
        return n;
      }),
      8090,
    )
    .option('--max-file-mb <mb>', 'upload limit per file', arg(positiveNumber('--max-file-mb')), 50)
    .option('--max-files <n>', 'files per request', arg(positiveInt('--max-files')), 16)
    .option('--max-seconds <s>', 'audio duration limit per file', arg(positiveNumber('--max-seconds')), 600)
    .option('--concurrency <n>', 'requests processed at once', arg(positiveInt('--concurrency')), 2)
    .option(
      '--queue <n>',
      'requests waiting before 429',
      arg((v: string) => {
        const n = Number(v);
        if (!(Number.isInteger(n) && n >= 0))
          throw new UsageError(`--queue must be a whole number ≥ 0, got "${v}".`);
        return n;
      }),
      8,
    )
    .option('--timeout <s>', 'processing time limit per request', arg(positiveNumber('--timeout')), 120)
    .option(
      '--workers <n>',
      'threads decoding and classifying uploads and /evaluate files (default: --concurrency; 0 = the main thread)',
      arg((v: string) => {
        const n = Number(v);
        if (!(Number.isInteger(n) && n >= 0))
          throw new UsageError(`--workers must be a whole number ≥ 0, got "${v}".`);
        return n;
      }),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ instr serve --model model.onnx --port 8090
  $ instr serve --models-dir models --data-root data --concurrency 4 --queue 16
  $ curl -F file=@take.wav 'http://127.0.0.1:8090/classify?topK=3'`,
    )
    .action(async (flags, cmd: Command) => {
      setCode(await (await import('./commands/serve.js')).serveCommand({ ...flags, quiet: quiet(cmd) }, io));
    });

  program.addHelpText(
    'after',
    `
Examples:
  $ instr classify song.flac --model model.onnx
  $ instr tag ~/Samples --model model.onnx --out tags.csv
  $ instr eval data/dev/manifest.csv --model model.onnx --report report.html
  $ instr features song.flac --format png,npy
  $ instr train train.json --set loop.epochs=5
  $ instr serve --model model.onnx

Exit codes: 0 success, 1 failure (some file could not be processed), 2 usage error.
Colours are off when NO_COLOR is set or output is not a terminal.`,
  );
  return program;
}

/**
 * Runs `instr` with `argv` (without `node` and the script) and resolves to the exit code:
 * 0 success, 1 failure, 2 usage error.
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2));
 * ```
 */
export async function main(argv: readonly string[], io: Partial<CliIO> = {}): Promise<number> {
  const full: CliIO = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
  };
  let code: number = EXIT.ok;
  const program = buildProgram(full, (c) => {
    code = c;
  });
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    const prefix = paint(full, 31, 'error:');
    if (error instanceof UsageError) {
      full.stderr.write(`${prefix} ${error.message}\n`);
      return EXIT.usage;
    }
    if (InstrError.isInstance(error)) {
      const file =
        typeof error.details.file === 'string' && !error.message.includes(error.details.file)
          ? ` (${error.details.file})`
          : '';
      full.stderr.write(`${prefix} ${error.message}${file} [${error.code}]\n`);
      return EXIT.failure;
    }
    full.stderr.write(`${prefix} ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.failure;
  }
}
