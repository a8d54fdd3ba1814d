// The decode graph this engine's runtime runs for a GPT-2 built from its weights. It computes what
// decodeModel.ts computes (a unit test holds the two to 1e-5), in fewer and larger steps:
//
//   - The cache is laid out [1, tokens, C] (token-major), so the runtime keeps each layer's keys
//     and values in one growing buffer and feeds "the first `past` tokens" as a view of it, with
//     no copy. The graph returns only the new tokens' keys and values, every layer's in one
//     tensor, which the runtime appends to the buffers. The Optimum layout [1, heads, tokens, D]
//     returns every layer's whole cache at every step instead: 0.5 MB copied out of ONNX Runtime
//     and allocated in JavaScript per token at 140 tokens, which the profile showed as garbage
//     collection. (One output, not one per layer and kind: each output is a new JavaScript
//     ArrayBuffer at every step, and seven fewer took the greedy loop from 0.48 to 0.45 ms a token.)
//   - Logits are computed for the new tokens from `logits_from` on. The next token needs only the
//     last row, and the output layer for every row of a 200-token prompt took 1.57 of its 7.1 ms
//     (`enableProfiling`, the bundled model's shape: [200, 128]·[128, 4096]); evaluation, which
//     scores every token, asks from 0.
//   - Attention is ONNX Runtime's fused CPU operator MultiHeadAttention (domain com.microsoft:
//     q·kᵀ/√D + bias, softmax, ·v, with the heads split and merged inside it), and the MLP's
//     activation is FastGelu (gelu_tanh(x + bias)). The decode step runs 68 operators (before the
//     Slice for logits_from) instead of 127, and ONNX Runtime's profile of a step at 64 to 192
//     tokens shows 484 µs in operators instead of 604 (`enableProfiling`, the bundled model's shape).
//
//   inputs:  input_ids [1, T] int64, position_ids [1, T] int64,
//            attention_bias [1, 1, T, past + T] float32 (0 where query t may see key s, else −1e9),
//            past.{i}.key|value [1, past, C] float32,
//            logits_from [1] int64 (the first new token whose logits are computed: T − 1 for the next token alone)
//   outputs: logits [1, T − logits_from, vocab],
//            new_keys_values [2 · n_layer, T, C] float32 (layer 0's keys, its values, layer 1's keys, ...)
//
// The model folder keeps the Optimum-layout graph (decodeModel.ts), which transformers.js reads.
import { attr, GraphBuilder } from '../onnx';
import type { GPTConfig } from './config';
import { addWeightInitializers, blockParam, LN_F_BIAS, LN_F_WEIGHT, WPE, WTE } from './parameters';
import type { TensorMap } from './tensor';

const CONTRIB = 'com.microsoft';
const NEW = 'new_tokens';
const PAST = 'past_tokens';
const TOTAL = 'past_tokens + new_tokens';
const LOGIT_ROWS = 'new_tokens - logits_from';

export function appendCacheInput(layer: number, kind: 'key' | 'value'): string {
  return `past.${layer}.${kind}`;
}

/** The new tokens' keys and values of every layer: [2 · n_layer, T, C]. */
export const NEW_KEYS_VALUES = 'new_keys_values';

/** The first new token whose logits the graph computes: [1] int64. */
export const LOGITS_FROM = 'logits_from';

export function buildAppendCacheDecodeModel(config: GPTConfig, weights: TensorMap): Uint8Array {
  const C = config.n_embd;
  const g = new GraphBuilder({ name: 'gpt2_append_cache_decode', docString: 'GPT-2 decode graph for a runtime that appends to a token-major cache' });
  const inputIds = g.input('input_ids', 'int64', [1, NEW]);
  const positionIds = g.input('position_ids', 'int64', [1, NEW]);
  const bias = g.input('attention_bias', 'float32', [1, 1, NEW, TOTAL]);
  const past = Array.from({ length: config.n_layer }, (_, i) => ({
    key: g.input(appendCacheInput(i, 'key'), 'float32', [1, PAST, C]),
    value: g.input(appendCacheInput(i, 'value'), 'float32', [1, PAST, C]),
  }));
  const logitsFrom = g.input(LOGITS_FROM, 'int64', [1]);
  addWeightInitializers(g, config, weights);
  const epsilon = attr.float(config.layer_norm_epsilon);
  const qkvSizes = g.constant(BigInt64Array.of(BigInt(C), BigInt(C), BigInt(C)), [3], 'qkv_sizes');

  // x = wte[ids] + wpe[positions]; h = ln_1(x) of block 0.
  const tokens = g.op('Gather', [WTE, inputIds], { axis: attr.int(0) }, { name: 'wte_lookup' });
  const positions = g.op('Gather', [WPE, positionIds], { axis: attr.int(0) }, { name: 'wpe_lookup' });
  let x = g.op('Add', [tokens, positions], {}, { name: 'embeddings' });
  let h = g.op('LayerNormalization', [x, blockParam(0, 'ln_1.weight'), blockParam(0, 'ln_1.bias')], { axis: attr.int(-1), epsilon }, { name: 'h.0.ln_1' });

  const added: string[] = []; // [1, T, C] each: layer 0's keys, its values, layer 1's keys, ...
  for (let i = 0; i < config.n_layer; i++) {
    const p = (rest: string) => blockParam(i, rest);
    const name = (what: string) => `h.${i}.${what}`;
    // Attention: keys and values are the past ones followed by the new ones, token-major.
    const qkv = g.op('Add', [g.op('MatMul', [h, p('attn.c_attn.weight')], {}, { name: name('attn.c_attn.matmul') }), p('attn.c_attn.bias')], {}, { name: name('attn.c_attn') });
    const [q, kNew, vNew] = g.node('Split', [qkv, qkvSizes], { axis: attr.int(-1) }, { name: name('attn.split'), outputs: 3 });
    added.push(kNew, vNew);
    const keys = g.op('Concat', [past[i].key, kNew], { axis: attr.int(1) }, { name: name('attn.keys') });
    const values = g.op('Concat', [past[i].value, vNew], { axis: attr.int(1) }, { name: name('attn.values') });
    const y = g.op('MultiHeadAttention', [q, keys, values, '', '', bias], { num_heads: attr.int(config.n_head) }, { name: name('attn.heads'), domain: CONTRIB });
    const attnOut = g.op('MatMul', [y, p('attn.c_proj.weight')], {}, { name: name('attn.c_proj.matmul') });
    // x += attn + c_proj bias; h = ln_2(x).
    const [h2, x2] = addAndNormalize(g, config, [attnOut, x, p('ln_2.weight'), p('ln_2.bias'), p('attn.c_proj.bias')], name('ln_2'), name('attn_residual'));
    // MLP: gelu(h·W_fc + b_fc)·W_proj; x += it + b_proj; h = the next block's ln_1(x), or ln_f(x) after the last.
    const fc = g.op('FastGelu', [g.op('MatMul', [h2, p('mlp.c_fc.weight')], {}, { name: name('mlp.c_fc.matmul') }), p('mlp.c_fc.bias')], {}, { name: name('mlp.gelu'), domain: CONTRIB });
    const mlpOut = g.op('MatMul', [fc, p('mlp.c_proj.weight')], {}, { name: name('mlp.c_proj.matmul') });
    const last = i === config.n_layer - 1;
    const [weight, shift] = last ? [LN_F_WEIGHT, LN_F_BIAS] : [blockParam(i + 1, 'ln_1.weight'), blockParam(i + 1, 'ln_1.bias')];
    [h, x] = addAndNormalize(g, config, [mlpOut, x2, weight, shift, p('mlp.c_proj.bias')], last ? 'ln_f' : `h.${i + 1}.ln_1`, name('mlp_residual'));
  }
  // Tied embeddings: logits = ln_f(x)·wteᵀ, for the new tokens from logits_from on.
  const sequenceAxis = g.constant(BigInt64Array.of(1n), [1], 'sequence_axis');
  const toTheEnd = g.constant(BigInt64Array.of(BigInt(Number.MAX_SAFE_INTEGER)), [1], 'to_the_end');
  const scored = g.op('Slice', [h, logitsFrom, toTheEnd, sequenceAxis], {}, { name: 'scored_tokens' });
  const outputWeight = g.op('Transpose', [WTE], { perm: attr.ints([1, 0]) }, { name: 'wte_t' });
  g.output(g.op('MatMul', [scored, outputWeight], {}, { name: 'logits' }), { name: 'logits', dtype: 'float32', dims: [1, LOGIT_ROWS, config.vocab_size] });
  g.output(g.op('Concat', added, { axis: attr.int(0) }, { name: NEW_KEYS_VALUES }), { name: NEW_KEYS_VALUES, dtype: 'float32', dims: [2 * config.n_layer, NEW, C] });
  return g.toBytes();
}

/**
 * LN(input + skip + bias), and the sum, which is the next residual stream. ONNX Runtime's fused
 * SkipLayerNormalization does the same in one operator, but its CPU kernel took 139 µs for 200
 * tokens against 18 µs for LayerNormalization (`enableProfiling`), which made a prompt slower.
 */
function addAndNormalize(g: GraphBuilder, config: GPTConfig, [input, skip, gamma, beta, bias]: string[], normName: string, sumName: string): [string, string] {
  const sum = g.op('Add', [skip, g.op('Add', [input, bias], {}, { name: `${sumName}.bias` })], {}, { name: sumName });
  return [g.op('LayerNormalization', [sum, gamma, beta], { axis: attr.int(-1), epsilon: attr.float(config.layer_norm_epsilon) }, { name: normName }), sum];
}
