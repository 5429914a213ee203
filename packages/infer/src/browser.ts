/**
 * @packageDocumentation
 * `@instr/infer` for browsers and web workers: classify audio with onnxruntime-web.
 *
 * @example
 * ```ts
 * import { loadClassifier } from '@instr/infer';
 * const classifier = await loadClassifier(); // the shipped default model, fetched next to this module
 * const result = await classifier.classifyBlob(fileInput.files[0]);
 * ```
 */
import { IOError } from '@instr/core';
import { decodeAudio } from '@instr/dsp';
import * as ort from 'onnxruntime-web';
import { Classifier, type ClassificationResult, type ClassifyOptions } from './classifier.js';
import { classifierFromBytes, type LoadOptions } from './load.js';

export * from './shared.js';

/**
 * URL of the model that ships with the package, `models/default.onnx`, resolved against this module
 * (`new URL('../models/default.onnx', import.meta.url)`); `loadClassifier()` without a model fetches it.
 *
 * - **Bundlers.** Vite and webpack 5 recognise the `new URL('…', import.meta.url)` pattern: they copy
 *   the 1.8 MB model into your build output and put its final URL here, with no configuration. In
 *   Vite's dev server, dependencies are pre-bundled into `node_modules/.vite`, which moves the module
 *   away from its model: add `optimizeDeps: { exclude: ['@instr/infer'] }` to `vite.config` (as
 *   onnxruntime-web asks too), or pass the URL yourself with
 *   `import modelUrl from '@instr/infer/models/default.onnx?url'` (the package exports `./models/*`).
 *   esbuild and Rollup without a plugin leave the expression as it is: the URL is then relative to
 *   your bundle, so serve the model at `../models/default.onnx` from it, or self-host it (below).
 *   (The CommonJS build has no `import.meta`: in a browser it resolves against the current script or
 *   the page instead, so pass a URL there.)
 * - **CDNs.** Loaded unbundled from a CDN that serves the package's files as they are (jsDelivr,
 *   unpkg: `…/@instr/infer@x.y.z/dist/browser.js`), the URL points at the same version's
 *   `models/default.onnx` on that CDN, which must allow cross-origin fetches (they do).
 * - **Self-hosting.** Copy `node_modules/@instr/infer/models/default.onnx` into your static files and
 *   pass its URL: `loadClassifier('/models/default.onnx')`. That is also the way to pin a model
 *   file, serve it with your own caching headers, or keep it from being bundled at all.
 *
 * @example
 * ```ts
 * import { defaultModelUrl, loadClassifier } from '@instr/infer';
 * console.log(defaultModelUrl().href); // e.g. https://example.com/assets/default-3f2a1c.onnx after a Vite build
 * const classifier = await loadClassifier(defaultModelUrl()); // what loadClassifier() does
 * ```
 */
export function defaultModelUrl(): URL {
  return new URL('../models/default.onnx', import.meta.url);
}

/**
 * Loads a model from a URL (fetched), a `Blob`/`File`, or bytes; with no model, the shipped default
 * model from {@link defaultModelUrl} — the same call as in Node.
 * @throws {@link IOError} if the model cannot be fetched (network error, an HTTP error status, or an
 * HTML page instead of the model, as single-page-app servers answer for missing files),
 * {@link ModelError} if it is not an instr model.
 * @example
 * ```ts
 * import { loadClassifier } from '@instr/infer';
 *
 * const classifier = await loadClassifier(); // the shipped default model
 * const mine = await loadClassifier('/models/my-model.onnx', {
 *   sessionOptions: { executionProviders: ['wasm'] },
 * });
 * const result = await classifier.classifyBlob(file);
 * console.log(result.labels);
 * ```
 */
export async function loadClassifier(
  model?: string | URL | Blob | Uint8Array,
  options: LoadOptions = {},
): Promise<BrowserClassifier> {
  const target = model ?? defaultModelUrl();
  let bytes: Uint8Array;
  if (target instanceof Uint8Array) bytes = target;
  else if (typeof Blob !== 'undefined' && target instanceof Blob)
    bytes = new Uint8Array(await target.arrayBuffer());
  else bytes = await fetchModel(target as string | URL, model === undefined);
  const source =
    typeof target === 'string' || target instanceof URL
      ? String(target)
      : typeof File !== 'undefined' && target instanceof File
        ? target.name
        : 'model';
  return classifierFromBytes(ort, bytes, options, source, BrowserClassifier);
}

async function fetchModel(url: string | URL, isDefault: boolean): Promise<Uint8Array> {
  const what = isDefault ? `the default model ${String(url)}` : `model ${String(url)}`;
  const hint = isDefault
    ? ' Serve @instr/infer/models/default.onnx there, or pass a model URL to loadClassifier() (see defaultModelUrl()).'
    : '';
  const details = { file: String(url) };
  const response = await fetch(url).catch((cause) => {
    throw new IOError(`Cannot fetch ${what}: ${(cause as Error).message}.${hint}`, { cause, details });
  });
  if (!response.ok) {
    throw new IOError(`Cannot fetch ${what}: HTTP ${response.status}.${hint}`, {
      details: { ...details, actual: response.status },
    });
  }
  const type = response.headers.get('content-type') ?? '';
  if (/^text\/html\b/i.test(type)) {
    throw new IOError(`Cannot fetch ${what}: the server answered with an HTML page, not the model.${hint}`, {
      details: { ...details, actual: type },
    });
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * A {@link Classifier} that can also decode `Blob`s and `File`s; what the browser entry's
 * `loadClassifier` returns.
 * @example
 * ```ts
 * const classifier: BrowserClassifier = await loadClassifier();
 * input.onchange = async () => console.log((await classifier.classifyBlob(input.files![0]!)).labels);
 * ```
 */
export class BrowserClassifier extends Classifier {
  /**
   * Decodes an audio `Blob`/`File` (format sniffed from its bytes) and classifies it; a `File`'s name
   * becomes the result's `source`.
   * @example
   * ```ts
   * const result = await classifier.classifyBlob(new File([bytes], 'song.flac'));
   * console.log(result.source, result.labels); // song.flac [...]
   * ```
   */
  async classifyBlob(blob: Blob, options: ClassifyOptions = {}): Promise<ClassificationResult> {
    const name = (blob as File).name;
    const audio = await decodeAudio(new Uint8Array(await blob.arrayBuffer()), { source: name });
    return this.classify(audio, { ...(name ? { source: name } : {}), ...options });
  }
}
