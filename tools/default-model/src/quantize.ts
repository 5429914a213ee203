/**
 * Writes the int8 (weights-only) variant of the default model next to it.
 *
 *   pnpm --filter @instr/default-model quantize -- ../../packages/infer/models/default.onnx ../../packages/infer/models/default.int8.onnx
 */
import { quantizeModelFile } from '@instr/models/node';
import { cliArgv } from './argv.js';

const [input, output] = cliArgv().slice(2);
if (!input || !output) {
  console.error('usage: quantize <model.onnx> <model.int8.onnx>');
  process.exit(2);
}
const result = await quantizeModelFile(input, output);
console.log(
  `${output}: ${result.quantized.length} weight tensors → int8, weights ${result.weightBytes.before} → ${result.weightBytes.after} bytes`,
);
