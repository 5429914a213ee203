/**
 * @packageDocumentation
 * `@instr/infer` for browsers and web workers: classify audio with onnxruntime-web.
 *
 * @example
 * ```ts
 * import { loadClassifier } from '@instr/infer';
 * const classifier = await loadClassifier('/models/default.onnx');
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
 * Loads a model from a URL, a `Blob`/`File`, or bytes.
 * @throws {@link IOError} if it cannot be fetched, `ModelError` if it is not an instr model.
 */
export async function loadClassifier(
  model: string | URL | Blob | Uint8Array,
  options: LoadOptions = {},
): Promise<BrowserClassifier> {
  let bytes: Uint8Array;
  if (model instanceof Uint8Array) bytes = model;
  else if (typeof Blob !== 'undefined' && model instanceof Blob)
    bytes = new Uint8Array(await model.arrayBuffer());
  else {
    const response = await fetch(model as string | URL).catch((cause) => {
      throw new IOError(`Cannot fetch model ${String(model)}: ${(cause as Error).message}`, { cause });
    });
    if (!response.ok) throw new IOError(`Cannot fetch model ${String(model)}: HTTP ${response.status}.`);
    bytes = new Uint8Array(await response.arrayBuffer());
  }
  return classifierFromBytes(
    ort,
    bytes,
    options,
    typeof model === 'string' ? model : 'model',
    BrowserClassifier,
  );
}

/** A {@link Classifier} that can also decode `Blob`s and `File`s. */
export class BrowserClassifier extends Classifier {
  /** Decodes an audio `Blob`/`File` (format sniffed from its bytes) and classifies it. */
  async classifyBlob(blob: Blob, options: ClassifyOptions = {}): Promise<ClassificationResult> {
    const name = (blob as File).name;
    const audio = await decodeAudio(new Uint8Array(await blob.arrayBuffer()), { source: name });
    return this.classify(audio, { ...(name ? { source: name } : {}), ...options });
  }
}
