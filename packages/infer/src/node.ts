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

/** Path of the model that ships with the package (used when `loadClassifier` gets no model). */
export function defaultModelPath(): string {
  return fileURLToPath(new URL('../models/default.onnx', import.meta.url));
}

/**
 * Loads a model: a path to an `.onnx` file, its bytes, or nothing for the shipped default model.
 * @throws {@link IOError} if the file cannot be read, {@link ModelError} if it is not an instr model.
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

/** A {@link Classifier} that can also read files. */
export class NodeClassifier extends Classifier {
  /** Decodes an audio file (WAV, FLAC, MP3, Ogg) and classifies it; errors name the file. */
  async classifyFile(path: string, options: ClassifyOptions = {}): Promise<ClassificationResult> {
    const audio = await readAudioFile(path);
    return this.classify(audio, { source: path, ...options });
  }
}
