// The `eval` command against a loss computed independently from the TypeScript reference GPT-2.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evalCommand } from '../../extension/engine/cli/eval';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import { byteLevelTokenizerJson, END_OF_TEXT_ID, makeTempDir, removeTempDir } from './modelFolderFixtures';

const config: GPTConfig = { n_layer: 2, n_head: 2, n_embd: 16, n_positions: 24, vocab_size: 257, layer_norm_epsilon: 1e-5 };

async function printed(args: string[]): Promise<Map<string, string>> {
  const lines: string[] = [];
  const log = console.log;
  const error = console.error;
  const write = process.stderr.write;
  console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
  console.error = () => undefined;
  process.stderr.write = () => true;
  try {
    await evalCommand.run(args);
  } finally {
    console.log = log;
    console.error = error;
    process.stderr.write = write;
  }
  return new Map(lines.map((line) => [line.slice(0, 10).trim(), line.slice(11)]));
}

/** Σ −ln p(token t | window) with the reference forward, window by window as the command scores them. */
/**
 * The printed figure, rounded to `decimals`, is within half a unit of its last place of the exact
 * value, plus float32's rounding in ONNX Runtime against the float64 reference (1e-5 relative).
 * Rounding both sides instead could put two values a hair apart on either side of a rounding edge.
 */
function assertPrinted(printed: string | undefined, exact: number, decimals: number): void {
  const value = Number(printed?.split(' ')[0]);
  const tolerance = 0.5 * 10 ** -decimals + 1e-5 * Math.abs(exact);
  assert.ok(Math.abs(value - exact) <= tolerance, `printed ${printed}, exact ${exact}, tolerance ${tolerance}`);
}

function referenceNats(weights: ReturnType<typeof randomWeights>, tokens: number[], window: number, stride: number): number {
  let total = 0;
  let scoredUpTo = 1;
  for (let begin = 0; scoredUpTo < tokens.length; begin += stride) {
    const slice = tokens.slice(begin, begin + window);
    const logits = referenceForward(config, weights, slice).logits;
    // The window's last row also predicts the token just past it.
    for (let t = Math.max(scoredUpTo, begin + 1); t <= Math.min(begin + slice.length, tokens.length - 1); t++) {
      const row = Array.from(logits.subarray((t - 1 - begin) * config.vocab_size, (t - begin) * config.vocab_size));
      const max = Math.max(...row);
      total += max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0)) - row[tokens[t]];
    }
    scoredUpTo = Math.min(begin + slice.length + 1, tokens.length);
  }
  return total;
}

describe('eval command', function () {
  this.timeout(60_000);
  let dir: string;
  const weights = randomWeights(config, 5);
  const text = 'The cat sat on the mat. Héllo, wörld! The end.';
  const bytes = [...Buffer.from(text, 'utf8')];

  before(() => {
    dir = makeTempDir('eval-cli');
    writeModelFolder(path.join(dir, 'model'), { config, weights, tokenizerJson: byteLevelTokenizerJson() });
    fs.writeFileSync(path.join(dir, 'text.txt'), text);
  });
  after(() => removeTempDir(dir));

  it('reports loss, perplexity and bits per byte over sliding windows, after the start token', async () => {
    const out = await printed(['--model', path.join(dir, 'model'), '--file', path.join(dir, 'text.txt'), '--stride', '8', '--threads', '1']);
    const tokens = [END_OF_TEXT_ID, ...bytes];
    const nats = referenceNats(weights, tokens, 24, 8);
    const loss = nats / bytes.length;
    assert.match(out.get('windows') ?? '', /^24 tokens, starting every 8$/);
    assertPrinted(out.get('loss'), loss, 4);
    assertPrinted(out.get('perplexity'), Math.exp(loss), 3);
    assertPrinted(out.get('bits/byte'), nats / Math.LN2 / bytes.length, 4);
  });

  it('scores from the text\'s first token without the start token, and counts only the scored bytes', async () => {
    const out = await printed(['--model', path.join(dir, 'model'), '--file', path.join(dir, 'text.txt'), '--no-bos', '--window', '16', '--stride', '16', '--threads', '1']);
    const nats = referenceNats(weights, bytes, 16, 16);
    assertPrinted(out.get('loss'), nats / (bytes.length - 1), 4);
    assertPrinted(out.get('bits/byte'), nats / Math.LN2 / (bytes.length - 1), 4);
  });

  it('refuses bad options and files before loading the model', async () => {
    await assert.rejects(evalCommand.run(['--model', dir, '--file', path.join(dir, 'text.txt'), '--stride', '0']), /--stride must be a positive integer, got "0"/);
    await assert.rejects(evalCommand.run(['--model', dir, '--file', path.join(dir, 'absent.txt')]), /absent\.txt: no such file/);
    fs.writeFileSync(path.join(dir, 'binary.bin'), Uint8Array.from([1, 0, 2]));
    await assert.rejects(evalCommand.run(['--model', dir, '--file', path.join(dir, 'binary.bin')]), /binary\.bin: is a binary file, not text/);
    await assert.rejects(
      evalCommand.run(['--model', path.join(dir, 'model'), '--file', path.join(dir, 'text.txt'), '--window', '40']),
      /window must be an integer from 2 to the context length 24, not 40/,
    );
  });
});
