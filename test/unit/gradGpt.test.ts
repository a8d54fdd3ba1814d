// The gradient of a whole (tiny) GPT-2 training loss, built by the same code as the training graph,
// against central finite differences in float64.
import * as assert from 'node:assert/strict';
import { copyAsFloat64 } from '../../extension/engine/autodiff/float64';
import { checkGradients, type CheckedInput } from '../../extension/engine/autodiff/gradCheck';
import { gpt2Parameters } from '../../extension/engine/gpt/parameters';
import { GraphBuilder } from '../../extension/engine/onnx';
import { emitForwardLoss, IGNORE_INDEX } from '../../extension/engine/train/trainingGraph';
import { SeededRandom } from '../../extension/engine/train/rng';

describe('whole-GPT gradient check', () => {
  it('∂loss/∂θ of a 2-layer GPT matches finite differences for every parameter tensor', async () => {
    const config = { n_layer: 2, n_head: 2, n_embd: 8, n_positions: 6, vocab_size: 11, layer_norm_epsilon: 1e-5 };
    const B = 2;
    const T = 5;
    const random = new SeededRandom(5);
    const u = () => random.next() * 2 - 1;
    const ids = Array.from({ length: B * T }, () => random.nextInt(config.vocab_size));
    const targets = ids.map((id, i) => (i === 3 ? IGNORE_INDEX : (id + 1) % config.vocab_size));
    const inputs: CheckedInput[] = [
      { name: 'input_ids', dims: [B, T], data: BigInt64Array.from(ids.map(BigInt)) },
      { name: 'targets', dims: [B, T], data: BigInt64Array.from(targets.map(BigInt)) },
      // Larger than GPT-2's 0.02 init, so that every path carries a gradient well above rounding.
      ...gpt2Parameters(config).map((p) => ({
        name: p.name,
        dims: p.dims,
        data: Float64Array.from({ length: p.dims.reduce((a, b) => a * b, 1) }, () => (p.init === 'ones' ? 1 + 0.3 * u() : 0.4 * u())),
      })),
    ];
    const result = await checkGradients((g) => {
      const float32 = new GraphBuilder();
      const { loss } = emitForwardLoss(float32, { config, batchSize: B, contextLength: T }, B);
      copyAsFloat64(float32, g);
      return loss;
    }, inputs, { maxPerInput: 24 });
    assert.ok(result.checked > 300, `checked ${result.checked}`);
    assert.ok(result.worst <= 1, `worst relative error ${result.worst} at ${result.worstAt}`);
  });
});
