/**
 * Child process of bench/memory.ts and test/signal-memory.test.ts: computes 16 kHz log-mel features
 * (n_fft 400, hop 160, 128 mels) of the WAV file in argv[3], either streamed
 * (`streamAudioFile` → `Resampler` → `StreamingLogMel`, mode `stream`) or loaded whole
 * (`readAudioFile` → `resample` → `logMelSpectrogram`, mode `whole`), and prints one JSON line:
 * frames, seconds of audio, wall ms, the RSS after imports (`baseRss`), the peak RSS
 * (`process.resourceUsage().maxRSS`, which the OS tracks for the whole process life) and the largest
 * RSS sampled after each piece. Run in its own process so the peak belongs to this computation only.
 */
import { logMelSpectrogram, Resampler, resample, StreamingLogMel } from '@instr/dsp';
import { readAudioFile, streamAudioFile } from '@instr/dsp/node';

const [mode, path] = [process.argv[2], process.argv[3]!];
const OPTS = { sampleRate: 16000, nFft: 400, hopLength: 160, nMels: 128 } as const;
const baseRss = process.memoryUsage().rss;
const t0 = performance.now();
let frames = 0;
let samples = 0;
let rate = 0;
let checksum = 0;
let sampledPeak = baseRss;
if (mode === 'stream') {
  let resampler: Resampler | undefined;
  const mel = new StreamingLogMel({ ...OPTS, topDb: null });
  const take = (t: { dims: readonly number[]; data: Float32Array }) => {
    frames += t.dims[1]!;
    if (t.data.length) checksum += t.data[0]! + t.data[t.data.length - 1]!;
  };
  for await (const piece of streamAudioFile(path, { chunkSeconds: 10, mono: true })) {
    rate = piece.sampleRate;
    resampler ??= new Resampler(rate, 16000);
    const ch = piece.channels[0]!;
    samples += ch.length;
    take(mel.push(resampler.process(ch)));
    sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
  }
  if (resampler) take(mel.push(resampler.flush()));
  take(mel.flush());
} else if (mode === 'whole') {
  const audio = await readAudioFile(path, { mono: true });
  rate = audio.sampleRate;
  samples = audio.channels[0]!.length;
  sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
  const y = resample(audio.channels[0]!, rate, 16000);
  sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
  const M = logMelSpectrogram(y, { ...OPTS, topDb: null });
  frames = M.dims[1]!;
  checksum = M.data[0]! + M.data[M.data.length - 1]!;
  sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
} else throw new Error(`mode must be stream or whole, not ${String(mode)}`);
const ms = performance.now() - t0;
console.log(
  JSON.stringify({
    mode,
    frames,
    seconds: samples / rate,
    ms,
    baseRss,
    maxRss: process.resourceUsage().maxRSS * 1024,
    sampledPeak,
    checksum,
  }),
);
