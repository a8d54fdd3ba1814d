// The parameters of GPT-2, under Hugging Face's names and layouts, with how each is initialized.
// Conv1D weights (c_attn, c_proj, c_fc) are stored (in, out), so a layer computes y = x·W + b.
// The output layer has no weights of its own: logits = h·wteᵀ (tied embeddings).
import type { GraphBuilder } from '../onnx';
import type { GPTConfig } from './config';
import type { TensorMap } from './tensor';

/** How GPT-2 initializes a parameter (Radford et al. 2019, nanoGPT's _init_weights). */
export type InitRule =
  | 'normal'    // N(0, 0.02): embeddings and linear weights
  | 'residual'  // N(0, 0.02/√(2·n_layer)): the projections that write into the residual stream
  | 'ones'      // LayerNorm gains
  | 'zeros';    // biases

export interface ParameterSpec {
  readonly name: string;
  readonly dims: readonly number[];
  readonly init: InitRule;
}

export const WTE = 'transformer.wte.weight';
export const WPE = 'transformer.wpe.weight';
export const LN_F_WEIGHT = 'transformer.ln_f.weight';
export const LN_F_BIAS = 'transformer.ln_f.bias';

/** transformer.h.{layer}.{rest}, e.g. blockParam(0, 'attn.c_attn.weight'). */
export function blockParam(layer: number, rest: string): string {
  return `transformer.h.${layer}.${rest}`;
}

/** Every parameter, in the order of the forward pass. */
export function gpt2Parameters(config: GPTConfig): ParameterSpec[] {
  const C = config.n_embd;
  const specs: ParameterSpec[] = [
    { name: WTE, dims: [config.vocab_size, C], init: 'normal' },
    { name: WPE, dims: [config.n_positions, C], init: 'normal' },
  ];
  for (let i = 0; i < config.n_layer; i++) {
    const p = (rest: string, dims: number[], init: InitRule) => specs.push({ name: blockParam(i, rest), dims, init });
    p('ln_1.weight', [C], 'ones');
    p('ln_1.bias', [C], 'zeros');
    p('attn.c_attn.weight', [C, 3 * C], 'normal');
    p('attn.c_attn.bias', [3 * C], 'zeros');
    p('attn.c_proj.weight', [C, C], 'residual');
    p('attn.c_proj.bias', [C], 'zeros');
    p('ln_2.weight', [C], 'ones');
    p('ln_2.bias', [C], 'zeros');
    p('mlp.c_fc.weight', [C, 4 * C], 'normal');
    p('mlp.c_fc.bias', [4 * C], 'zeros');
    p('mlp.c_proj.weight', [4 * C, C], 'residual');
    p('mlp.c_proj.bias', [C], 'zeros');
  }
  specs.push({ name: LN_F_WEIGHT, dims: [C], init: 'ones' }, { name: LN_F_BIAS, dims: [C], init: 'zeros' });
  return specs;
}

/** Throws, naming the tensor, unless `weights` has every parameter with the expected shape. */
export function checkWeights(config: GPTConfig, weights: TensorMap): void {
  checkParameterShapes(gpt2Parameters(config), weights);
}

/** The same check against any list of parameters (a Llama's, say). */
export function checkParameterShapes(specs: readonly { name: string; dims: readonly number[] }[], weights: TensorMap): void {
  for (const spec of specs) {
    const tensor = weights.get(spec.name);
    if (!tensor) throw new Error(`weights: ${spec.name} is missing`);
    if (tensor.dims.length !== spec.dims.length || tensor.dims.some((d, i) => d !== spec.dims[i])) {
      throw new Error(`weights: ${spec.name} has shape [${tensor.dims.join(', ')}], expected [${spec.dims.join(', ')}]`);
    }
    const count = spec.dims.reduce((a, b) => a * b, 1);
    if (tensor.data.length !== count) throw new Error(`weights: ${spec.name} holds ${tensor.data.length} values, expected ${count}`);
  }
}

/** Adds every parameter to `g` as an initializer under its Hugging Face name (inference graphs). */
export function addWeightInitializers(g: GraphBuilder, config: GPTConfig, weights: TensorMap): void {
  checkWeights(config, weights);
  for (const spec of gpt2Parameters(config)) {
    const tensor = weights.get(spec.name);
    if (tensor) g.initializer(spec.name, tensor.data, tensor.dims);
  }
}
