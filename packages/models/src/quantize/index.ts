export {
  type QuantizedWeight,
  type QuantizeOptions,
  type QuantizeResult,
  quantizeInferenceModel,
} from './quantize.js';
