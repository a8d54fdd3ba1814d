// The ONNX decode and inspection graphs of GPT-2 compute what the plain TypeScript reference
// computes, the KV cache changes nothing but the cost, and padding is never attended to.
import * as assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { headDim, type GPTConfig } from '../../extension/engine/gpt/config';
import { buildDecodeModel } from '../../extension/engine/gpt/decodeModel';
import { buildInspectionModel } from '../../extension/engine/gpt/inspectionModel';
import { gpt2Parameters } from '../../extension/engine/gpt/parameters';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import type { TensorMap } from '../../extension/engine/gpt/tensor';
import { exposeAttentionProbabilities, OnnxModel } from '../../extension/engine/onnx';
import { Mulberry32 } from '../../extension/engine/generate/random';

const CONFIGS: GPTConfig[] = [
  { n_layer: 2, n_head: 2, n_embd: 16, n_positions: 32, vocab_size: 50, layer_norm_epsilon: 1e-5 },
  { n_layer: 3, n_head: 4, n_embd: 32, n_positions: 24, vocab_size: 97, layer_norm_epsilon: 1e-5 },
];
const TOLERANCE = 1e-4;

/** Weights far from GPT-2's small init, so that attention is sharp and every parameter matters. */
function testWeights(config: GPTConfig, seed: number): TensorMap {
  const random = new Mulberry32(seed);
  const weights: TensorMap = new Map();
  for (const spec of gpt2Parameters(config)) {
    const spread = spec.init === 'ones' || spec.init === 'zeros' ? 0.4 : 1.2 / Math.sqrt(spec.dims[0]);
    const base = spec.init === 'ones' ? 1 : 0;
    const data = Float32Array.from({ length: spec.dims.reduce((a, b) => a * b, 1) }, () => base + spread * (random.next() - 0.5) * 2);
    weights.set(spec.name, { dims: [...spec.dims], data });
  }
  return weights;
}

function tokensFor(config: GPTConfig, n: number, seed: number): number[] {
  const random = new Mulberry32(seed);
  return Array.from({ length: n }, () => random.nextInt(config.vocab_size));
}

const int64 = (values: readonly number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tolerance = TOLERANCE): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= tolerance, `${what}: largest difference ${worst}`);
}

/** Runs the decode graph for one batch row or several, with a given past. */
class Decoder {
  private constructor(private readonly session: ort.InferenceSession, private readonly config: GPTConfig) {}

  static async create(bytes: Uint8Array, config: GPTConfig): Promise<Decoder> {
    return new Decoder(await ort.InferenceSession.create(bytes), config);
  }

  emptyPast(batch: number): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = {};
    for (let i = 0; i < this.config.n_layer; i++) {
      for (const kind of ['key', 'value']) {
        feeds[`past_key_values.${i}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [batch, this.config.n_head, 0, headDim(this.config)]);
      }
    }
    return feeds;
  }

  /** ids and positions are [batch][seq]; mask is [batch][past + seq]. */
  async step(ids: number[][], positions: number[][], mask: number[][], past: Record<string, ort.Tensor>) {
    const out = await this.session.run({
      input_ids: int64(ids.flat(), [ids.length, ids[0].length]),
      position_ids: int64(positions.flat(), [ids.length, ids[0].length]),
      attention_mask: int64(mask.flat(), [mask.length, mask[0].length]),
      ...past,
    });
    const nextPast: Record<string, ort.Tensor> = {};
    for (let i = 0; i < this.config.n_layer; i++) {
      for (const kind of ['key', 'value']) nextPast[`past_key_values.${i}.${kind}`] = out[`present.${i}.${kind}`];
    }
    return { out, logits: out.logits.data as Float32Array, past: nextPast };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

for (const config of CONFIGS) {
  const label = `${config.n_layer} layers, ${config.n_head} heads, ${config.n_embd} dims`;
  const V = config.vocab_size;

  describe(`GPT-2 decode graph (${label})`, () => {
    const weights = testWeights(config, 7);
    const tokens = tokensFor(config, 9, 11);
    let decoder: Decoder;
    before(async () => {
      decoder = await Decoder.create(buildDecodeModel(config, weights), config);
    });
    after(() => decoder.release());

    it('matches the TypeScript reference on a whole prompt (past = 0)', async () => {
      const reference = referenceForward(config, weights, tokens);
      const positions = tokens.map((_, t) => t);
      const { out, logits } = await decoder.step([tokens], [positions], [tokens.map(() => 1)], decoder.emptyPast(1));
      assert.deepEqual(out.logits.dims, [1, tokens.length, V]);
      assert.deepEqual(out['present.0.key'].dims, [1, config.n_head, tokens.length, headDim(config)]);
      assertClose(logits, reference.logits, 'logits');
    });

    it('gives the same logits token by token with the cache as recomputing without it', async () => {
      const prompt = 4;
      let step = await decoder.step([tokens.slice(0, prompt)], [[0, 1, 2, 3]], [[1, 1, 1, 1]], decoder.emptyPast(1));
      for (let t = prompt; t < tokens.length; t++) {
        step = await decoder.step([[tokens[t]]], [[t]], [Array(t + 1).fill(1)], step.past);
        const recomputed = referenceForward(config, weights, tokens.slice(0, t + 1)).logits.subarray(t * V);
        assertClose(step.logits, recomputed, `logits at position ${t}`);
        const full = await decoder.step([tokens.slice(0, t + 1)], [tokens.slice(0, t + 1).map((_, i) => i)], [Array(t + 1).fill(1)], decoder.emptyPast(1));
        assertClose(step.logits, full.logits.subarray(t * V), `cache vs no cache at position ${t}`, 1e-5);
      }
      assert.deepEqual(step.past['past_key_values.0.value'].dims, [1, config.n_head, tokens.length, headDim(config)]);
    });

    it('never attends to keys whose attention_mask is 0 (left padding in a batch)', async () => {
      // Row 0: the 5-token prompt. Row 1: a 3-token prompt behind 2 padding tokens.
      const long = tokens.slice(0, 5);
      const short = tokens.slice(5, 8);
      const pad = 0;
      const mask = [[1, 1, 1, 1, 1], [0, 0, 1, 1, 1]];
      const positions = [[0, 1, 2, 3, 4], [1, 1, 0, 1, 2]]; // as transformers does: cumsum(mask) - 1, padding at 1
      const model = exposeAttentionProbabilities(OnnxModel.fromBytes(buildDecodeModel(config, weights)));
      assert.ok(model.found);
      const probing = await Decoder.create(model.model.toBytes(), config);
      try {
        const first = await probing.step([long, [pad, pad, ...short]], positions, mask, probing.emptyPast(2));
        assertClose(first.logits.subarray(0, 5 * V), referenceForward(config, weights, long).logits, 'unpadded row');
        assertClose(first.logits.subarray(7 * V, 10 * V), referenceForward(config, weights, short).logits, 'padded row, real tokens');
        for (const name of model.outputs) {
          const p = first.out[name].data as Float32Array; // [2, H, 5, 5]
          for (let h = 0; h < config.n_head; h++) {
            for (let t = 2; t < 5; t++) {
              for (const s of [0, 1]) assert.equal(p[(((1 * config.n_head + h) * 5 + t) * 5) + s], 0, `${name}: head ${h}, query ${t} sees padding key ${s}`);
            }
          }
        }
        // One more token for each row, with the cache: the padded row still matches its unpadded reference.
        const next = [tokens[8], tokens[0]];
        const second = await probing.step([[next[0]], [next[1]]], [[5], [3]], mask.map((m) => [...m, 1]), first.past);
        assertClose(second.logits.subarray(0, V), referenceForward(config, weights, [...long, next[0]]).logits.subarray(5 * V), 'unpadded row, cached step');
        assertClose(second.logits.subarray(V), referenceForward(config, weights, [...short, next[1]]).logits.subarray(3 * V), 'padded row, cached step');
      } finally {
        await probing.release();
      }
    });
  });

  describe(`GPT-2 inspection graph (${label})`, () => {
    const weights = testWeights(config, 3);
    const tokens = tokensFor(config, 7, 5);
    const T = tokens.length;
    let out: Record<string, ort.Tensor>;
    before(async () => {
      const session = await ort.InferenceSession.create(buildInspectionModel(config, weights, { logitLens: true }));
      out = await session.run({ input_ids: int64(tokens, [1, T]) });
      await session.release();
    });

    it('matches the TypeScript reference on logits, attentions and hidden states', () => {
      const reference = referenceForward(config, weights, tokens);
      assertClose(out.logits.data as Float32Array, reference.logits, 'logits');
      for (let i = 0; i < config.n_layer; i++) {
        assert.deepEqual(out[`attentions.${i}`].dims, [1, config.n_head, T, T]);
        assertClose(out[`attentions.${i}`].data as Float32Array, reference.attentions[i], `attentions.${i}`);
      }
      for (let j = 0; j <= config.n_layer; j++) {
        assertClose(out[`hidden_states.${j}`].data as Float32Array, reference.hiddenStates[j], `hidden_states.${j}`);
      }
    });

    it('has causal attention rows that sum to 1', () => {
      for (let i = 0; i < config.n_layer; i++) {
        const p = out[`attentions.${i}`].data as Float32Array;
        for (let h = 0; h < config.n_head; h++) {
          for (let t = 0; t < T; t++) {
            const row = p.subarray((h * T + t) * T, (h * T + t + 1) * T);
            assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, `layer ${i} head ${h} row ${t} sums to 1`);
            for (let s = t + 1; s < T; s++) assert.equal(row[s], 0, `layer ${i} head ${h}: query ${t} sees future key ${s}`);
          }
        }
      }
    });

    it('has a logit lens whose last layer equals the logits and whose earlier layers differ', () => {
      assertClose(out[`logit_lens.${config.n_layer}`].data as Float32Array, out.logits.data as Float32Array, 'last lens', 1e-6);
      const first = out['logit_lens.0'].data as Float32Array;
      assert.ok(first.some((v, i) => Math.abs(v - (out.logits.data as Float32Array)[i]) > 1e-2), 'the embedding lens is not the output');
    });
  });
}

describe('GPT-2 inspection graph options', () => {
  it('leaves out the logit lens unless asked', () => {
    const config = CONFIGS[0];
    const names = OnnxModel.fromBytes(buildInspectionModel(config, testWeights(config, 1), { logitLens: false })).outputs().map((o) => o.name);
    assert.deepEqual(names, ['logits', 'attentions.0', 'attentions.1', 'hidden_states.0', 'hidden_states.1', 'hidden_states.2']);
  });
});
