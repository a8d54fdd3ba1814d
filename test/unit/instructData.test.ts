// SFT and DPO data: conversations rendered through the bundled chat template with the assistant
// tokens in the loss, the masked loss against a reference that skips masked tokens, bad input, and
// the name check, and the shipped sets against the rules that built them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import { renderTemplate, templateVariables } from '../../extension/engine/tokenizer/chatTemplate';
import type { HfTextTokenizer } from '../../extension/engine/tokenizer/hfTokenizer';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { loadChatExamples } from '../../extension/engine/train/instruct/chatExamples';
import { loadPreferencePairs } from '../../extension/engine/train/instruct/preferencePairs';
import { exampleBatch } from '../../extension/engine/train/instruct/sftBatches';
import { instructionFor, mentionsName, renameStory, requestedName, storyName } from '../../extension/engine/train/instruct/nameInstructions';
import { buildLossGraph } from '../../extension/engine/train/trainingGraph';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';

const BUNDLED = path.join(__dirname, '..', '..', 'models', 'tinystories-1m');
const conversation = (user: string, assistant: string) => JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] });

describe('instruction and preference data', () => {
  let tokenizer: HfTextTokenizer;
  let dir: string;
  const write = (name: string, lines: string[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };
  before(async () => {
    tokenizer = await loadTokenizerFile(BUNDLED);
    dir = makeTempDir('instruct-data-');
  });
  after(() => removeTempDir(dir));

  it('the bundled chat template renders User and Assistant turns, and plain-text messages as before', () => {
    const template = tokenizer.config.chat_template as string;
    const variables = templateVariables(tokenizer.config);
    const chat = renderTemplate({ template, messages: [{ role: 'user', content: 'Hi.' }], addGenerationPrompt: true }, variables).text;
    assert.equal(chat, '<|endoftext|>User: Hi.\nAssistant:');
    const plain = renderTemplate({ template, messages: [{ role: 'text', content: 'Once upon a time' }], addGenerationPrompt: true }, variables).text;
    assert.equal(plain, '<|endoftext|>Once upon a time');
  });

  it('only the answer and its end-of-text token are in the loss (or every token with allTokens)', () => {
    const file = write('chat.jsonl', [conversation('Write a story that uses the words: dog, ball, sun.', 'The dog found a ball in the sun.')]);
    const [example] = loadChatExamples(file, tokenizer, { contextLength: 64, allTokens: false });
    const inLoss = example.ids.filter((_, i) => example.inLoss[i]);
    assert.equal(tokenizer.decode(inLoss), ' The dog found a ball in the sun.<|endoftext|>');
    const [all] = loadChatExamples(file, tokenizer, { contextLength: 64, allTokens: true });
    assert.ok(all.inLoss.every(Boolean));
  });

  it('the masked loss of the graph equals a reference that skips the prompt tokens', async () => {
    const config: GPTConfig = { n_layer: 1, n_head: 2, n_embd: 16, n_positions: 48, vocab_size: tokenizer.vocabSize, layer_norm_epsilon: 1e-5 };
    const weights = randomWeights(config, 3);
    const file = write('two.jsonl', [conversation('Say hello.', 'Hello there, friend.'), conversation('Name a pet.', 'A cat.')]);
    const examples = loadChatExamples(file, tokenizer, { contextLength: 24, allTokens: false });
    const batch = exampleBatch(examples, 24, 4095);
    const session = await ort.InferenceSession.create(buildLossGraph({ config, batchSize: 2, contextLength: 24 }));
    const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', batch.inputs, [2, 24]), targets: new ort.Tensor('int64', batch.targets, [2, 24]) };
    for (const [name, t] of weights) feeds[name] = new ort.Tensor('float32', t.data, [...t.dims]);
    const graphLoss = ((await session.run(feeds)).loss.data as Float32Array)[0];

    // Reference: the TypeScript forward over each conversation, −log p of the answer tokens only, averaged.
    let total = 0;
    let count = 0;
    for (const example of examples) {
      const { logits } = referenceForward(config, weights, example.ids.slice(0, -1));
      for (let t = 0; t + 1 < example.ids.length; t++) {
        if (!example.inLoss[t + 1]) continue;
        const row = logits.subarray(t * config.vocab_size, (t + 1) * config.vocab_size);
        const max = Math.max(...row);
        const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
        total += lse - row[example.ids[t + 1]];
        count++;
      }
    }
    assert.ok(count > 0 && count < examples.reduce((n, e) => n + e.ids.length - 1, 0));
    assert.ok(Math.abs(graphLoss - total / count) < 1e-4, `graph ${graphLoss} vs reference ${total / count}`);
  });

  it('refuses a file with malformed lines, naming their numbers', () => {
    const file = write('bad.jsonl', [conversation('a', 'b'), '{not json', '', '[1, 2]', conversation('c', 'd')]);
    assert.throws(() => loadChatExamples(file, tokenizer, { contextLength: 64, allTokens: false }), /bad\.jsonl: 2 bad line\(s\), the file is refused: line 2: not JSON.*line 4: not a JSON object/);
  });

  it('refuses a conversation with no assistant turn, and a prompt longer than the context', () => {
    const noAnswer = write('noanswer.jsonl', [JSON.stringify({ messages: [{ role: 'user', content: 'Hello' }] })]);
    assert.throws(() => loadChatExamples(noAnswer, tokenizer, { contextLength: 64, allTokens: false }), /line 1: the conversation has no assistant turn/);
    const long = write('long.jsonl', [conversation('word '.repeat(80), 'Yes.')]);
    assert.throws(() => loadChatExamples(long, tokenizer, { contextLength: 32, allTokens: false }), /line 1: the prompt before the first answer is \d+ tokens, no shorter than the context of 32/);
  });

  it('preference pairs: an empty answer is refused, chosen equal to rejected is skipped and reported', () => {
    const empty = write('empty.jsonl', [JSON.stringify({ prompt: 'p', chosen: 'a', rejected: ' ' })]);
    assert.throws(() => loadPreferencePairs(empty, tokenizer, 64), /line 1: the rejected answer is empty/);
    const same = write('same.jsonl', [JSON.stringify({ prompt: 'p', chosen: 'A dog.', rejected: 'A cat.' }), JSON.stringify({ prompt: 'q', chosen: 'Same.', rejected: 'Same.' })]);
    const data = loadPreferencePairs(same, tokenizer, 64);
    assert.equal(data.pairs.length, 1);
    assert.deepEqual(data.skipped, [{ line: 2, reason: 'chosen equals rejected, so the pair states no preference' }]);
    const { chosen } = data.pairs[0];
    assert.equal(tokenizer.decode(chosen.ids.filter((_, i) => chosen.inLoss[i])), ' A dog.<|endoftext|>');
  });

  it('a name is checked as a whole, capitalised word; a renamed story keeps every other word', () => {
    assert.equal(requestedName(instructionFor('Mia')), 'Mia');
    assert.equal(requestedName('Write a story that uses the words: dog, ball, sun.'), undefined);
    assert.equal(storyName('Once upon a time, there was a girl named Mia. Mia liked cats.'), 'Mia');
    assert.equal(mentionsName("It was Mia's cat.", 'Mia'), true);
    assert.equal(mentionsName('They flew to Miami.', 'Mia'), false);
    assert.equal(mentionsName('mia ran.', 'Mia'), false);
    assert.equal(renameStory("Mia met Miami's mayor. Mia's cat purred.", 'Mia', 'Tom'), "Tom met Miami's mayor. Tom's cat purred.");
  });

  it('the shipped sets follow the rules that built them: held-out from valid.txt, five prompts per name at most, pairs that differ in the name only', () => {
    const sample = path.join(__dirname, '..', '..', 'walkthroughs', 'instruct-sample');
    const read = (name: string) => fs.readFileSync(path.join(sample, name), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const valid = fs.readFileSync(path.join(__dirname, '..', '..', 'corpus', 'tinystories', 'valid.txt'), 'utf8').replace(/\s*\n\s*/g, ' ');
    const heldOut = read('sft-heldout.jsonl').map((r) => r.messages.map((m: { content: string }) => m.content) as [string, string]);
    assert.ok(heldOut.length >= 150);
    const perName = new Map<string, number>();
    for (const [instruction, story] of heldOut) {
      const name = requestedName(instruction) as string;
      assert.ok(mentionsName(story, name) && storyName(story) === name, instruction);
      assert.ok(valid.includes(story), `held-out story not from valid.txt: ${story.slice(0, 60)}`);
      perName.set(name, (perName.get(name) ?? 0) + 1);
    }
    assert.ok(Math.max(...perName.values()) <= 5, 'at most five held-out prompts per name');
    for (const file of ['dpo-train.jsonl', 'dpo-heldout.jsonl']) {
      for (const { prompt, chosen, rejected } of read(file)) {
        const name = requestedName(prompt) as string;
        const other = storyName(rejected) as string;
        assert.ok(mentionsName(chosen, name) && !mentionsName(rejected, name), prompt);
        assert.equal(renameStory(chosen, name, other), rejected);
      }
    }
  });
});
