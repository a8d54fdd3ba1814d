// The byte-level generation decoder against @huggingface/tokenizers' decode of all the ids, at every
// length: characters of 2 to 4 bytes split across tokens, random ids that are not valid UTF-8 (the
// bundled tokenizer has all 256 byte tokens), special tokens in the middle, a generation stepped
// back, and a tokenizer with a non-special added token, which takes the general road. The cut
// before an incomplete character is checked byte by byte against TextDecoder.

import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { generationTextDecoder, incompleteTail } from '../../extension/engine/generate/byteLevelIncrementalDecode';
import { Mulberry32 } from '../../extension/engine/generate/random';
import { HfTextTokenizer } from '../../extension/engine/tokenizer/hfTokenizer';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';

const MODEL_DIR = path.resolve(__dirname, '../../models/tinystories-1m');
const TEXT = 'Lily saw a café — 猫 and 🐈‍⬛ — then said "Don\'t go!" and ran home.\n\nThe end.';

describe('generationTextDecoder (byte-level)', () => {
  let tokenizer: HfTextTokenizer;
  const decode = (ids: readonly number[]) => tokenizer.decode(ids, { skipSpecialTokens: true });
  const checkEveryLength = (ids: readonly number[], textOf = generationTextDecoder(tokenizer)) => {
    for (let n = 1; n <= ids.length; n++) assert.equal(textOf(ids.slice(0, n)), decode(ids.slice(0, n)), `after ${n} ids: ${ids.slice(0, n)}`);
  };
  before(async () => {
    tokenizer = await loadTokenizerFile(MODEL_DIR);
  });

  it('cuts before a character only while it may still be completed, as a UTF-8 decoder would read it', () => {
    const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
    const random = new Mulberry32(3);
    for (let trial = 0; trial < 20000; trial++) {
      // Bytes drawn mostly from the interesting ranges: continuations and lead bytes.
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random.next() * 6) }, () => [0x41, 0x80, 0xbf, 0xc2, 0xe0, 0xe2, 0xf0, 0xf4, 0xf5, 0xa0][Math.floor(random.next() * 10)]);
      const cut = incompleteTail(bytes);
      assert.equal(utf8.decode(bytes.subarray(0, cut)) + utf8.decode(bytes.subarray(cut)), utf8.decode(bytes), `${[...bytes]}`);
      // Without a cut nothing is unfinished: a streaming decoder holds nothing back that later bytes could change.
      if (cut === bytes.length) assert.equal(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes, { stream: true }), utf8.decode(bytes), `${[...bytes]}`);
    }
  });

  it('gives the text of all the ids at every step, with characters split across tokens', () => {
    const ids = tokenizer.encodeIds(TEXT);
    assert.ok(ids.some((id) => decode([id]).includes('\uFFFD')), 'some token holds part of a character');
    checkEveryLength(ids);
  });

  it('agrees on random ids, invalid UTF-8 and special tokens included', () => {
    const random = new Mulberry32(11);
    const eos = tokenizer.specialTokens.get('<|endoftext|>') as number;
    const ids = Array.from({ length: 400 }, (_, i) => (i % 37 === 5 ? eos : Math.floor(random.next() * tokenizer.vocabSize)));
    checkEveryLength(ids);
  });

  it('starts again when the ids are not the previous ones and more', () => {
    const ids = tokenizer.encodeIds(TEXT);
    const other = tokenizer.encodeIds('Lily saw a dog.');
    const textOf = generationTextDecoder(tokenizer);
    for (const list of [ids.slice(0, 20), ids.slice(0, 12), [...ids.slice(0, 12), ...other], other, ids, []]) {
      assert.equal(textOf(list), list.length ? decode(list) : '');
      assert.equal(textOf([...list, ids[5]]), decode([...list, ids[5]]));
    }
  });

  it('takes the general road for a non-special added token and for a tokenizer that cleans up spaces', () => {
    const json = structuredClone(tokenizer.tokenizerJson) as { added_tokens: Record<string, unknown>[] };
    const id = tokenizer.vocabSize;
    json.added_tokens.push({ id, content: '<note>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: false });
    const withAdded = new HfTextTokenizer('with-added', json, tokenizer.config);
    const ids = [...tokenizer.encodeIds('A café'), id, ...tokenizer.encodeIds(' 🐈 ok')];
    const textOf = generationTextDecoder(withAdded);
    for (let n = 1; n <= ids.length; n++) assert.equal(textOf(ids.slice(0, n)), withAdded.decode(ids.slice(0, n), { skipSpecialTokens: true }));
    assert.ok(textOf(ids).includes('<note>'));

    const cleaning = new HfTextTokenizer('cleans-up', tokenizer.tokenizerJson, { ...tokenizer.config, clean_up_tokenization_spaces: true });
    const spaced = tokenizer.encodeIds('He said no . She ran , then stopped !');
    const cleaned = generationTextDecoder(cleaning);
    for (let n = 1; n <= spaced.length; n++) assert.equal(cleaned(spaced.slice(0, n)), cleaning.decode(spaced.slice(0, n), { skipSpecialTokens: true }));
    assert.equal(cleaned(spaced), 'He said no. She ran, then stopped!');
  });
});
