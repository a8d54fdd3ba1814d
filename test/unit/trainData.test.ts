import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatchSampler, encodeToIds, listTextFiles, loadTokenStream, splitTrainValidation, validationBatches } from '../../extension/engine/train/dataset';
import { mixSeed, Mulberry32, shuffledIndices } from '../../extension/engine/generate/random';
import { learningRateAt } from '../../extension/engine/train/schedule';
import { loadTokenStreamCached, tokenCacheKey } from '../../extension/engine/train/tokenCache';
import type { TextTokenizer } from '../../extension/engine/tokenizer/types';

/** One token per UTF-16 code unit below 256: enough to check that the stream keeps every character. */
const charTokenizer: TextTokenizer = {
  name: 'chars',
  vocabSize: 256,
  encode: (text) => [...text].map((c, i) => ({ id: c.charCodeAt(0) & 255, text: c, bytes: new Uint8Array([c.charCodeAt(0) & 255]), start: i, end: i + 1, special: false })),
  decode: (ids) => ids.map((id) => String.fromCharCode(id)).join(''),
};

describe('training data', () => {
  it('seeded generator repeats from a saved state and differs across seeds', () => {
    const a = new Mulberry32(42);
    for (let i = 0; i < 10; i++) a.next();
    const saved = a.state;
    const first = [a.next(), a.next(), a.next()];
    const b = new Mulberry32(saved);
    assert.deepEqual([b.next(), b.next(), b.next()], first);
    assert.notEqual(new Mulberry32(1).next(), new Mulberry32(2).next());
    const order = shuffledIndices(100, new Mulberry32(mixSeed(7, 3)));
    assert.deepEqual([...order].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  });

  it('learning rate warms up linearly and decays by cosine to the floor', () => {
    const s = { peak: 1e-3, warmupSteps: 10, totalSteps: 110, floorRatio: 0.1, decay: 'cosine' as const };
    assert.ok(Math.abs(learningRateAt(s, 0) - 1e-4) < 1e-12);
    assert.ok(Math.abs(learningRateAt(s, 9) - 1e-3) < 1e-12);
    assert.ok(Math.abs(learningRateAt(s, 10) - 1e-3) < 1e-12);
    assert.ok(Math.abs(learningRateAt(s, 60) - (1e-4 + 0.9e-3 * 0.5 * (1 + Math.cos(Math.PI * 50 / 99)))) < 1e-12);
    assert.ok(Math.abs(learningRateAt(s, 109) - 1e-4) < 1e-12);
    for (let i = 11; i < 110; i++) assert.ok(learningRateAt(s, i) <= learningRateAt(s, i - 1));
  });

  it('encodes text in pieces without losing or reordering characters', () => {
    const text = Array.from({ length: 20000 }, (_, i) => `line ${i}\n`).join('');
    const ids = encodeToIds(text, charTokenizer);
    assert.equal(charTokenizer.decode([...ids]), text);
  });

  it('reads a folder in sorted order and rejects binary files and missing paths', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'train-data-'));
    fs.writeFileSync(path.join(dir, 'b.txt'), 'second');
    fs.mkdirSync(path.join(dir, 'a'));
    fs.writeFileSync(path.join(dir, 'a', 'one.md'), 'first');
    fs.writeFileSync(path.join(dir, 'image.png'), 'ignored');
    assert.deepEqual(listTextFiles(dir).map((f) => path.relative(dir, f)), [path.join('a', 'one.md'), 'b.txt']);
    assert.equal(charTokenizer.decode([...loadTokenStream(dir, charTokenizer)]), 'first\n\nsecond\n\n');
    fs.writeFileSync(path.join(dir, 'c.txt'), Buffer.from([65, 0, 66]));
    assert.throws(() => loadTokenStream(dir, charTokenizer), /c\.txt: looks like a binary file/);
    assert.throws(() => listTextFiles(path.join(dir, 'missing')), /missing: no such file or folder/);
    fs.rmSync(dir, { recursive: true });
  });

  it('leaves out what .gitignore names, links and FIFOs, as the RAG walker does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'train-gitignore-'));
    fs.mkdirSync(path.join(dir, 'drafts'));
    fs.mkdirSync(path.join(dir, 'notes'));
    fs.writeFileSync(path.join(dir, '.gitignore'), 'drafts/\n');
    fs.writeFileSync(path.join(dir, 'notes', '.gitignore'), 'secret.txt\n');
    fs.writeFileSync(path.join(dir, 'drafts', 'draft.txt'), 'draft');
    fs.writeFileSync(path.join(dir, 'notes', 'secret.txt'), 'secret');
    fs.writeFileSync(path.join(dir, 'notes', 'kept.txt'), 'kept');
    fs.writeFileSync(path.join(dir, 'story.txt'), 'story');
    fs.symlinkSync(path.join(dir, 'story.txt'), path.join(dir, 'link.txt'));
    spawnSync('mkfifo', [path.join(dir, 'pipe.txt')]);
    assert.ok(fs.statSync(path.join(dir, 'pipe.txt')).isFIFO());
    assert.deepEqual(listTextFiles(dir).map((f) => path.relative(dir, f)), [path.join('notes', 'kept.txt'), 'story.txt']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('splits off the end for validation and draws deterministic batches that cover each epoch', () => {
    const stream = Uint32Array.from({ length: 1000 }, (_, i) => i % 250);
    const { train, validation } = splitTrainValidation(stream, 0.1, 8);
    assert.equal(train.length, 900);
    assert.equal(validation.length, 100);
    const sampler = new BatchSampler(train, 4, 8, 123);
    const again = new BatchSampler(train, 4, 8, 123);
    assert.deepEqual(sampler.batchAt(17).inputs, again.batchAt(17).inputs);
    assert.notDeepEqual(sampler.batchAt(0).inputs, new BatchSampler(train, 4, 8, 124).batchAt(0).inputs);
    const windows = Math.floor(899 / 8);
    const firsts = new Set<bigint>();
    for (let seq = 0; seq < windows; seq += 4) {
      const batch = sampler.batchAt(seq / 4);
      for (let b = 0; b < 4 && seq + b < windows; b++) {
        for (let t = 0; t < 8; t++) assert.equal(batch.targets[b * 8 + t], (batch.inputs[b * 8 + t] + 1n) % 250n);
        firsts.add(batch.inputs[b * 8]);
      }
    }
    assert.ok(firsts.size > windows * 0.9, 'an epoch visits (almost) every window once');
    const val = validationBatches(validation, 4, 8, 100);
    assert.equal(val.length, 3);
    assert.equal(val[0].inputs[8], BigInt(validation[8]));
  });

  it('caches a token stream under a key that changes with the text and the tokenizer', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'train-cache-'));
    const file = path.join(dir, 'a.txt');
    fs.writeFileSync(file, 'abc');
    const tokenizer = { ...charTokenizer, tokenizerJson: { model: 'chars' } };
    const cache = path.join(dir, 'cache');
    const first = loadTokenStreamCached(file, tokenizer, cache);
    const key = tokenCacheKey(file, tokenizer.tokenizerJson);
    const saved = fs.readFileSync(path.join(cache, `${key}.u32`));
    assert.deepEqual([...new Uint32Array(saved.buffer, saved.byteOffset, saved.byteLength / 4)], [...first]);
    assert.deepEqual([...loadTokenStreamCached(file, { ...tokenizer, encode: () => { throw new Error('not re-encoded'); } }, cache)], [...first]);
    assert.notEqual(tokenCacheKey(file, { model: 'other' }), key);
    fs.writeFileSync(file, 'abcd');
    assert.notEqual(tokenCacheKey(file, tokenizer.tokenizerJson), key);
    assert.equal(loadTokenStreamCached(file, tokenizer, cache).length, 6);
    fs.rmSync(dir, { recursive: true });
  });
});
