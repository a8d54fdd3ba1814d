// Loading tokenizer.json files from disk: SentencePiece-style and WordPiece tokenizers get their
// bytes and offsets right, and broken files get messages that name the file and the problem.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTokenizerFile, TokenizerFileError } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { openTokenizer } from '../../extension/engine/tokenizer/openTokenizer';

/** A Llama-2-style tokenizer: '▁' for spaces, BPE without a pre-tokenizer, bytes for what the vocabulary lacks, <s> added in front. */
function sentencePieceStyle(): Record<string, unknown> {
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = 3 + b;
  const merges = [['l', 'l'], ['▁', 'H'], ['e', 'll'], ['ell', 'o'], ['▁H', 'ello'], ['▁', 'w'], ['o', 'r'], ['▁w', 'or'], ['▁wor', 'l'], ['▁worl', 'd']];
  for (const piece of ['▁', 'H', 'e', 'l', 'o', 'w', 'r', 'd', ...merges.map(([a, b]) => a + b)]) vocab[piece] ??= Object.keys(vocab).length;
  return {
    version: '1.0',
    added_tokens: [
      { id: 0, content: '<unk>', special: true, normalized: false, lstrip: false, rstrip: false, single_word: false },
      { id: 1, content: '<s>', special: true, normalized: false, lstrip: false, rstrip: false, single_word: false },
      { id: 2, content: '</s>', special: true, normalized: false, lstrip: false, rstrip: false, single_word: false },
    ],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }],
    },
    model: { type: 'BPE', unk_token: '<unk>', byte_fallback: true, fuse_unk: true, ignore_merges: false, vocab, merges },
  };
}

/** A BERT-style WordPiece tokenizer: spaces are dropped, '##' marks a piece inside a word. */
function wordPieceStyle(): Record<string, unknown> {
  const vocab = ['[UNK]', '[CLS]', '[SEP]', 'hello', 'world', '##s', '!', 'the'];
  return {
    added_tokens: [{ id: 0, content: '[UNK]', special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
  };
}

describe('loading tokenizer.json from disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenizer-load-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: unknown): string => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('reads a SentencePiece-style tokenizer: spaces from ▁, raw bytes from <0xNN>, offsets into the text', async () => {
    const tokenizer = await loadTokenizerFile(write('llama/tokenizer.json', sentencePieceStyle()));
    const text = 'Hello world 😀';
    const spans = tokenizer.encode(text);
    assert.deepEqual(
      spans.map((s) => [s.text, s.start, s.end]),
      [
        [' Hello', 0, 5],
        [' world', 5, 11],
        [' ', 11, 12],
        // The emoji is not in the vocabulary: four byte tokens, each covering the whole character.
        ['\ufffd', 12, 14],
        ['\ufffd', 12, 14],
        ['\ufffd', 12, 14],
        ['\ufffd', 12, 14],
      ],
    );
    assert.deepEqual(Buffer.concat(spans.slice(3).map((s) => s.bytes)), Buffer.from('😀'));
    assert.equal(tokenizer.decode(spans.map((s) => s.id)), text);
    assert.equal(tokenizer.name, 'llama');
  });

  it('adds the post-processor tokens (here <s>) only when asked, with an empty span', async () => {
    const tokenizer = await loadTokenizerFile(write('tokenizer.json', sentencePieceStyle()));
    assert.equal(tokenizer.encode('Hello').length, 1);
    const spans = tokenizer.encode('Hello', { addSpecialTokens: true });
    assert.deepEqual(
      spans.map((s) => [s.id, s.special, s.start, s.end]),
      [
        [1, true, 0, 0],
        [tokenizer.tokenToId('▁Hello'), false, 0, 5],
      ],
    );
  });

  it('reads a WordPiece tokenizer: dropped spaces are skipped and ## pieces continue the word', async () => {
    const tokenizer = await loadTokenizerFile(write('tokenizer.json', wordPieceStyle()));
    const spans = tokenizer.encode('hello  worlds!');
    assert.deepEqual(
      spans.map((s) => [s.text, s.start, s.end]),
      [
        ['hello', 0, 5],
        ['world', 7, 12],
        ['s', 12, 13],
        ['!', 13, 14],
      ],
    );
    assert.equal(spans[0].special, false);
  });

  it('takes a folder, with tokenizer_config.json and chat_template.jinja beside tokenizer.json', async () => {
    write('tiny/tokenizer.json', wordPieceStyle());
    write('tiny/tokenizer_config.json', { eos_token: '[SEP]' });
    write('tiny/chat_template.jinja', '{{ messages[0].content }}');
    const tokenizer = await openTokenizer(path.join(dir, 'tiny'));
    assert.equal(tokenizer.name, 'tiny');
    assert.equal(tokenizer.config.eos_token, '[SEP]');
    assert.equal(tokenizer.config.chat_template, '{{ messages[0].content }}');
  });

  const rejects = async (location: string, problem: RegExp): Promise<void> => {
    await assert.rejects(loadTokenizerFile(location), (error: unknown) => {
      assert.ok(error instanceof TokenizerFileError);
      assert.ok(error.message.includes(error.file), 'the message names the file');
      assert.match(error.message, problem);
      return true;
    });
  };

  it('says when the file is missing', async () => {
    await rejects(path.join(dir, 'nothing.json'), /no such file/);
    fs.mkdirSync(path.join(dir, 'empty'));
    await rejects(path.join(dir, 'empty'), /empty[/\\]tokenizer\.json: no such file/);
  });

  it('says when the file is not JSON, or JSON of the wrong shape', async () => {
    await rejects(write('a.json', '{"model": '), /a\.json: is not valid JSON/);
    await rejects(write('b.json', '[1, 2]'), /b\.json: is not a tokenizer\.json: it holds a list/);
    await rejects(write('c.json', { version: '1.0' }), /c\.json: has no "model" section/);
    await rejects(write('d.json', { model: { type: 'BPE', vocab: {} } }), /d\.json: model\.merges is missing/);
  });

  it('names an unsupported model type', async () => {
    await rejects(write('tokenizer.json', { model: { type: 'WordLevel', vocab: { a: 0 } } }), /model type "WordLevel" is not supported/);
  });

  it('names a broken tokenizer_config.json', async () => {
    write('tokenizer.json', wordPieceStyle());
    write('tokenizer_config.json', '{ not json');
    await rejects(path.join(dir, 'tokenizer.json'), /tokenizer_config\.json: is not valid JSON/);
  });

  it('passes on what @huggingface/tokenizers rejects, naming the file', async () => {
    const json = wordPieceStyle();
    json.pre_tokenizer = { type: 'NoSuchPreTokenizer' };
    await rejects(write('tokenizer.json', json), /tokenizer\.json: @huggingface\/tokenizers cannot load it: .*NoSuchPreTokenizer/);
  });

  it('refuses to decode ids outside the vocabulary', async () => {
    const tokenizer = await loadTokenizerFile(write('tokenizer.json', wordPieceStyle()));
    assert.throws(() => tokenizer.decode([3, 999]), /token id 999 is not in the vocabulary/);
    assert.equal(tokenizer.decode([]), '');
  });
});
