/**
 * The instr browser app: models chosen by URL, file or the server's list, weighted into an ensemble;
 * files dropped or chosen, or the microphone streamed through a StreamingClassifier; a results table,
 * a timeline chart per file, CSV and JSON downloads. Runs entirely in the browser on onnxruntime-web.
 */
import { decodeAudio } from '@instr/dsp';
import {
  type Classifier,
  type ClassificationResult,
  classifyEnsemble,
  loadClassifier,
  StreamingClassifier,
} from '@instr/infer';
import * as ort from 'onnxruntime-web';

ort.env.wasm.wasmPaths = new URL('ort/', location.href).href;
ort.env.wasm.numThreads = 1;

interface LoadedModel {
  name: string;
  classifier: Classifier;
  weight: number;
}

const models: LoadedModel[] = [];
const results: ClassificationResult[] = [];
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => {
  $('status').textContent = text;
};
const modelStatus = (text: string) => {
  $('model-status').textContent = text;
};

async function addModel(name: string, source: string | Blob): Promise<void> {
  modelStatus(`Loading ${name}…`);
  try {
    const classifier = await loadClassifier(source as string, {
      sessionOptions: { executionProviders: ['wasm'] },
    });
    models.push({ name, classifier, weight: models.length === 0 ? 1 : 0 });
    renderModels();
    modelStatus(`${models.length} model(s) loaded.`);
  } catch (error) {
    modelStatus(`Could not load ${name}: ${(error as Error).message}`);
    throw error;
  }
}

function renderModels(): void {
  const body = $('model-table').querySelector('tbody')!;
  body.replaceChildren(
    ...models.map((m, i) => {
      const tr = document.createElement('tr');
      const slider = document.createElement('input');
      Object.assign(slider, { type: 'range', min: '0', max: '5', step: '0.5', value: String(m.weight) });
      slider.setAttribute('aria-label', `weight of ${m.name}`);
      slider.dataset.model = String(i);
      const value = document.createElement('output');
      value.textContent = String(m.weight);
      slider.addEventListener('input', () => {
        m.weight = Number(slider.value);
        value.textContent = slider.value;
      });
      const cells = [m.name, m.classifier.instruments.codes.join(' ')].map((t) => {
        const td = document.createElement('td');
        td.textContent = t;
        return td;
      });
      const td = document.createElement('td');
      td.append(slider, ' ', value);
      tr.append(...cells, td);
      return tr;
    }),
  );
}

function activeMembers() {
  const members = models
    .filter((m) => m.weight > 0)
    .map((m) => ({ classifier: m.classifier, weight: m.weight }));
  if (members.length === 0) throw new Error('Give at least one model a weight above 0.');
  return members;
}

/** Classifies one file's bytes with the weighted models (one model: that model alone). */
async function classifyBytes(name: string, bytes: Uint8Array): Promise<ClassificationResult> {
  const members = activeMembers();
  const audio = await decodeAudio(bytes, { source: name });
  if (members.length === 1) return members[0]!.classifier.classify(audio, { source: name });
  const { members: _m, ...r } = await classifyEnsemble(members, audio, { source: name });
  return r;
}

async function handleFiles(files: FileList | File[]): Promise<void> {
  const list = [...files];
  for (const [i, file] of list.entries()) {
    status(`Classifying ${file.name} (${i + 1}/${list.length})…`);
    try {
      const result = await classifyBytes(file.name, new Uint8Array(await file.arrayBuffer()));
      addResult(result);
    } catch (error) {
      addError(file.name, (error as Error).message);
    }
  }
  status(`${results.length} file(s) classified.`);
}

function codes(): string[] {
  return models[0]?.classifier.instruments.codes ?? [];
}

function renderHead(): void {
  const head = $('results-table').querySelector('thead')!;
  const tr = document.createElement('tr');
  for (const t of ['file', 'labels', 'duration', ...codes()]) {
    const th = document.createElement('th');
    th.textContent = t;
    tr.append(th);
  }
  head.replaceChildren(tr);
}

function addResult(result: ClassificationResult): void {
  results.push(result);
  renderHead();
  const tr = document.createElement('tr');
  tr.dataset.file = result.source ?? '';
  const p = new Map(result.instruments.map((s) => [s.code, s]));
  const cell = (text: string, cls?: string) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  };
  tr.append(
    cell(result.source ?? ''),
    cell(result.labels.join(', ') || '—'),
    cell(`${result.duration.toFixed(1)} s`),
    ...codes().map((c) =>
      cell(p.get(c)?.probability.toFixed(3) ?? '', p.get(c)?.present ? 'present' : undefined),
    ),
  );
  $('results-table').querySelector('tbody')!.append(tr);
  $('timelines').append(timelineFigure(result));
  ($('download-csv') as HTMLButtonElement).disabled = false;
  ($('download-json') as HTMLButtonElement).disabled = false;
}

function addError(name: string, message: string): void {
  const tr = document.createElement('tr');
  const a = document.createElement('td');
  a.textContent = name;
  const b = document.createElement('td');
  b.colSpan = 2 + codes().length;
  b.className = 'error';
  b.textContent = message;
  tr.append(a, b);
  $('results-table').querySelector('tbody')!.append(tr);
}

const COLOURS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
];

/** An SVG line chart of each instrument's probability over the file's windows. */
function timelineFigure(result: ClassificationResult): HTMLElement {
  const W = 640;
  const H = 140;
  const L = 36;
  const T = 8;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', String(W + L + 120));
  svg.setAttribute('height', String(H + T + 24));
  svg.setAttribute('class', 'timeline');
  const dur = Math.max(result.duration, 1e-6);
  const x = (t: number) => L + (t / dur) * W;
  const y = (p: number) => T + (1 - p) * H;
  const add = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const el = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text) el.textContent = text;
    svg.append(el);
    return el;
  };
  add('rect', { x: L, y: T, width: W, height: H, fill: 'none', stroke: '#999' });
  for (const p of [0, 0.5, 1])
    add('text', { x: L - 4, y: y(p) + 4, 'text-anchor': 'end', 'font-size': 10 }, String(p));
  add('text', { x: L, y: T + H + 16, 'font-size': 10 }, '0 s');
  add('text', { x: L + W, y: T + H + 16, 'font-size': 10, 'text-anchor': 'end' }, `${dur.toFixed(1)} s`);
  codes().forEach((code, i) => {
    // Window centres, extended to the start and end of the file.
    const tl = result.timeline;
    const at = (t: number, p: number) => `${x(t).toFixed(1)},${y(p).toFixed(1)}`;
    const pts = tl.map((w) => at((w.start + w.end) / 2, w.probabilities[code] ?? 0));
    if (tl.length > 1) {
      pts.unshift(at(0, tl[0]!.probabilities[code] ?? 0));
      pts.push(at(dur, tl.at(-1)!.probabilities[code] ?? 0));
    }
    const colour = COLOURS[i % COLOURS.length]!;
    if (pts.length === 1)
      add('circle', { cx: pts[0]!.split(',')[0]!, cy: pts[0]!.split(',')[1]!, r: 3, fill: colour });
    else add('polyline', { points: pts.join(' '), fill: 'none', stroke: colour, 'stroke-width': 1.5 });
    add('text', { x: L + W + 8, y: T + 12 + i * 13, 'font-size': 11, fill: colour }, code);
  });
  const fig = document.createElement('figure');
  const cap = document.createElement('figcaption');
  cap.textContent = `${result.source ?? ''}: probability per window`;
  fig.append(svg, cap);
  return fig;
}

function download(name: string, text: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

const csvField = (v: unknown) => {
  const s = String(v ?? '');
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV of all results: file,labels,duration,<code probabilities>. */
function resultsCsv(): string {
  const lines = [['file', 'labels', 'duration', ...codes()].join(',')];
  for (const r of results) {
    const p = new Map(r.instruments.map((s) => [s.code, s.probability]));
    lines.push(
      [
        r.source ?? '',
        r.labels.join(';'),
        r.duration.toFixed(3),
        ...codes().map((c) => p.get(c)?.toFixed(6) ?? ''),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

// ---- microphone ----------------------------------------------------------------------------------
const WORKLET = `class Tap extends AudioWorkletProcessor {
  process(inputs) { const ch = inputs[0] && inputs[0][0]; if (ch) this.port.postMessage(ch.slice(0)); return true; }
}
registerProcessor('instr-tap', Tap);`;

let recording: { stop: () => Promise<void> } | undefined;

async function startRecording(): Promise<void> {
  const members = activeMembers();
  const best = [...models].sort((a, b) => b.weight - a.weight)[0]!;
  if (members.length > 1) status(`Live view uses the highest-weighted model, ${best.name}.`);
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false },
  });
  const ctx = new AudioContext();
  await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([WORKLET], { type: 'text/javascript' })));
  const source = ctx.createMediaStreamSource(stream);
  const tap = new AudioWorkletNode(ctx, 'instr-tap');
  const streaming = new StreamingClassifier(best.classifier, { sampleRate: ctx.sampleRate });
  let pending: Float32Array[] = [];
  let size = 0;
  tap.port.onmessage = (e: MessageEvent<Float32Array>) => {
    pending.push(e.data);
    size += e.data.length;
    if (size >= ctx.sampleRate / 4) {
      const chunk = new Float32Array(size);
      let o = 0;
      for (const p of pending) {
        chunk.set(p, o);
        o += p.length;
      }
      pending = [];
      size = 0;
      void streaming.push(chunk).then((updates) => {
        const u = updates.at(-1);
        if (u)
          $('live').textContent =
            `${u.start.toFixed(1)}–${u.end.toFixed(1)} s: ${u.labels.join(', ') || '—'}`;
      });
    }
  };
  source.connect(tap);
  ($('record') as HTMLButtonElement).textContent = '■ Stop';
  recording = {
    async stop() {
      source.disconnect();
      stream.getTracks().forEach((t) => t.stop());
      await ctx.close();
      const result = await streaming.finish();
      addResult({ ...result, source: `microphone ${new Date().toLocaleTimeString()}` });
      ($('record') as HTMLButtonElement).textContent = '● Record from microphone';
      $('live').textContent = '';
    },
  };
}

// ---- wiring --------------------------------------------------------------------------------------
function wire(): void {
  $('model-url-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const url = ($('model-url') as HTMLInputElement).value.trim();
    if (url) void addModel(url.split('/').pop() ?? url, url).catch(() => {});
  });
  $('model-file').addEventListener('change', (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) void addModel(f.name, f).catch(() => {});
  });
  $('audio-files').addEventListener('change', (e) => {
    const files = (e.target as HTMLInputElement).files;
    if (files?.length) void handleFiles(files);
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer?.files.length) void handleFiles(e.dataTransfer.files);
  });
  $('record').addEventListener('click', () => {
    if (recording) {
      const r = recording;
      recording = undefined;
      void r.stop();
    } else void startRecording().catch((error) => status(`Microphone: ${(error as Error).message}`));
  });
  $('download-csv').addEventListener('click', () => download('instr-results.csv', resultsCsv(), 'text/csv'));
  $('download-json').addEventListener('click', () =>
    download(
      'instr-results.json',
      `${JSON.stringify(
        results.map(({ ...r }) => r),
        null,
        2,
      )}\n`,
      'application/json',
    ),
  );
}

/** Models to start with: `?model=url` (repeatable), else the serving instr server's list, else none. */
async function initialModels(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const urls = params.getAll('model');
  if (urls.length) {
    for (const u of urls) await addModel(u.split('/').pop() ?? u, u).catch(() => {});
    return;
  }
  try {
    const response = await fetch('models');
    if (!response.ok) throw new Error(String(response.status));
    const list = (await response.json()) as { models: { name: string }[] };
    for (const m of list.models) await addModel(m.name, `models/file/${m.name}`).catch(() => {});
    if (!list.models.length) modelStatus('The server lists no models: enter a model URL or choose a file.');
  } catch {
    modelStatus('Enter a model URL or choose a model file.');
  }
}

wire();
const ready = initialModels();
/** Hooks for tests and scripting. */
(window as unknown as Record<string, unknown>).instr = {
  ready,
  models,
  results,
  addModel,
  classifyBytes: async (name: string, bytes: Uint8Array | number[]) =>
    classifyBytes(name, bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)),
};
