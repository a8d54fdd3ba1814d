// The numbers, formulas and examples the walkthrough pages quote in their text, each recomputed here
// from the engine or checked against an independent computation: the step 2 worked attention
// example on the bundled model, the step 1 ChatML rendering and normalization claim, the step 3
// length penalty, the step 5 BM25 IDF and reciprocal-rank-fusion scores, and the "Ask about this
// step" link that ends each page.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import { blockParam, WPE, WTE } from '../../extension/engine/gpt/parameters';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import { lengthPenalty } from '../../extension/engine/generate/beamSearch';
import { readGPT2Weights } from '../../extension/engine/modelFolder/gpt2Weights';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { Bm25Index } from '../../extension/engine/rag/bm25';
import { reciprocalRankFusion } from '../../extension/engine/rag/fusion';
import { CHATML_TEMPLATE } from '../../extension/engine/tokenizer/chatTemplateExamples';
import { STEP_COUNT, stepDiscussionsUrl } from '../../extension/walkthrough/discussions';
import { DEFAULT_BEAM } from '../../webviews/decoding/protocol';

const root = path.resolve(__dirname, '..', '..');
const page = (step: number): string => {
  const file = fs.readdirSync(path.join(root, 'walkthroughs')).find((f) => f.startsWith(`step${step}-`) && f.endsWith('.md'));
  assert.ok(file, `no page for step ${step}`);
  return fs.readFileSync(path.join(root, 'walkthroughs', file), 'utf8');
};
const modelDir = path.join(root, 'models', 'tinystories-1m');

/** The ```text blocks that follow `marker` on a page, as arrays of lines. */
function textBlocksAfter(text: string, marker: string, count: number): string[][] {
  const at = text.indexOf(marker);
  assert.ok(at >= 0, `the page has no "${marker}"`);
  return [...text.slice(at).matchAll(/```text\n([\s\S]*?)```/g)].slice(0, count).map((m) => m[1].trimEnd().split('\n'));
}

/** True when `written` is `value` rounded to the digits written (half a unit of the last digit). */
function agrees(written: string, value: number): boolean {
  const decimals = written.split('.')[1]?.length ?? 0;
  return Math.abs(Number(written) - value) <= 0.5 * 10 ** -decimals + 1e-9;
}

describe('the step 2 worked attention example', function () {
  this.timeout(60_000);
  const text = page(2);
  const [scoreLines, valueLines] = textBlocksAfter(text, '**A worked example on the bundled model.**', 2);
  const [, head, layer] = /at head (\d+) of layer (\d+)/.exec(text)!.map(Number);
  const rows = scoreLines.slice(1).map((line) => {
    const m = /^"([^"]*)"\s+(-?[\d.]+)\s+(-?[\d.]+)\s+([\d.]+)$/.exec(line);
    assert.ok(m, `cannot read the row "${line}"`);
    return { token: m[1], score: m[2], scaled: m[3], weight: m[4] };
  });

  const folder = readModelFolder(modelDir);
  const config = folder.gpt2!.gpt;
  const weights = readGPT2Weights(folder.safetensorsFile!, config);
  const w = (name: string) => weights.get(name)!;
  const tokenizer = new Tokenizer(folder.tokenizerJson, folder.tokenizerConfig);
  const ids = tokenizer.encode(rows.map((r) => r.token).join(''), { add_special_tokens: false }).ids;
  const C = config.n_embd;
  const D = C / config.n_head;
  const T = ids.length;

  // q, k and v of layer 1 computed here from the weights, independently of the engine's code:
  // x = W_E[id] + W_P[t], h = LN₁(x), [q | k | v] = h W_qkv + b_qkv, this head's D columns of each.
  const projections = (() => {
    assert.equal(layer, 1, 'the example reads layer 1, whose input is the embeddings');
    const x = ids.map((id, t) => Array.from({ length: C }, (_, c) => w(WTE).data[id * C + c] + w(WPE).data[t * C + c]));
    const gain = w(blockParam(0, 'ln_1.weight')).data;
    const bias = w(blockParam(0, 'ln_1.bias')).data;
    const h = x.map((row) => {
      const mean = row.reduce((a, b) => a + b, 0) / C;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / C;
      return row.map((v, c) => ((v - mean) / Math.sqrt(variance + config.layer_norm_epsilon)) * gain[c] + bias[c]);
    });
    const W = w(blockParam(0, 'attn.c_attn.weight')).data;
    const b = w(blockParam(0, 'attn.c_attn.bias')).data;
    const part = (row: number[], which: number) => Array.from({ length: D }, (_, d) => {
      const column = which * C + (head - 1) * D + d;
      return row.reduce((sum, v, k) => sum + v * W[k * 3 * C + column], b[column]);
    });
    return { q: part(h[T - 1], 0), k: h.map((row) => part(row, 1)), v: h.map((row) => part(row, 2)) };
  })();
  const scores = projections.k.map((k) => k.reduce((sum, x, d) => sum + x * projections.q[d], 0));
  const scaled = scores.map((s) => s / Math.sqrt(D));
  const exps = scaled.map((s) => Math.exp(s - Math.max(...scaled)));
  const softmax = exps.map((e) => e / exps.reduce((a, b) => a + b, 0));

  it('is written for one token per row, and the model reads those tokens as the page says', () => {
    assert.equal(ids.length, rows.length);
    assert.equal(D, 32, 'the page divides by √32');
    assert.match(text, new RegExp(`at the query of \` her\` \\(position ${T - 1}\\)`));
  });

  it('gives the softmax weights of the engine\'s reference forward pass', () => {
    const probs = referenceForward(config, weights, ids).attentions[layer - 1];
    const engine = rows.map((_, s) => probs[((head - 1) * T + T - 1) * T + s]);
    engine.forEach((p, s) => assert.ok(Math.abs(p - softmax[s]) < 1e-6, `key ${s}: engine ${p}, recomputed ${softmax[s]}`));
    rows.forEach((row, s) => assert.ok(agrees(row.weight, engine[s]), `"${row.token}": the page says ${row.weight}, the engine ${engine[s]}`));
  });

  it('gives the scores q·k and q·k / √32 that lead to those weights', () => {
    rows.forEach((row, s) => {
      assert.ok(agrees(row.score, scores[s]), `"${row.token}": q·k is ${scores[s]}, the page says ${row.score}`);
      assert.ok(agrees(row.scaled, scaled[s]), `"${row.token}": q·k/√32 is ${scaled[s]}, the page says ${row.scaled}`);
    });
  });

  it('gives the first value numbers and their weighted sum', () => {
    const table = valueLines.slice(1).map((line) => line.trim().split(/\s{2,}/));
    assert.deepEqual(table.map((r) => r[0]), [...rows.map((r) => `"${r.token}"`), 'output']);
    table.forEach((cells, i) => cells.slice(1).forEach((written, d) => {
      const value = i < T ? projections.v[i][d] : softmax.reduce((sum, p, s) => sum + p * projections.v[s][d], 0);
      assert.ok(agrees(written, value), `${cells[0]} v[${d}] is ${value}, the page says ${written}`);
    }));
  });
});

describe('step 1 examples', () => {
  it('the ChatML rendering is what the panel\'s ChatML template gives for those messages', () => {
    const [block] = textBlocksAfter(page(1), 'In the ChatML layout', 1);
    const rendered = new Template(CHATML_TEMPLATE).render({
      messages: [{ role: 'system', content: 'You tell short stories.' }, { role: 'user', content: 'Tell me about Mia.' }],
      add_generation_prompt: true,
    });
    assert.equal(rendered, `${block.join('\n')}\n`);
  });

  it('the bundled tokenizer does not normalise: NFC and NFD "café" give different tokens, each decoded as given', () => {
    const folder = readModelFolder(modelDir);
    assert.equal(folder.tokenizerJson.normalizer, null);
    assert.match(page(1), /`"normalizer": null`/);
    const tokenizer = new Tokenizer(folder.tokenizerJson, folder.tokenizerConfig);
    const [composed, decomposed] = ['café'.normalize('NFC'), 'café'.normalize('NFD')];
    assert.notEqual(composed, decomposed);
    const a = tokenizer.encode(composed, { add_special_tokens: false }).ids;
    const b = tokenizer.encode(decomposed, { add_special_tokens: false }).ids;
    assert.notDeepEqual(a, b);
    assert.equal(tokenizer.decode(a), composed);
    assert.equal(tokenizer.decode(b), decomposed);
  });
});

describe('step 3: the beam length penalty', () => {
  it('is the engine\'s lp(t) = ((5 + t) / 6)^α, with the playground\'s default α', () => {
    const text = page(3);
    assert.match(text, /`lp\(t\) = \(\(5 \+ t\) \/ 6\)ᵅ`/);
    for (const [t, alpha] of [[1, 0.6], [7, 0.6], [12, 1.3], [3, 0]]) assert.ok(Math.abs(lengthPenalty(t, alpha) - ((5 + t) / 6) ** alpha) < 1e-12);
    const said = /the default is (\d+(?:\.\d+)?)/.exec(text);
    assert.equal(Number(said?.[1]), DEFAULT_BEAM.lengthPenalty);
  });
});

describe('step 5: the retrieval scores it defines', () => {
  const text = page(5);

  it('BM25\'s IDF is the engine\'s, Lucene\'s ln(1 + (N − df + 0.5) / (df + 0.5)), never negative', () => {
    assert.ok(text.includes('IDF(q) = ln(1 + (N − df(q) + 0.5) / (df(q) + 0.5))'));
    const index = new Bm25Index();
    const documents = ['the cat sat', 'the dog sat', 'the bird sang', 'a fish swam'];
    documents.forEach((d, i) => index.add(`d${i}`, d));
    const N = documents.length;
    for (const [term, df] of [['the', 3], ['sat', 2], ['cat', 1]] as const) {
      assert.ok(Math.abs(index.idf(term) - Math.log(1 + (N - df + 0.5) / (df + 0.5))) < 1e-12, term);
      assert.ok(index.idf(term) > 0);
    }
    assert.ok(Math.log((N - 3 + 0.5) / (3 + 0.5)) < 0, 'the classic form without "1 +" is negative for a common term');
  });

  it('the fused scores quoted for reciprocal rank fusion are the engine\'s', () => {
    const both = reciprocalRankFusion([[{ id: 'a', score: 9 }], [{ id: 'a', score: 0.8 }]], 1)[0].score;
    const one = reciprocalRankFusion([[{ id: 'a', score: 9 }], [{ id: 'b', score: 0.8 }]], 2)[0].score;
    const quoted = /first by both gets 2\/61 ≈ ([\d.]+); one ranked first by one and missing from the\s+other gets 1\/61 ≈ ([\d.]+)\./.exec(text);
    assert.ok(quoted, 'the page quotes both scores');
    assert.ok(agrees(quoted[1], both) && Math.abs(both - 2 / 61) < 1e-12, `both: ${both}`);
    assert.ok(agrees(quoted[2], one) && Math.abs(one - 1 / 61) < 1e-12, `one: ${one}`);
  });
});

describe('"Ask about this step"', () => {
  const repository = 'https://github.com/llm-pipeline-lab/llm-pipeline-lab';

  // Pages 4, 6, 7 and 8 are being rewritten by their own step issues and gain the link with them.
  for (const step of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`step ${step}'s page ends with it, passing its step number to Open Discussions`, () => {
      const text = page(step);
      const last = text.slice(text.lastIndexOf('\n## '));
      assert.match(last, /^\n## Ask about this step\n/);
      const link = /\[Ask about this step\]\(command:llmPipeline\.openDiscussions\?([^)]+)\)/.exec(last);
      assert.ok(link, 'a command link to llmPipeline.openDiscussions');
      assert.deepEqual(JSON.parse(decodeURIComponent(link[1])), [step], 'VS Code passes the JSON array in the query as the arguments');
    });
  }

  it('opens the discussions searched for that step, and refuses a step that does not exist', () => {
    assert.equal(stepDiscussionsUrl(repository, 2), `${repository}/discussions?discussions_q=%22Step%202%22`);
    assert.equal(STEP_COUNT, 8);
    for (const bad of [0, 9, 2.5, '2', undefined]) assert.throws(() => stepDiscussionsUrl(repository, bad), /must be a whole number from 1 to 8/);
  });
});
