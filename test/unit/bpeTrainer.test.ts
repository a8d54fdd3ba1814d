// The BPE trainer: its merges equal a slow, obviously correct trainer's; its encoder agrees with
// @huggingface/tokenizers reading the tokenizer.json it writes, over hundreds of awkward texts;
// training is deterministic and special tokens stay whole.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BpeEncoder } from '../../extension/engine/tokenizer/bpeEncoder';
import { PieceCounter, trainBpe, type TrainedBpe } from '../../extension/engine/tokenizer/bpeTrainer';
import { renderChat } from '../../extension/engine/tokenizer/chatTemplate';
import { gpt2Pieces, splitAtSpecialTokens } from '../../extension/engine/tokenizer/gpt2PreTokenizer';
import type { HfTextTokenizer } from '../../extension/engine/tokenizer/hfTokenizer';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { PairHeap } from '../../extension/engine/tokenizer/pairHeap';
import { randomMixedText, randomUnicodeText, randomWhitespaceRun, seededRandom } from '../../extension/engine/tokenizer/randomText';
import { trainBpeOnCorpus } from '../../extension/engine/tokenizer/trainOnCorpus';
import { writeTrainedTokenizer } from '../../extension/engine/tokenizer/trainedTokenizerFiles';

const TINYSTORIES = path.resolve(__dirname, '../../corpus/tinystories/train.txt');
const EOT = '<|endoftext|>';

const SOURCE_CODE = [
  'def train(model, data, steps=1000):\n    for step in range(steps):\n        loss = model(data[step])\n        loss.backward()\n',
  'impl Iterator for Counter {\n    type Item = u32;\n    fn next(&mut self) -> Option<u32> { self.n += 1; Some(self.n) }\n}\n',
  'export const merge = <T,>(a: T[], b: T[]): T[] => [...a, ...b]; // ok\n\n\n',
  'SELECT id, name FROM users WHERE created_at >= \'2024-01-01\' ORDER BY id;\n',
  '#define MAX(a, b) ((a) > (b) ? (a) : (b))\nint x = MAX(1, 2);\t\t// tabs\n',
];
const EMOJI = ['👩‍👩‍👧‍👦 family', '🏳️‍🌈 flag', '👍🏽👍🏿', '🧑🏿‍💻 coder', '🇫🇷🇩🇪🇯🇵', '❤️‍🔥', '😀😃😄😁'];
const CJK = ['日本語の文章を書く。', '中文分词很难。', '한국어 문장입니다.', 'カタカナとひらがな'];
/** Where JavaScript's \s and Unicode White_Space disagree (U+0085, U+FEFF), and other odd spaces. */
const EDGE_SPACES = ['\u0085', '\ufeff', '\u180e', '\u200b', '\u2028', '\u00a0', ' ', '  ', 'a', 'b.', '1', '\n'];

/** Hundreds of seeded test texts of every awkward kind. */
function awkwardTexts(seed: number, count: number): string[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const texts: string[] = [...SOURCE_CODE, ...EMOJI, ...CJK];
  for (let i = 0; i < count; i++) {
    const kind = i % 7;
    if (kind === 0) texts.push(randomUnicodeText(random, 1 + Math.floor(random() * 80)));
    else if (kind === 1) texts.push(randomMixedText(random, 1 + Math.floor(random() * 25)));
    else if (kind === 2) texts.push(pick(SOURCE_CODE).slice(Math.floor(random() * 20)) + randomWhitespaceRun(random, 1 + Math.floor(random() * 30)));
    else if (kind === 3) texts.push(pick(EMOJI) + randomWhitespaceRun(random, 3) + pick(CJK) + pick(EMOJI));
    else if (kind === 4) texts.push(randomWhitespaceRun(random, 1 + Math.floor(random() * 60)) + 'x' + randomWhitespaceRun(random, 5));
    else if (kind === 5) texts.push(`${randomMixedText(random, 4)}${EOT}${randomMixedText(random, 4)}${random() < 0.5 ? EOT : ''}`);
    else texts.push(Array.from({ length: 2 + Math.floor(random() * 8) }, () => pick(EDGE_SPACES)).join(''));
  }
  return texts;
}

/**
 * The textbook trainer, slow and simple: recount every pair from scratch before each merge. The
 * fast trainer's incremental counts and heap must give exactly the same merges.
 */
function slowTrainer(corpus: string, vocabSize: number, specials: string[]): Array<[number, number, number]> {
  const words = new Map<string, { ids: number[]; count: number }>();
  for (const part of splitAtSpecialTokens(corpus, specials)) {
    if (part.special) continue;
    for (const piece of gpt2Pieces(part.text)) {
      const entry = words.get(piece) ?? { ids: Array.from(Buffer.from(piece, 'utf8')), count: 0 };
      entry.count++;
      words.set(piece, entry);
    }
  }
  const tokens: string[] = Array.from({ length: 256 }, (_, b) => String(b));
  const merges: Array<[number, number, number]> = [];
  while (tokens.length < vocabSize - specials.length) {
    const counts = new Map<number, number>();
    for (const { ids, count } of words.values()) for (let i = 0; i + 1 < ids.length; i++) counts.set(ids[i] * 2 ** 21 + ids[i + 1], (counts.get(ids[i] * 2 ** 21 + ids[i + 1]) ?? 0) + count);
    let best = -1;
    for (const [pair, count] of counts) if (best < 0 || count > counts.get(best)! || (count === counts.get(best)! && pair < best)) best = pair;
    if (best < 0) break;
    const [a, b] = [Math.floor(best / 2 ** 21), best % 2 ** 21];
    const bytes = `${tokens[a]},${tokens[b]}`;
    let id = tokens.indexOf(bytes);
    if (id < 0) id = tokens.push(bytes) - 1;
    merges.push([a, b, id]);
    for (const word of words.values()) {
      const merged: number[] = [];
      for (let i = 0; i < word.ids.length; i++) {
        if (word.ids[i] === a && word.ids[i + 1] === b) merged.push(id), i++;
        else merged.push(word.ids[i]);
      }
      word.ids = merged;
    }
  }
  return merges;
}

function train(corpus: string, vocabSize: number): TrainedBpe {
  const counter = new PieceCounter([EOT]);
  counter.add(corpus);
  return trainBpe(counter, { vocabSize, specialTokens: [EOT] });
}

describe('PairHeap', () => {
  it('pops the highest count first, the smaller pair first between equal counts', () => {
    const heap = new PairHeap();
    const random = seededRandom(5);
    const entries = Array.from({ length: 500 }, () => ({ count: Math.floor(random() * 20), pair: Math.floor(random() * 1000) }));
    for (const e of entries) heap.push(e);
    const popped: number[][] = [];
    for (let e = heap.pop(); e; e = heap.pop()) popped.push([e.count, e.pair]);
    const sorted = entries.map((e) => [e.count, e.pair]).sort((x, y) => y[0] - x[0] || x[1] - y[1]);
    assert.deepEqual(popped, sorted);
  });
});

describe('BPE trainer', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpe-trainer-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('learns the same merges as the slow textbook trainer', () => {
    const random = seededRandom(11);
    const corpus = Array.from({ length: 60 }, () => randomMixedText(random, 20)).join(EOT) + ' aaaa aaaaaaa  bbbb    ';
    const fast = train(corpus, 256 + 1 + 300).merges.map((m) => [m.left, m.right, m.id]);
    assert.equal(fast.length, 300);
    assert.deepEqual(fast, slowTrainer(corpus, 256 + 1 + 300, [EOT]));
  });

  it('is deterministic: the same corpus gives the same tokenizer.json', () => {
    const random = seededRandom(3);
    const corpus = Array.from({ length: 200 }, () => randomMixedText(random, 10)).join('\n');
    const a = writeTrainedTokenizer(path.join(dir, 'a'), train(corpus, 700));
    const b = writeTrainedTokenizer(path.join(dir, 'b'), train(corpus, 700));
    assert.equal(fs.readFileSync(a.tokenizerJson, 'utf8'), fs.readFileSync(b.tokenizerJson, 'utf8'));
    assert.deepEqual(fs.readdirSync(path.join(dir, 'a')).sort(), ['tokenizer.json', 'tokenizer_config.json']);
  });

  it('stops early when the corpus has no pairs left, and refuses a vocabulary smaller than the bytes', () => {
    const bpe = train('ab ab ab', 10_000);
    assert.deepEqual(
      bpe.merges.map((m) => Buffer.from(bpe.tokens[m.id]).toString()),
      ['ab', ' ab'],
    );
    assert.deepEqual(bpe.specialTokens, [{ content: EOT, id: 258 }]);
    assert.throws(() => train('ab', 256), /vocabulary size 256 is too small: it needs 256 byte tokens \+ 1 special tokens/);
  });

  describe('trained on a mixed corpus of code, emoji, CJK and many scripts', () => {
    let bpe: TrainedBpe;
    let hf: HfTextTokenizer;
    before(async () => {
      const random = seededRandom(2024);
      const corpus = [...awkwardTexts(77, 400), ...Array.from({ length: 300 }, () => randomMixedText(random, 30))].join(EOT);
      bpe = train(corpus, 1500);
      hf = await loadTokenizerFile(writeTrainedTokenizer(path.join(dir, 'mixed'), bpe).tokenizerJson);
    });

    it('has exactly the asked vocabulary size, special token last', () => {
      assert.equal(hf.vocabSize, 1500);
      assert.deepEqual([...hf.specialTokens], [[EOT, 1499]]);
    });

    it('encodes like @huggingface/tokenizers on 600 random texts, and both decode back', () => {
      const encoder = new BpeEncoder(bpe);
      for (const text of awkwardTexts(12345, 600)) {
        const ids = encoder.encode(text);
        assert.deepEqual(ids, hf.encodeIds(text), JSON.stringify(text));
        assert.equal(hf.decode(ids), text);
        assert.equal(encoder.decode(ids), text);
      }
    });
  });

  describe('trained on the first 500 KB of TinyStories', () => {
    let bpe: TrainedBpe;
    let hf: HfTextTokenizer;
    let files: { tokenizerJson: string; tokenizerConfig: string };
    before(async () => {
      const part = path.join(dir, 'tinystories-500k.txt');
      fs.writeFileSync(part, fs.readFileSync(TINYSTORIES).subarray(0, 500_000));
      bpe = trainBpeOnCorpus(part, { vocabSize: 2048, specialTokens: [EOT] }).bpe;
      files = writeTrainedTokenizer(path.join(dir, 'tinystories'), bpe);
      hf = await loadTokenizerFile(files.tokenizerJson);
    });

    it('learns English words and keeps <|endoftext|> whole', () => {
      const learned = bpe.merges.map((m) => Buffer.from(bpe.tokens[m.id]).toString('latin1'));
      for (const word of [' the', ' and', ' was', ' Lily']) assert.ok(learned.includes(word), `learned ${JSON.stringify(word)}`);
      // No learned token holds any part of the special token's own characters "<|" or "|>".
      assert.ok(learned.every((t) => !t.includes('<|') && !t.includes('|>')));
      const spans = hf.encode(`The end.${EOT}Once upon a time`);
      assert.deepEqual(
        spans.filter((s) => s.special).map((s) => [s.id, s.text, s.start]),
        [[2047, EOT, 8]],
      );
    });

    it('encodes like @huggingface/tokenizers on stories and 300 awkward texts', () => {
      const encoder = new BpeEncoder(bpe);
      const stories = fs.readFileSync(TINYSTORIES, 'utf8').slice(500_000, 520_000).split(EOT);
      for (const text of [...stories, ...awkwardTexts(31337, 300)]) assert.deepEqual(encoder.encode(text), hf.encodeIds(text), JSON.stringify(text));
    });

    it('writes a tokenizer_config.json whose plain-text chat template renders cleanly', async () => {
      const config = JSON.parse(fs.readFileSync(files.tokenizerConfig, 'utf8'));
      assert.equal(config.eos_token, EOT);
      const rendering = renderChat(hf, { template: config.chat_template, messages: [{ role: 'user', content: 'Once upon a time' }], addGenerationPrompt: true });
      assert.equal(rendering.text, `${EOT}Once upon a time`);
      assert.deepEqual(rendering.problems, []);
    });
  });
});
