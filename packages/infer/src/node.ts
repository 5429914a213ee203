/**
 * @packageDocumentation
 * `@instr/infer` for Node: classify audio with onnxruntime-node.
 *
 * @example
 * ```ts
 * import { loadClassifier } from '@instr/infer';
 * const classifier = await loadClassifier();            // the shipped default model
 * const result = await classifier.classifyFile('song.flac');
 * console.log(result.labels);                            // e.g. ['pia', 'voi']
 * ```
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { IOError, ModelError } from '@instr/core';
import { readAudioFile } from '@instr/dsp/node';
import * as ort from 'onnxruntime-node';
import type { ClassificationResult, ClassifyOptions } from './classifier.js';
import { Classifier } from './classifier.js';
import { classifierFromBytes, type LoadOptions } from './load.js';

export * from './shared.js';

/**
 * `file:` URL of the model that ships with the package, `models/default.onnx` (the browser entry has the
 * same function, there an http(s) URL that bundlers rewrite). In Node, {@link defaultModelPath} is
 * usually handier.
 * @example
 * ```ts
 * import { defaultModelUrl } from '@instr/infer';
 * console.log(defaultModelUrl().href); // file:///…/node_modules/@instr/infer/models/default.onnx
 * ```
 */
export function defaultModelUrl(): URL {
  return new URL('../models/default.onnx', import.meta.url);
}

/**
 * Path of the model that ships with the package (used when `loadClassifier` gets no model). Node only.
 * `'int8'` gives its weights-only int8 variant (`default.int8.onnx`, a quarter of the size, dev macro F1
 * within 0.01 of the float model, a little slower on CPU; see docs/model-card.md). In browsers, import
 * `@instr/infer/models/default.int8.onnx` as a URL through your bundler.
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { defaultModelPath, loadClassifier, readModelMetadata } from '@instr/infer';
 * const meta = readModelMetadata(new Uint8Array(await readFile(defaultModelPath())));
 * console.log(meta.name); // instr-default-cnn
 * const small = await loadClassifier(defaultModelPath('int8'));
 * ```
 */
export function defaultModelPath(variant: 'float32' | 'int8' = 'float32'): string {
  return variant === 'int8'
    ? fileURLToPath(new URL('../models/default.int8.onnx', import.meta.url))
    : fileURLToPath(defaultModelUrl());
}

/**
 * Loads a model: a path to an `.onnx` file, its bytes, or nothing for the shipped default model — the
 * same call as in browsers (where a model is a URL, a `Blob` or bytes).
 * @throws {@link IOError} if the file cannot be read, {@link ModelError} if it is not an instr model.
 * @example
 * ```ts
 * import { loadClassifier } from '@instr/infer';
 *
 * const classifier = await loadClassifier(); // the shipped default model
 * const mine = await loadClassifier('my-model.onnx', { sessionOptions: { intraOpNumThreads: 1 } });
 * console.log((await classifier.classifyFile('song.flac')).labels);
 * ```
 */
export async function loadClassifier(
  model?: string | Uint8Array,
  options: LoadOptions = {},
): Promise<NodeClassifier> {
  const path = model === undefined ? defaultModelPath() : typeof model === 'string' ? model : undefined;
  let bytes: Uint8Array;
  if (path !== undefined) {
    if (model === undefined && !existsSync(path)) {
      throw new ModelError(`No default model found at ${path}; pass a model file to loadClassifier().`, {
        details: { file: path },
      });
    }
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (cause) {
      throw new IOError(`Cannot read model file ${path}: ${(cause as Error).message}`, {
        cause,
        details: { file: path },
      });
    }
  } else {
    bytes = model as Uint8Array;
  }
  return classifierFromBytes(ort, bytes, options, path ?? 'model bytes', NodeClassifier);
}

/**
 * A {@link Classifier} that can also read files; what the Node entry's `loadClassifier` returns.
 * @example
 * ```ts
 * const classifier: NodeClassifier = await loadClassifier();
 * const result = await classifier.classifyFile('song.flac', { topK: 3 });
 * console.log(result.source, result.labels); // song.flac ['voi']
 * ```
 */
export class NodeClassifier extends Classifier {
  /**
   * Decodes an audio file (WAV, FLAC, MP3, Ogg) and classifies it; errors name the file.
   * @example
   * ```ts
   * const { labels, timeline } = await classifier.classifyFile('song.flac');
   * ```
   */
  async classifyFile(path: string, options: ClassifyOptions = {}): Promise<ClassificationResult> {
    const audio = await readAudioFile(path);
    return this.classify(audio, { source: path, ...options });
  }
}
