import { ModelError, MODEL_METADATA_KEY, type ModelMetadata, parseModelMetadata } from '@instr/core';
import protobuf from 'protobufjs/minimal.js';

/**
 * Reads the `metadata_props` of an ONNX model (ModelProto field 14) without loading the graph.
 * onnxruntime's JavaScript API does not expose them, so we walk the protobuf wire format.
 * @throws {@link ModelError} if the bytes are not a protobuf-encoded ONNX model.
 * @example
 * ```ts
 * const props = readOnnxMetadataProps(new Uint8Array(await readFile('my-model.onnx')));
 * console.log(Object.keys(props)); // ['instr.metadata', …]
 * ```
 */
export function readOnnxMetadataProps(bytes: Uint8Array): Record<string, string> {
  const props: Record<string, string> = {};
  try {
    const reader = protobuf.Reader.create(bytes);
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      if (field === 14 && (tag & 7) === 2) {
        const end = reader.uint32() + reader.pos;
        let key = '';
        let value = '';
        while (reader.pos < end) {
          const t = reader.uint32();
          if (t >>> 3 === 1) key = reader.string();
          else if (t >>> 3 === 2) value = reader.string();
          else reader.skipType(t & 7);
        }
        props[key] = value;
      } else {
        reader.skipType(tag & 7);
      }
    }
  } catch (cause) {
    throw new ModelError('Not a valid ONNX model file (protobuf parse failed).', { cause });
  }
  return props;
}

/**
 * The instr metadata of a model file.
 * @throws {@link ModelError} when the model carries none; `ConfigError` when it is malformed.
 * @example
 * ```ts
 * const meta = readModelMetadata(new Uint8Array(await readFile(defaultModelPath())));
 * console.log(meta.name, meta.sampleRate, meta.instruments.length); // instr-default-cnn 22050 11
 * ```
 */
export function readModelMetadata(bytes: Uint8Array): ModelMetadata {
  const json = readOnnxMetadataProps(bytes)[MODEL_METADATA_KEY];
  if (json === undefined) {
    throw new ModelError(
      `This ONNX model has no "${MODEL_METADATA_KEY}" metadata; export it with @instr/train or add the metadata.`,
      { details: { key: MODEL_METADATA_KEY } },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new ModelError(`The model's "${MODEL_METADATA_KEY}" metadata is not valid JSON.`, { cause });
  }
  return parseModelMetadata(parsed);
}
