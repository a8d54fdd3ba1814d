// The incremental decoder against the tokenizer's own decode of all the ids, at every length: on the
// bundled byte-level tokenizer (characters of 2 to 4 bytes split across tokens, random ids that
// are not valid UTF-8 at all, a generation stepped back and taken another way) and on a
// SentencePiece-style tokenizer whose decoder strips the leading space. It also checks why it is
// fast: once under way, no call decodes more than the few ids of its window.

import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { incrementalDecode } from '../../extension/engine/generate/incrementalDecode';
import { Mulberry32 } from '../../extension/engine/generate/random';
import { HfTextTokenizer } from '../../extension/engine/tokenizer/hfTokenizer';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';

const MODEL_DIR = path.resolve(__dirname, '../../models/tinystories-1m');
const TEXT = 'Lily saw a café — 猫 and 🐈‍⬛ — then said "Don\'t go!" and ran home.\n\nThe end.';

/** Feeds ids one more at a time and checks each result against decoding them all; returns the longest id list one call decoded. */
function checkEveryLength(decode: (ids: readonly number[]) => string, ids: readonly number[], from = 1): number {
  let longest = 0;
  const counted = incrementalDecode((part) => {
    longest = Math.max(longest, part.length);
    return decode(part);
  });
  for (let n = from; n <= ids.length; n++) assert.equal(counted(ids.slice(0, n)), decode(ids.slice(0, n)), `after ${n} ids: ${ids.slice(0, n)}`);
  return longest;
}

describe('incrementalDecode', () => {
  let tokenizer: Awaited<ReturnType<typeof loadTokenizerFile>>;
  const decode = (ids: readonly number[]) => tokenizer.decode(ids, { skipSpecialTokens: true });
  before(async () => {
    tokenizer = await loadTokenizerFile(MODEL_DIR);
  });

  it('gives the text of all the ids at every step, with characters split across byte-level tokens, decoding only a window of ids', () => {
    const ids = tokenizer.encodeIds(TEXT);
    assert.ok(ids.some((id) => decode([id]).includes('\uFFFD')), 'some token holds part of a character');
    checkEveryLength(decode, ids);
    const plain = tokenizer.encodeIds('Once upon a time, there was a little girl named Lily. She loved to play outside.');
    assert.equal(checkEveryLength(decode, plain), 2, 'each call decoded the last two ids, not the whole text');
  });

  it('agrees on random ids, invalid UTF-8 and special tokens included', () => {
    const random = new Mulberry32(7);
    const ids = Array.from({ length: 300 }, () => Math.floor(random.next() * tokenizer.vocabSize));
    checkEveryLength(decode, ids);
  });

  it('starts again when the ids are not the previous ones and more (a step back, another branch)', () => {
    const ids = tokenizer.encodeIds(TEXT);
    const other = tokenizer.encodeIds('Lily saw a dog.');
    const incremental = incrementalDecode(decode);
    for (const list of [ids.slice(0, 20), ids.slice(0, 12), [...ids.slice(0, 12), ...other], other, ids]) {
      assert.equal(incremental(list), decode(list));
      assert.equal(incremental([...list, ids[5]]), decode([...list, ids[5]]));
    }
  });

  it('keeps the spaces a SentencePiece decoder strips at the start of its input', () => {
    const vocab = ['<unk>', '▁Once', '▁upon', '▁a', '▁time', ',', '▁the', 'r', 'e', '▁', 'é'];
    const sentencePiece = new HfTextTokenizer('metaspace', {
      version: '1.0',
      added_tokens: [{ id: 0, content: '<unk>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
      normalizer: null,
      pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
      post_processor: null,
      decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
      model: { type: 'BPE', vocab: Object.fromEntries(vocab.map((t, i) => [t, i])), merges: [], unk_token: '<unk>' },
    });
    const spDecode = (ids: readonly number[]) => sentencePiece.decode(ids, { skipSpecialTokens: true });
    const ids = [1, 2, 3, 4, 5, 6, 9, 7, 8, 10, 3, 0, 4, 0, 0, 1];
    assert.equal(spDecode(ids), 'Once upon a time, the reé a time Once');
    checkEveryLength(spDecode, ids);
  });
});
