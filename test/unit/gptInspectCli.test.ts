// The `inspect` command on a GPT-2 model folder and on a bare decode graph: what it prints agrees
// with the model's own figures and with the TypeScript reference forward pass.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { inspectCommand } from '../../extension/engine/cli/inspect';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import { parameterCount } from '../../extension/engine/gpt/sizes';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import { byteLevelTokenizerJson, makeTempDir, removeTempDir } from './modelFolderFixtures';

const CONFIG: GPTConfig = { n_layer: 2, n_head: 2, n_embd: 32, n_positions: 64, vocab_size: 257, layer_norm_epsilon: 1e-5 };

async function printed(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => lines.push(...parts.join(' ').split('\n'));
  try {
    await inspectCommand.run(args);
  } finally {
    console.log = log;
  }
  return lines;
}

function greedyNext(tokens: number[], weights: ReturnType<typeof randomWeights>): number {
  const logits = referenceForward(CONFIG, weights, tokens).logits.subarray((tokens.length - 1) * CONFIG.vocab_size);
  let best = 0;
  for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
  return best;
}

describe('cli inspect', () => {
  let dir: string;
  const weights = randomWeights(CONFIG, 5);
  // Larger weights than GPT-2's init, so that attention and predictions are not flat.
  for (const t of weights.values()) t.data.forEach((v, i) => (t.data[i] = v * 20));
  before(() => {
    dir = makeTempDir('inspect-cli');
    writeModelFolder(path.join(dir, 'tiny'), { config: CONFIG, weights, tokenizerJson: byteLevelTokenizerJson() });
  });
  after(() => removeTempDir(dir));

  it('describes a GPT-2 folder, its attention per layer and a logit lens ending on the model prediction', async () => {
    const text = 'Hello world';
    const lines = await printed([path.join(dir, 'tiny'), '--text', text]);
    const find = (prefix: string) => lines.find((l) => l.startsWith(prefix)) ?? assert.fail(`no line "${prefix}" in\n${lines.join('\n')}`);
    assert.match(find('model'), /our GPT-2: 2 layers, 2 heads, 32 dims, vocabulary 257, context 64/);
    assert.ok(lines.some((l) => l.includes(`parameters ${parameterCount(CONFIG).total.toLocaleString('en-US')}`)));
    assert.match(find('attention'), /2 Softmax outputs can be read/);
    assert.match(find('tokens'), /^tokens +"H" 72, "e" 101, "l" 108/);
    assert.match(find('layer 0'), /h0 ".*" \d\.\d\d  h1 ".*" \d\.\d\d/);
    assert.match(find('layer 1'), /h0/);
    const ids = Array.from(new TextEncoder().encode(text));
    assert.match(find('block 1'), new RegExp(`\\(id ${greedyNext(ids, weights)}\\)$`));
  });

  it('reads attention from a bare decode graph through its Softmax outputs, given token ids', async () => {
    const ids = [72, 101, 108, 108, 111];
    const lines = await printed([path.join(dir, 'tiny', 'onnx', 'model.onnx'), '--ids', ids.join(',')]);
    assert.equal(lines.filter((l) => l.startsWith('softmax ')).length, CONFIG.n_layer);
    assert.ok(lines.includes(`next token #${greedyNext(ids, weights)}`), lines.join('\n'));
  });

  it('says what is wrong with its arguments', async () => {
    await assert.rejects(inspectCommand.run([]), /usage: npm run cli -- inspect/);
    await assert.rejects(inspectCommand.run([path.join(dir, 'missing')]), /missing: no such file or folder/);
    await assert.rejects(inspectCommand.run([path.join(dir, 'tiny', 'onnx', 'model.onnx'), '--text', 'hi']), /--text needs a model folder/);
    await assert.rejects(inspectCommand.run([path.join(dir, 'tiny'), '--ids', '1,x']), /--ids takes token ids/);
  });
});
