// What the walkthrough says about the bundled model must be true of models/*/ when a model is there.
// Every number a page quotes sits in a "Shapes in the bundled model" table, keyed by a quantity this
// test knows how to compute. The base sizes are read from the model's config.json when it is there,
// and from the pages' own tables when it is not; every derived number (parameter counts, cache sizes,
// losses, FLOPs) is then recomputed here. The step 1 diagram's BPE example is checked against the
// model's tokenizer the same way.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

const root = path.resolve(__dirname, '..', '..');
const pagesDir = path.join(root, 'walkthroughs');

/** The sizes a GPT-2 config.json fixes (Hugging Face names). */
interface Sizes {
  readonly n_layer: number;
  readonly n_head: number;
  readonly n_embd: number;
  readonly n_positions: number;
  readonly vocab_size: number;
  /** MLP width; config.json may leave it null, meaning 4 × n_embd. */
  readonly n_inner: number;
  /** GPT-2 ties the output layer to the embedding table unless config.json says otherwise. */
  readonly tied: boolean;
}

const baseKeys = ['n_layer', 'n_head', 'n_embd', 'n_positions', 'vocab_size'] as const;

/** Each quantity a page may quote, computed from the sizes. */
function quantities(s: Sizes): Map<string, number> {
  const d = s.n_embd;
  const perLayer = (3 * d * d + 3 * d) + (d * d + d) + (d * s.n_inner + s.n_inner) + (s.n_inner * d + d) + 2 * (2 * d);
  const params = s.vocab_size * d * (s.tied ? 1 : 2) + s.n_positions * d + s.n_layer * perLayer + 2 * d;
  const kvPerToken = 2 * s.n_layer * d * 4;
  return new Map([
    ['n_layer', s.n_layer],
    ['n_head', s.n_head],
    ['n_embd', d],
    ['n_positions', s.n_positions],
    ['vocab_size', s.vocab_size],
    ['head_dim', d / s.n_head],
    ['n_inner', s.n_inner],
    ['embedding_params', s.vocab_size * d],
    ['params_per_layer', perLayer],
    ['params', params],
    ['attention_scores_per_layer', s.n_head * s.n_positions ** 2],
    ['kv_cache_bytes_per_token', kvPerToken],
    ['kv_cache_bytes_full', kvPerToken * s.n_positions],
    ['initial_loss', Math.log(s.vocab_size)],
    ['adamw_state_bytes', 16 * params],
    ['c_attn_weights', 3 * d * d],
    ['lora_params_c_attn_r8', 8 * (d + 3 * d)],
    ['fp32_bytes', 4 * params],
    ['int8_weight_bytes', params],
    ['uniform_perplexity', s.vocab_size],
    ['uniform_surprise_bits', Math.log2(s.vocab_size)],
    ['chinchilla_tokens', 20 * params],
    ['chinchilla_train_flops', 6 * params * 20 * params],
  ]);
}

interface Quote {
  readonly page: string;
  readonly key: string;
  readonly written: string;
}

/** Rows `| \`key\` | value | … |` of every page's "### Shapes in the bundled model" table. */
function quotes(): Quote[] {
  return fs.readdirSync(pagesDir).filter((f) => /^step\d-.*\.md$/.test(f)).sort().flatMap((page) => {
    const text = fs.readFileSync(path.join(pagesDir, page), 'utf8');
    const start = text.indexOf('### Shapes in the bundled model\n');
    assert.ok(start >= 0, `${page} has no "### Shapes in the bundled model" table`);
    const table = text.slice(start).split('\n\n')[1] ?? '';
    return [...table.matchAll(/^\| `(\w+)` \| ([^|]+?) \|/gm)].map((m) => ({ page, key: m[1], written: m[2] }));
  });
}

/** Half a unit of the last digit written: "8.318" → 0.0005, "2.188e14" → 0.0005e14, "4096" → 0 (exact). */
function tolerance(written: string): number {
  const [mantissa, exponent = '0'] = written.split('e');
  const decimals = mantissa.split('.')[1]?.length ?? 0;
  return decimals === 0 && exponent === '0' ? 0 : 0.5 * 10 ** (Number(exponent) - decimals);
}

/** The files named `name` in the model folders under models/ (one folder: the bundled model). */
function bundledFiles(name: string): string[] {
  const modelsDir = path.join(root, 'models');
  return fs.existsSync(modelsDir)
    ? fs.readdirSync(modelsDir).map((d) => path.join(modelsDir, d, name)).filter((f) => fs.existsSync(f))
    : [];
}

/** The bundled model's config.json, if a model folder is present. */
function bundledConfig(): { file: string; sizes: Sizes } | undefined {
  const files = bundledFiles('config.json');
  if (files.length === 0) return undefined;
  assert.equal(files.length, 1, `expected one bundled model under models/, found config.json in ${files.join(', ')}`);
  const config = JSON.parse(fs.readFileSync(files[0], 'utf8')) as Record<string, unknown>;
  const number = (key: string): number => {
    const value = config[key];
    assert.equal(typeof value, 'number', `${files[0]}: ${key} should be a number`);
    return value as number;
  };
  const sizes: Sizes = {
    n_layer: number('n_layer'),
    n_head: number('n_head'),
    n_embd: number('n_embd'),
    n_positions: number('n_positions'),
    vocab_size: number('vocab_size'),
    n_inner: typeof config.n_inner === 'number' ? config.n_inner : 4 * number('n_embd'),
    tied: config.tie_word_embeddings !== false,
  };
  return { file: path.relative(root, files[0]), sizes };
}

/** The base sizes as the pages quote them, for when no model folder is present. */
function sizesFromPages(all: readonly Quote[]): Sizes {
  const value = (key: string): number => {
    const found = all.find((q) => q.key === key);
    assert.ok(found, `no page quotes ${key}`);
    return Number(found.written);
  };
  const [n_layer, n_head, n_embd, n_positions, vocab_size] = baseKeys.map(value);
  return { n_layer, n_head, n_embd, n_positions, vocab_size, n_inner: 4 * n_embd, tied: true };
}

describe('model numbers quoted by the walkthrough', () => {
  const all = quotes();
  const config = bundledConfig();
  const sizes = config?.sizes ?? sizesFromPages(all);
  const expected = quantities(sizes);
  const source = config ? config.file : 'the pages\' own n_layer, n_head, n_embd, n_positions and vocab_size';

  it('every page quotes some, each keyed by a quantity the test can compute', () => {
    const pages = new Set(all.map((q) => q.page));
    assert.equal(pages.size, 8, 'each of the eight pages has a shapes table');
    for (const q of all) assert.ok(expected.has(q.key), `${q.page}: unknown quantity ${q.key}`);
  });

  it(`agree with the sizes from ${source}`, () => {
    // Every wrong row at once, with the value to write, so a new bundled model is quick to document.
    const wrong = all.flatMap((q) => {
      assert.match(q.written, /^\d+(\.\d+)?(e\d+)?$/, `${q.page}: ${q.key} is written as "${q.written}"`);
      const want = expected.get(q.key) ?? NaN;
      const ok = Math.abs(Number(q.written) - want) <= tolerance(q.written) + 1e-9 * Math.abs(want);
      return ok ? [] : [`${q.page}: ${q.key} is ${q.written}, should be ${want}`];
    });
    assert.deepEqual(wrong, [], `the pages disagree with ${source}:\n  ${wrong.join('\n  ')}`);
  });

  it('quote one value for each quantity across all pages', () => {
    const seen = new Map<string, string>();
    for (const q of all) {
      const before = seen.get(q.key);
      if (before !== undefined) assert.equal(Number(q.written), Number(before), `${q.key} differs between pages`);
      seen.set(q.key, q.written);
    }
  });

  it('the parameter count matches a count made tensor by tensor, as in a GPT-2 state dict', () => {
    const d = sizes.n_embd;
    const shapes: number[][] = [[sizes.vocab_size, d], [sizes.n_positions, d], [d], [d]];
    for (let layer = 0; layer < sizes.n_layer; layer++) {
      shapes.push([d], [d], [d, 3 * d], [3 * d], [d, d], [d], [d], [d], [d, sizes.n_inner], [sizes.n_inner], [sizes.n_inner, d], [d]);
    }
    if (!sizes.tied) shapes.push([d, sizes.vocab_size]);
    const counted = shapes.reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);
    assert.equal(counted, expected.get('params'));
  });
});

describe('what step 8 says about the bundled model\'s training', () => {
  const [summaryFile] = bundledFiles('training_summary.json');
  const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
  const step8 = fs.readFileSync(path.join(pagesDir, fs.readdirSync(pagesDir).find((f) => f.startsWith('step8-')) as string), 'utf8').replace(/\s+/g, ' ');

  it('quotes the steps, the tokens seen and the distinct tokens of training_summary.json, per parameter of config.json', () => {
    const summary = read(summaryFile);
    const { sizes } = bundledConfig() as { sizes: Sizes };
    const params = quantities(sizes).get('params') as number;
    const batchTokens = summary.settings.batchSize * summary.settings.context;
    const seen = summary.bestStep * batchTokens;
    const m = /best checkpoint is step ([\d,]+) of batches of ([\d,]+) tokens .*?: ([\d.]+) M tokens seen, ([\d.]+) tokens per parameter, and only ([\d.]+) M of them distinct \(([\d.]+) per parameter/.exec(step8);
    assert.ok(m, 'step 8 has no "best checkpoint is step … M tokens seen … distinct" sentence');
    const [, step, batch, seenM, perParam, distinctM, distinctPerParam] = m;
    assert.equal(Number(step.replace(/,/g, '')), summary.bestStep);
    assert.equal(Number(batch.replace(/,/g, '')), batchTokens);
    const close = (written: string, value: number) => Math.abs(Number(written) - value) <= tolerance(written) + 1e-9;
    assert.ok(close(seenM, seen / 1e6), `${seenM} M tokens seen, should be ${seen / 1e6}`);
    assert.ok(close(perParam, seen / params), `${perParam} tokens per parameter, should be ${seen / params}`);
    assert.ok(close(distinctM, summary.trainingTokens / 1e6), `${distinctM} M distinct, should be ${summary.trainingTokens / 1e6}`);
    assert.ok(close(distinctPerParam, summary.trainingTokens / params), `${distinctPerParam} distinct per parameter, should be ${summary.trainingTokens / params}`);
  });
});

/** The text of the step 1 diagram's example card that follows the card named `name`. */
function diagramExample(svg: string, name: string): string {
  const at = svg.indexOf(`>${name}</text>`);
  assert.ok(at >= 0, `the step 1 diagram has no "${name}" card`);
  const code = /<text class="code"[^>]*>([^<]*)<\/text>/.exec(svg.slice(at));
  assert.ok(code, `the "${name}" card has no example`);
  return code[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

describe('the step 1 diagram\'s tokenization example', () => {
  const svg = fs.readFileSync(path.join(pagesDir, 'media', 'step1-input-processing.svg'), 'utf8');
  const text = diagramExample(svg, 'Text');
  const groups = (line: string): string[][] => line.replace(/\s+\(.*\)$/, '').split(' │ ').map((g) => g.split('·'));
  const preTokens = groups(diagramExample(svg, 'Pre-tokenize')).map((g) => g.join(''));
  const pieces = groups(diagramExample(svg, 'BPE merges'));

  it('is consistent: pre-tokens spell the text, and each pre-token\'s BPE pieces spell it', () => {
    assert.equal(preTokens.join('').replace(/Ġ/g, ' '), text);
    assert.deepEqual(pieces.map((g) => g.join('')), preTokens);
  });

  it('shows the pieces the bundled tokenizer really makes (models/*/tokenizer.json)', function () {
    const files = bundledFiles('tokenizer.json');
    // Without a bundled model there is no tokenizer to compare with; the consistency check above still runs.
    if (files.length === 0) this.skip(); // no bundled model folder (a repository always has one)
    const config = JSON.parse(fs.readFileSync(path.join(path.dirname(files[0]), 'tokenizer_config.json'), 'utf8'));
    const expected = new Tokenizer(JSON.parse(fs.readFileSync(files[0], 'utf8')), config).encode(text, { add_special_tokens: false }).tokens;
    assert.deepEqual(pieces.flat(), expected, `the diagram's BPE line should read ${expected.join('·')}`);
  });
});
