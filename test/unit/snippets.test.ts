// The code snippets contributed for TypeScript and Python. Each body is expanded the way VS Code
// inserts it when every placeholder keeps its default; TypeScript bodies are then type-checked under
// the project's strict settings and run, and their results checked against independent computations;
// Python bodies are byte-compiled.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import ts from 'typescript';

const root = path.resolve(__dirname, '..', '..');

interface Snippet {
  readonly prefix: string;
  readonly description: string;
  readonly body: readonly string[];
}

function readSnippets(file: string): Map<string, Snippet> {
  const table = JSON.parse(fs.readFileSync(path.join(root, 'snippets', file), 'utf8')) as Record<string, Snippet>;
  return new Map(Object.values(table).map((s) => [s.prefix, s]));
}

/**
 * The text VS Code inserts for a snippet body when every placeholder keeps its default: `${1:default}`
 * (nested too) becomes its default, `${1|a,b|}` its first choice, `$1` and `${1}` nothing; `\$`,
 * `\}` and `\\` are escapes. Editor variables (`$TM_FILENAME`, `${CLIPBOARD}`) would insert
 * whatever the editor holds, so they are refused, as is a tab stop given two different defaults.
 */
function expandSnippet(body: string): string {
  const defaults = new Map<string, string>();
  let at = 0;
  const parse = (inside: boolean): string => {
    let out = '';
    while (at < body.length) {
      const c = body[at];
      if (c === '\\' && '$}\\'.includes(body[at + 1] ?? '')) {
        out += body[at + 1];
        at += 2;
      } else if (inside && c === '}') {
        return out;
      } else if (c === '$' && /\d/.test(body[at + 1] ?? '')) {
        at += /^\d+/.exec(body.slice(at + 1))![0].length + 1;
      } else if (c === '$' && body[at + 1] === '{') {
        const head = /^\$\{(\d+)([:|}])/.exec(body.slice(at));
        if (!head) throw new Error(`editor variable at "${body.slice(at, at + 20)}"`);
        at += head[0].length;
        let value = '';
        if (head[2] === ':') {
          value = parse(true);
          at += 1;
        } else if (head[2] === '|') {
          const end = body.indexOf('|}', at);
          value = body.slice(at, end).split(',')[0];
          at = end + 2;
        }
        const before = defaults.get(head[1]);
        if (before !== undefined && value !== '' && before !== value) throw new Error(`tab stop $${head[1]} has two defaults`);
        if (value !== '') defaults.set(head[1], value);
        out += value;
      } else if (c === '$' && /[A-Za-z_]/.test(body[at + 1] ?? '')) {
        throw new Error(`editor variable at "${body.slice(at, at + 20)}"`);
      } else {
        out += c;
        at += 1;
      }
    }
    if (inside) throw new Error('unclosed placeholder');
    return out;
  };
  return parse(false);
}

const typescript = readSnippets('typescript.json');
const python = readSnippets('python.json');

/** A seeded generator of numbers in [0, 1) (mulberry32), so sampling checks are repeatable. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function softmax(z: readonly number[]): number[] {
  const e = z.map((x) => Math.exp(x));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** How often each index comes out of `draw` in n draws. */
function frequencies(draw: () => number, size: number, n: number): number[] {
  const counts = new Array<number>(size).fill(0);
  for (let i = 0; i < n; i++) counts[draw()] += 1;
  return counts.map((c) => c / n);
}

function assertClose(actual: readonly number[], expected: readonly number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tolerance, `${what}[${i}] = ${a}, expected ${expected[i]} ± ${tolerance}`));
}

/** A GPT-2 style byte-level BPE with three merges, enough to make " the" one token. */
function writeFixtureTokenizer(folder: string): void {
  const printable = [...Array(256).keys()].filter((b) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174);
  let next = 256;
  const byteChar = [...Array(256).keys()].map((b) => String.fromCodePoint(printable.includes(b) ? b : next++));
  const vocab: Record<string, number> = Object.fromEntries(byteChar.map((c, i) => [c, i]));
  const merges = ['Ġ t', 'h e', 'Ġt he'];
  for (const merge of merges) vocab[merge.replace(' ', '')] = Object.keys(vocab).length;
  const eos = Object.keys(vocab).length;
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  fs.writeFileSync(path.join(folder, 'tokenizer.json'), JSON.stringify({
    version: '1.0', truncation: null, padding: null,
    added_tokens: [{ id: eos, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null, pre_tokenizer: byteLevel, post_processor: null, decoder: byteLevel,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges },
  }));
  fs.writeFileSync(path.join(folder, 'tokenizer_config.json'), JSON.stringify({
    tokenizer_class: 'GPT2Tokenizer', eos_token: '<|endoftext|>', bos_token: '<|endoftext|>', unk_token: '<|endoftext|>', clean_up_tokenization_spaces: false,
  }));
}

// biome-ignore lint/suspicious/noExplicitAny: the functions come from code compiled at run time, their types unknown here
type Exports = Record<string, (...args: any[]) => any>;

/** For every TypeScript snippet: the names it defines, and checks of what they compute. */
const checks: Record<string, { readonly names: readonly string[]; readonly check: (f: Exports) => void }> = {
  'llm-tokenize': {
    names: ['loadTokenizer', 'tokenize'],
    check: ({ loadTokenizer, tokenize }) => {
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'snippet-tokenizer-'));
      try {
        writeFixtureTokenizer(folder);
        const result = tokenize(loadTokenizer(folder), ' the cat');
        assert.deepEqual(result.tokens, ['Ġthe', 'Ġ', 'c', 'a', 't']);
        assert.equal(result.ids[0], 258);
        assert.equal(result.decoded, ' the cat');
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
      }
      for (const model of fs.existsSync(path.join(root, 'models')) ? fs.readdirSync(path.join(root, 'models')) : []) {
        const folder = path.join(root, 'models', model);
        if (!fs.existsSync(path.join(folder, 'tokenizer_config.json'))) continue;
        const story = fs.readFileSync(path.join(root, 'walkthroughs', 'samples', 'story.txt'), 'utf8');
        assert.equal(tokenize(loadTokenizer(folder), story).decoded, story, `models/${model} should round-trip the sample story`);
      }
    },
  },
  'llm-softmax': {
    names: ['softmaxWithTemperature'],
    check: ({ softmaxWithTemperature }) => {
      const z = [2, 1, 0.1, -1];
      assertClose(softmaxWithTemperature(z), softmax(z), 1e-12, 'τ = 1');
      assertClose(softmaxWithTemperature(z, 0.5), softmax(z.map((x) => x / 0.5)), 1e-12, 'τ = 0.5');
      assert.ok(softmaxWithTemperature(z, 0.5)[0] > softmaxWithTemperature(z)[0], 'a low temperature sharpens');
      assertClose(softmaxWithTemperature(z, 1e4), [0.25, 0.25, 0.25, 0.25], 1e-3, 'a high temperature flattens');
      const large = softmaxWithTemperature([1000, 999]);
      assertClose(large, softmax([1, 0]), 1e-12, 'large logits do not overflow');
      assert.throws(() => softmaxWithTemperature(z, 0), RangeError);
    },
  },
  'llm-top-k': {
    names: ['sampleTopK'],
    check: ({ sampleTopK }) => {
      const z = [2, 1, 0.5, -1, -3];
      const random = seeded(7);
      const kept = softmax(z.slice(0, 3));
      assertClose(frequencies(() => sampleTopK(z, 3, 1, random), 5, 20000), [...kept, 0, 0], 0.015, 'k = 3');
      assert.ok([...Array(50)].every(() => sampleTopK(z, 1, 1, random) === 0), 'k = 1 is greedy');
      assertClose(frequencies(() => sampleTopK(z, 10, 1, random), 5, 20000), softmax(z), 0.015, 'k beyond the vocabulary');
    },
  },
  'llm-top-p': {
    names: ['sampleTopP'],
    check: ({ sampleTopP }) => {
      const z = [0.5, 0.3, 0.15, 0.05].map(Math.log);
      const random = seeded(11);
      assertClose(frequencies(() => sampleTopP(z, 0.7, 1, random), 4, 20000), [0.625, 0.375, 0, 0], 0.015, 'p = 0.7 keeps two');
      assertClose(frequencies(() => sampleTopP(z, 0.9, 1, random), 4, 20000), [0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0], 0.015, 'p = 0.9 keeps three');
      assertClose(frequencies(() => sampleTopP(z, 1, 1, random), 4, 20000), [0.5, 0.3, 0.15, 0.05], 0.015, 'p = 1 keeps all');
    },
  },
  'llm-attention': {
    names: ['causalAttention'],
    check: ({ causalAttention }) => {
      const random = seeded(3);
      const matrix = (): number[][] => [...Array(5)].map(() => [...Array(4)].map(() => random() * 2 - 1));
      const [q, k, v] = [matrix(), matrix(), matrix()];
      const { output, weights } = causalAttention(q, k, v);
      // Independent reference: the full T × T score matrix, −∞ above the diagonal, then softmax per row.
      const reference = q.map((qi, i) => softmax(k.map((kj, j) => (j > i ? -Infinity : qi.reduce((s, x, c) => s + x * kj[c], 0) / 2))));
      weights.forEach((row: number[], i: number) => assertClose(row, reference[i], 1e-12, `weights row ${i}`));
      output.forEach((row: number[], i: number) => assertClose(row, v[0].map((_, c) => reference[i].reduce((s, w, j) => s + w * v[j][c], 0)), 1e-12, `output row ${i}`));
      assertClose(output[0], v[0], 1e-12, 'the first position can only copy itself');
    },
  },
  'llm-layernorm': {
    names: ['layerNorm'],
    check: ({ layerNorm }) => {
      const x = [1, 2, 3, 4];
      const sd = Math.sqrt(1.25 + 1e-5);
      assertClose(layerNorm(x, [1, 1, 1, 1], [0, 0, 0, 0]), x.map((xi) => (xi - 2.5) / sd), 1e-12, 'γ = 1, β = 0');
      assertClose(layerNorm(x, [2, 2, 2, 2], [1, 1, 1, 1]), x.map((xi) => (2 * (xi - 2.5)) / sd + 1), 1e-12, 'γ = 2, β = 1');
    },
  },
  'llm-cross-entropy': {
    names: ['crossEntropy'],
    check: ({ crossEntropy }) => {
      assert.ok(Math.abs(crossEntropy([[0, 0, 0, 0, 0]], [2]).loss - Math.log(5)) < 1e-12, 'a uniform guess costs ln V');
      const logits = [[0.3, -1.2, 2.0], [1.5, 0.1, -0.4]];
      const targets = [2, 1];
      const { gradient } = crossEntropy(logits, targets);
      const h = 1e-6;
      logits.forEach((row, t) => row.forEach((_, i) => {
        const bump = (delta: number): number => crossEntropy(logits.map((r, u) => r.map((x, j) => (u === t && j === i ? x + delta : x))), targets).loss;
        const numeric = (bump(h) - bump(-h)) / (2 * h);
        assert.ok(Math.abs(gradient[t][i] - numeric) < 1e-7, `dL/dz[${t}][${i}] = ${gradient[t][i]}, finite difference ${numeric}`);
      }));
      assert.ok(Number.isFinite(crossEntropy([[1000, -1000]], [1]).loss), 'large logits stay finite');
    },
  },
  'llm-adamw': {
    names: ['createAdamWState', 'adamwStep'],
    check: ({ createAdamWState, adamwStep }) => {
      // After one step, m̂/√v̂ = g/|g|: each weight moves by lr against the sign of its gradient, plus the decay.
      const params = Float32Array.from([1, -2]);
      adamwStep(params, Float32Array.from([0.5, -0.1]), createAdamWState(2), 0.1, 0.9, 0.999, 1e-8, 0.01);
      assertClose([...params], [1 - 0.1 * (1 + 0.01 * 1), -2 + 0.1 * (1 - 0.01 * -2)], 1e-6, 'first step');
      const theta = Float32Array.from([1, -2]);
      const state = createAdamWState(2);
      for (let i = 0; i < 2000; i++) adamwStep(theta, theta.map((x) => 2 * x), state, 0.01);
      assert.ok(Math.abs(theta[0]) < 1e-3 && Math.abs(theta[1]) < 1e-3, `minimising θ² should reach 0, got ${[...theta]}`);
      assert.equal(state.step, 2000);
    },
  },
  'llm-lora': {
    names: ['loraForward'],
    check: ({ loraForward }) => {
      const w0 = [[1, 2, 0], [0, -1, 3]];
      const a = [[0.5, -0.5, 1]];
      const x = [1, 2, -1];
      assertClose(loraForward(w0, a, [[0], [0]], x), [5, -5], 1e-12, 'B = 0 leaves W₀x');
      const b = [[2], [-1]];
      // Merged weight W = W₀ + (α/r)·B·A with α = 16, r = 1.
      const merged = w0.map((row, i) => row.map((w, j) => w + 16 * b[i][0] * a[0][j]));
      assertClose(loraForward(w0, a, b, x), merged.map((row) => row.reduce((s, w, j) => s + w * x[j], 0)), 1e-12, 'equals the merged weight');
    },
  },
  'llm-int8': {
    names: ['quantizeInt8', 'dequantizeInt8'],
    check: ({ quantizeInt8, dequantizeInt8 }) => {
      const w = Float32Array.from([0.12, -0.5, 0.03, 0.91, -0.27]);
      const { q, scale } = quantizeInt8(w);
      assert.deepEqual([...q], [17, -70, 4, 127, -38], 'the values shown in the step 6 diagram');
      assert.ok(Math.abs(scale - 0.91 / 127) < 1e-8);
      const back = dequantizeInt8(q, scale);
      w.forEach((wi, i) => assert.ok(Math.abs(back[i] - wi) <= scale / 2 + 1e-7, `weight ${i} is off by more than s/2`));
      const zeros = quantizeInt8(new Float32Array(3));
      assert.deepEqual([...zeros.q], [0, 0, 0]);
      assert.equal(zeros.scale, 1);
    },
  },
  'llm-retrieve': {
    names: ['retrieveTopK'],
    check: ({ retrieveTopK }) => {
      const chunks = [
        { text: 'orthogonal', vector: [0, 1] },
        { text: 'same direction', vector: [3, 0] },
        { text: 'opposite', vector: [-1, 0] },
        { text: 'zero', vector: [0, 0] },
      ];
      const top = retrieveTopK([2, 0], chunks, 3);
      assert.equal(top.length, 3);
      assert.deepEqual(top[0], { text: 'same direction', score: 1 });
      assert.ok(top[1].score === 0 && top[2].score === 0, 'orthogonal and zero vectors score 0, above the opposite one');
      assert.equal(retrieveTopK([2, 0], chunks, 10).at(-1).score, -1);
    },
  },
  'llm-chunk': {
    names: ['chunkTokens'],
    check: ({ chunkTokens }) => {
      const tokens = [...Array(10).keys()];
      assert.deepEqual(chunkTokens(tokens, 4, 1), [[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]]);
      for (const [size, overlap, n] of [[5, 2, 23], [7, 0, 14], [3, 2, 9], [50, 10, 12]]) {
        const chunks: number[][] = chunkTokens([...Array(n).keys()], size, overlap);
        assert.equal(chunks[0][0], 0);
        assert.equal(chunks.at(-1)?.at(-1), n - 1, 'the last chunk ends at the end');
        chunks.forEach((c) => assert.ok(c.length <= size));
        chunks.slice(1).forEach((c, i) => assert.equal(chunks[i].at(-1)! - c[0] + 1, overlap, 'neighbours share `overlap` tokens'));
      }
      assert.deepEqual(chunkTokens([], 4, 1), []);
      assert.throws(() => chunkTokens(tokens, 4, 4), RangeError);
    },
  },
};

/** The snippet as inserted with defaults, plus an export of the names the checks call. */
function checkSource(prefix: string): string {
  const snippet = typescript.get(prefix);
  assert.ok(snippet, `typescript.json has no snippet ${prefix}`);
  return `${expandSnippet(snippet.body.join('\n'))}\nexport { ${checks[prefix].names.join(', ')} };\n`;
}

/** Type-checks every TypeScript snippet together under the project's compiler options; returns the messages. */
function typeErrors(): string[] {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const options: ts.CompilerOptions = { ...ts.parseJsonConfigFileContent(config.config, ts.sys, root).options, noEmit: true, types: ['node'] };
  const files = new Map([...typescript.keys()].map((prefix) => [path.join(root, 'snippets', `${prefix}.check.ts`), checkSource(prefix)]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError) =>
    files.has(name) ? ts.createSourceFile(name, files.get(name)!, language) : getSourceFile(name, language, onError);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const program = ts.createProgram([...files.keys()], options, host);
  return [...files.keys()].flatMap((name) =>
    ts.getPreEmitDiagnostics(program, program.getSourceFile(name)).map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      return `${path.basename(name)}${where ? `:${where.line + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    }),
  );
}

/** Compiles a TypeScript snippet to CommonJS and runs it in this realm, as Node runs a module. */
function load(prefix: string): Exports {
  const js = ts.transpileModule(checkSource(prefix), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const module = { exports: {} as Exports };
  const wrapper = vm.runInThisContext(`(function (module, exports, require) {\n${js}\n})`, { filename: `snippets/${prefix}.js` }) as (m: unknown, e: unknown, r: NodeRequire) => void;
  wrapper(module, module.exports, createRequire(path.join(root, 'package.json')));
  return module.exports;
}

describe('snippets', () => {
  it('cover the same concepts in TypeScript and Python, each with an llm- prefix and a description', () => {
    assert.deepEqual([...typescript.keys()].sort(), [...python.keys()].sort());
    assert.deepEqual([...typescript.keys()].sort(), Object.keys(checks).sort(), 'every TypeScript snippet needs a check below');
    for (const snippet of [...typescript.values(), ...python.values()]) {
      assert.match(snippet.prefix, /^llm-[a-z0-9-]+$/);
      assert.match(snippet.description, /^Step [1-8]: /, `${snippet.prefix}: the description names its walkthrough step`);
    }
  });

  it('are expanded as VS Code inserts them with defaults (checked on the grammar itself)', () => {
    assert.equal(expandSnippet('a ${1:one} b $2 c ${3} d $0'), 'a one b  c  d ');
    assert.equal(expandSnippet('${1:outer ${2:inner}}!'), 'outer inner!');
    assert.equal(expandSnippet('${1|first,second|}'), 'first');
    assert.equal(expandSnippet('cost: \\$5 \\} \\\\'), 'cost: $5 } \\');
    assert.equal(expandSnippet('${1:x} = ${1:x}'), 'x = x');
    assert.throws(() => expandSnippet('$TM_FILENAME'), /editor variable/);
    assert.throws(() => expandSnippet('${CLIPBOARD}'), /editor variable/);
    assert.throws(() => expandSnippet('${1:a} ${1:b}'), /two defaults/);
    assert.throws(() => expandSnippet('${1:open'), /unclosed/);
  });

  it('expand without editor variables, with one default per tab stop', () => {
    for (const [language, table] of [['typescript', typescript], ['python', python]] as const) {
      for (const snippet of table.values()) assert.doesNotThrow(() => expandSnippet(snippet.body.join('\n')), `${language} ${snippet.prefix}`);
    }
  });

  it('TypeScript snippets type-check under the project\'s strict settings', function () {
    this.timeout(120_000);
    assert.deepEqual(typeErrors(), []);
  });

  for (const prefix of Object.keys(checks)) {
    it(`${prefix} (TypeScript) runs and computes what it says`, () => {
      const exported = load(prefix);
      for (const name of checks[prefix].names) assert.equal(typeof exported[name], 'function', `${prefix} defines ${name}`);
      checks[prefix].check(exported);
    });
  }

  it('Python snippets byte-compile (python3 -m py_compile)', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'snippets-py-'));
    try {
      const files = [...python.values()].map((snippet) => {
        const file = path.join(folder, `${snippet.prefix.replace(/-/g, '_')}.py`);
        fs.writeFileSync(file, expandSnippet(snippet.body.join('\n')));
        return file;
      });
      // One interpreter for all files: py_compile reports each file that fails, by name, and exits non-zero.
      const result = spawnSync('python3', ['-m', 'py_compile', ...files], { encoding: 'utf8' });
      assert.equal(result.error, undefined, `python3 could not be run: ${result.error?.message}`);
      assert.equal(result.status, 0, result.stderr);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
