// BPE step by step: the recorded merges replay to exactly the tokens the tokenizer produces.
import * as assert from 'node:assert/strict';
import { mergeByRank } from '../../extension/engine/tokenizer/bpeMerge';
import { preTokenize, traceBpe, traceBpePieces, type BpeTrace } from '../../extension/engine/tokenizer/bpeSteps';
import { loadBuiltinTokenizer, type BuiltinTokenizerName } from '../../extension/engine/tokenizer/builtins';
import { HfTextTokenizer } from '../../extension/engine/tokenizer/hfTokenizer';
import { randomMixedText, randomUnicodeText, seededRandom } from '../../extension/engine/tokenizer/randomText';
import { CONVERT_HERE } from '../../extension/engine/tokenizer/builtinConversion';

const TEXTS = [
  'Tokenization is the first step.',
  'def tokenize(text):\n    return [t for t in text.split()]  # 12345',
  '日本語 👩‍👩‍👧 naïve  \t\n\n   spaces',
  "They'll say it's <|endoftext|> the end",
];

/** Each step joins the two named parts at `position`, and everything else stays. */
function assertStepsReplay(trace: BpeTrace): void {
  let parts = trace.initial.map((p) => p.token);
  let previousRank = -1;
  for (const step of trace.steps) {
    assert.equal(parts[step.position], step.left.token);
    assert.equal(parts[step.position + 1], step.right.token);
    parts = [...parts.slice(0, step.position), step.left.token + step.right.token, ...parts.slice(step.position + 2)];
    assert.deepEqual(
      step.parts.map((p) => p.token),
      parts,
    );
    // A merge can only use tokens made by earlier merges, so ranks never fall along a word (the
    // same merge may apply again further on).
    assert.ok(step.rank >= previousRank, `rank ${step.rank} after ${previousRank}`);
    previousRank = step.rank;
  }
  if (!trace.wholePieceInVocabulary) assert.deepEqual(trace.result.map((p) => p.token), parts);
}

describe('mergeByRank', () => {
  it('joins the lowest-ranked pair first and the leftmost of equal pairs', () => {
    const ranks = new Map([
      ['a b', 0],
      ['ab c', 1],
      ['a a', 2],
    ]);
    const steps: string[] = [];
    const result = mergeByRank(
      ['a', 'a', 'b', 'c', 'a', 'a', 'a'],
      (l, r) => {
        const rank = ranks.get(`${l} ${r}`);
        return rank === undefined ? undefined : { rank, merged: l + r };
      },
      (s) => steps.push(`${s.rank}@${s.position}:${s.symbols.join('|')}`),
    );
    assert.deepEqual(result, ['a', 'abc', 'aa', 'a']);
    assert.deepEqual(steps, ['0@1:a|ab|c|a|a|a', '1@1:a|abc|a|a|a', '2@2:a|abc|aa|a']);
  });
});

for (const name of ['r50k_base', 'cl100k_base', 'o200k_base'] as BuiltinTokenizerName[]) {
  describe(`BPE steps with ${name}`, function () {
    this.timeout(120_000);
    let tokenizer: HfTextTokenizer;
    before(async () => {
      tokenizer = await loadBuiltinTokenizer(name, CONVERT_HERE);
    });

    it('start from the bytes of the piece and end at the tokenizer\'s own encoding', () => {
      const random = seededRandom(42);
      const texts = [...TEXTS, ...Array.from({ length: 60 }, (_, i) => (i % 2 ? randomMixedText(random, 12) : randomUnicodeText(random, 20)))];
      for (const text of texts) {
        const traces = traceBpePieces(tokenizer, text);
        assert.deepEqual(
          traces.flatMap((t) => t.ids),
          tokenizer.encodeIds(text),
          JSON.stringify(text),
        );
        for (const trace of traces) {
          assertStepsReplay(trace);
          assert.deepEqual(Buffer.concat(trace.initial.map((p) => p.bytes)), Buffer.concat(trace.result.map((p) => p.bytes)));
          if (trace.ids.length === 1 && tokenizer.addedTokens.has(trace.ids[0])) continue;
          assert.ok(trace.initial.every((p) => p.bytes.length === 1), 'a byte-level piece starts as single bytes');
        }
      }
    });

    it('traces one word into its merges', () => {
      const trace = traceBpe(tokenizer, ' tokenization');
      assert.equal(trace.piece, ' tokenization');
      assert.equal(trace.modelInput, 'Ġtokenization');
      assert.equal(trace.initial.length, 13);
      assert.ok(trace.steps.length >= 2);
      assert.deepEqual(trace.ids, tokenizer.encodeIds(' tokenization'));
      assert.equal(trace.result.map((p) => p.text).join(''), ' tokenization');
    });

    it('refuses text that is more than one piece, and lists the pieces', () => {
      assert.deepEqual(preTokenize(tokenizer, 'Hello world!'), ['Hello', ' world', '!']);
      assert.throws(() => traceBpe(tokenizer, 'Hello world!'), /cuts "Hello world!" into 3 pieces \("Hello", " world", "!"\)/);
      assert.throws(() => traceBpe(tokenizer, ''), /nothing to tokenize/);
    });

    it('keeps special tokens whole', () => {
      const trace = traceBpe(tokenizer, '<|endoftext|>');
      assert.deepEqual(trace.steps, []);
      assert.deepEqual(trace.ids, [tokenizer.specialTokens.get('<|endoftext|>')]);
    });
  });
}

describe('BPE steps on other tokenizer kinds', () => {
  it('say that a WordPiece tokenizer has no merges', () => {
    const wordPiece = new HfTextTokenizer('bert-like', {
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: { type: 'WhitespaceSplit' },
      post_processor: null,
      decoder: null,
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', vocab: { '[UNK]': 0, hello: 1 } },
    });
    assert.throws(() => traceBpe(wordPiece, 'hello'), /bert-like is a WordPiece tokenizer; step-by-step merges exist only for BPE/);
  });
});
