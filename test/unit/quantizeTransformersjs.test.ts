// The quantization lab's folder loads in transformers.js with each dtype ("fp32", "fp16", "int8",
// "q4" pick onnx/model.onnx, model_fp16.onnx, model_int8.onnx, model_q4.onnx), and each variant
// gives there the logits our runtime gives for the same file. The comparison's figures are checked
// for what must hold whatever the machine: fp32 agrees with itself, smaller files for fewer bits.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { buildQuantizedVariants, VARIANT_FILES, VARIANTS } from '../../extension/engine/quantize/buildVariants';
import { compareVariants } from '../../extension/engine/quantize/compareVariants';
import { OnnxCausalLM } from '../../extension/engine/runtime/onnxCausalLM';
import { makeTempDir, removeTempDir, writePeakedModel } from './modelFolderFixtures';

type TransformersJs = typeof import('@huggingface/transformers', { with: { 'resolution-mode': 'import' } });

const config: GPTConfig = { n_layer: 2, n_head: 2, n_embd: 64, n_positions: 32, vocab_size: 257, layer_norm_epsilon: 1e-5 };

describe('quantized variants in transformers.js', function () {
  this.timeout(180_000);
  let parent: string;
  let tf: TransformersJs;
  const prompt = [...Buffer.from('The cat sat on the mat', 'utf8')];

  before(async () => {
    parent = makeTempDir('quantize-tfjs');
    writePeakedModel(path.join(parent, 'base'), config, 11);
    buildQuantizedVariants(path.join(parent, 'base'), path.join(parent, 'variants'), 32);
    tf = await import('@huggingface/transformers');
    tf.env.allowRemoteModels = false;
    tf.env.allowLocalModels = true;
    tf.env.localModelPath = `${parent}${path.sep}`;
  });
  after(() => removeTempDir(parent));

  const dtypes = { fp32: 'fp32', fp16: 'fp16', int8: 'int8', q4: 'q4' } as const;
  for (const variant of VARIANTS) {
    it(`loads ${VARIANT_FILES[variant]} with dtype "${dtypes[variant]}" and gives our runtime's logits`, async () => {
      const theirs = await tf.AutoModelForCausalLM.from_pretrained('variants', { local_files_only: true, dtype: dtypes[variant] });
      const ids = (values: number[]) => new tf.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length]);
      const output = await theirs({ input_ids: ids(prompt), attention_mask: ids(prompt.map(() => 1)) });
      await theirs.dispose();
      const ours = await OnnxCausalLM.open(path.join(parent, 'variants', VARIANT_FILES[variant]), { contextLength: config.n_positions, threads: 1 });
      const { logits } = await ours.forwardAll(prompt);
      await ours.release();
      const theirLogits = output.logits.data as Float32Array;
      let worst = 0;
      for (let i = 0; i < logits.length; i++) worst = Math.max(worst, Math.abs(logits[i] - theirLogits[i]));
      assert.ok(worst < 1e-4, `${variant}: ours vs transformers.js ${worst}`);
    });
  }

  it('measures every variant against fp32 in one run', async () => {
    const text = Array.from({ length: 200 }, (_, i) => (i * 37) % 251);
    const comparison = await compareVariants(path.join(parent, 'variants'), text, { decodeTokens: 8, threads: 1 });
    assert.equal(comparison.scoredTokens, 199);
    const by = new Map(comparison.measurements.map((m) => [m.variant, m]));
    const fp32 = by.get('fp32');
    assert.equal(fp32?.top1Agreement, 1);
    assert.equal(fp32?.meanKL, 0);
    assert.ok((by.get('fp16')?.bytes ?? 0) < (fp32?.bytes ?? 0) * 0.6);
    assert.ok((by.get('int8')?.bytes ?? 0) < (by.get('fp16')?.bytes ?? 0));
    assert.ok((by.get('q4')?.bytes ?? 0) < (by.get('int8')?.bytes ?? 0));
    for (const m of comparison.measurements) {
      assert.ok(m.perplexity > 1 && Number.isFinite(m.perplexity), `${m.variant} perplexity ${m.perplexity}`);
      assert.ok(m.meanKL >= 0 && m.top1Agreement <= 1);
      assert.equal(m.flips.length, Math.round((1 - m.top1Agreement) * 199), `${m.variant}: every flip listed`);
    }
    assert.ok((by.get('q4')?.meanKL ?? 0) > (by.get('fp16')?.meanKL ?? 0), 'four bits move the distribution more than fp16 rounding');

    // Measuring only some variants gives them the same figures, and fp32 is always the reference.
    const some = await compareVariants(path.join(parent, 'variants'), text, { decodeTokens: 8, threads: 1, variants: ['q4'] });
    assert.deepEqual(some.measurements.map((m) => m.variant), ['fp32', 'q4']);
    const [q4, alone] = [by.get('q4'), some.measurements[1]];
    assert.deepEqual([alone.perplexity, alone.meanKL, alone.top1Agreement, alone.flips], [q4?.perplexity, q4?.meanKL, q4?.top1Agreement, q4?.flips]);
  });
});
