// The Python snippets, as VS Code inserts them with every placeholder at its default. Each is parsed
// with the grammar of the oldest Python the README supports and must defer its annotations (PEP 563,
// so `X | None` and `list[int]` are never evaluated on an older Python); then each runs under
// python3 with a check, written in Python below, of what it computes: against NumPy references,
// finite differences, known values, and for llm-tokenize against the TypeScript tokenizer's IDs.
// `tokenizers` comes from .harness/python/ (npm run provision); NumPy from the machine's python3.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { hasPythonPackages, pythonPackagesDir } from '../harness/pythonPackages';
import { expandSnippet, readSnippets } from './snippetExpansion';

const root = path.resolve(__dirname, '..', '..');
const python = readSnippets('python.json');
const modelDir = path.join(root, 'models', 'tinystories-1m');
const story = path.join(root, 'walkthroughs', 'samples', 'story.txt');

/** The oldest Python the README says the snippets support, as [major, minor]. */
function oldestPython(): [number, number] {
  const said = /Python\s+snippets\s+need\s+Python\s+(\d+)\.(\d+)\s+or\s+later/.exec(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
  assert.ok(said, 'README.md should say which Python the snippets need ("need Python 3.x or later")');
  return [Number(said[1]), Number(said[2])];
}

/** The IDs the TypeScript tokenizer gives the sample story: the Python snippet must give the same. */
function storyIds(): number[] {
  const tokenizer = new Tokenizer(JSON.parse(fs.readFileSync(path.join(modelDir, 'tokenizer.json'), 'utf8')), JSON.parse(fs.readFileSync(path.join(modelDir, 'tokenizer_config.json'), 'utf8')));
  return tokenizer.encode(fs.readFileSync(story, 'utf8'), { add_special_tokens: false }).ids;
}

/** For every Python snippet, Python code run after it that raises if it computes something wrong. */
const checks: Record<string, () => string> = {
  'llm-tokenize': () => `
tokens, ids, decoded = tokenize(load_tokenizer(${JSON.stringify(modelDir)}), open(${JSON.stringify(story)}, encoding="utf-8").read())
assert ids == ${JSON.stringify(storyIds())}, "the IDs differ from @huggingface/tokenizers'"
assert len(tokens) == len(ids) and decoded == open(${JSON.stringify(story)}, encoding="utf-8").read()
`,
  'llm-softmax': () => `
z = np.array([2.0, 1.0, 0.1, -1.0])
assert np.allclose(softmax_with_temperature(z), np.exp(z) / np.exp(z).sum())
assert np.allclose(softmax_with_temperature(z, 0.5), np.exp(2 * z) / np.exp(2 * z).sum())
assert np.allclose(softmax_with_temperature(np.array([1000.0, 999.0])), softmax_with_temperature(np.array([1.0, 0.0])))
try:
    softmax_with_temperature(z, 0.0)
    raise AssertionError("temperature 0 was accepted")
except ValueError:
    pass
`,
  'llm-top-k': () => `
rng = np.random.default_rng(7)
z = np.array([2.0, 1.0, 0.5, -1.0, -3.0])
seen = np.bincount([sample_top_k(z, 3, 1.0, rng) for _ in range(20000)], minlength=5) / 20000
kept = np.exp(z[:3]) / np.exp(z[:3]).sum()
assert np.allclose(seen, np.r_[kept, 0, 0], atol=0.015), seen
assert sample_top_k(np.array([0.5, 3.0, 1.0]), 2, 0.0) == 1, "temperature 0 is greedy"
assert sample_top_k(np.array([0, 3, 1]), 2, 0) == 1, "integer logits"
try:
    sample_top_k(z, 3, -1.0)
    raise AssertionError("a negative temperature was accepted")
except ValueError:
    pass
`,
  'llm-top-p': () => `
rng = np.random.default_rng(11)
z = np.log(np.array([0.5, 0.3, 0.15, 0.05]))
seen = np.bincount([sample_top_p(z, 0.7, 1.0, rng) for _ in range(20000)], minlength=4) / 20000
assert np.allclose(seen, [0.625, 0.375, 0, 0], atol=0.015), seen
assert sample_top_p(np.array([0.5, 3.0, 1.0]), 0.9, 0.0) == 1, "temperature 0 is greedy"
try:
    sample_top_p(z, 0.9, -1.0)
    raise AssertionError("a negative temperature was accepted")
except ValueError:
    pass
`,
  'llm-attention': () => `
rng = np.random.default_rng(3)
q, k, v = (rng.uniform(-1, 1, (5, 4)) for _ in range(3))
output, weights = causal_attention(q, k, v)
for i in range(5):
    scores = np.array([q[i] @ k[j] / 2 for j in range(i + 1)])
    row = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
    assert np.allclose(weights[i, : i + 1], row) and np.all(weights[i, i + 1 :] == 0)
    assert np.allclose(output[i], row @ v[: i + 1])
assert np.allclose(output[0], v[0]), "the first position can only copy itself"
`,
  'llm-layernorm': () => `
x = np.array([1.0, 2.0, 3.0, 4.0])
assert np.allclose(layer_norm(x, np.ones(4), np.zeros(4)), (x - 2.5) / np.sqrt(1.25 + 1e-5))
assert np.allclose(layer_norm(x, 2 * np.ones(4), np.ones(4)), 2 * (x - 2.5) / np.sqrt(1.25 + 1e-5) + 1)
`,
  'llm-cross-entropy': () => `
assert abs(cross_entropy(np.zeros((1, 5)), np.array([2]))[0] - np.log(5)) < 1e-12, "a uniform guess costs ln V"
logits, targets = np.array([[0.3, -1.2, 2.0], [1.5, 0.1, -0.4]]), np.array([2, 1])
_, gradient = cross_entropy(logits, targets)
for t in range(2):
    for i in range(3):
        bump = np.zeros_like(logits)
        bump[t, i] = 1e-6
        numeric = (cross_entropy(logits + bump, targets)[0] - cross_entropy(logits - bump, targets)[0]) / 2e-6
        assert abs(gradient[t, i] - numeric) < 1e-7, (t, i, gradient[t, i], numeric)
assert np.isfinite(cross_entropy(np.array([[1000.0, -1000.0]]), np.array([1]))[0])
`,
  'llm-adamw': () => `
params, m, v = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2)
adamw_step(params, np.array([0.5, -0.1]), m, v, 1, lr=0.1)
assert np.allclose(params, [1 - 0.1 * (1 + 0.01 * 1), -2 + 0.1 * (1 - 0.01 * -2)]), params
theta, m, v = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2)
for step in range(1, 2001):
    adamw_step(theta, 2 * theta, m, v, step, lr=0.01)
assert np.all(np.abs(theta) < 1e-3), theta
try:
    adamw_step(np.array([1, 2]), np.array([0.5, 0.5]), np.zeros(2), np.zeros(2), 1)
    raise AssertionError("an integer array was accepted")
except TypeError as error:
    assert "float array" in str(error)
`,
  'llm-lora': () => `
w0, a, x = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]]), np.array([[0.5, -0.5, 1.0]]), np.array([1.0, 2.0, -1.0])
assert np.allclose(lora_forward(w0, a, np.zeros((2, 1)), x), w0 @ x), "B = 0 leaves W0 x"
b = np.array([[2.0], [-1.0]])
assert np.allclose(lora_forward(w0, a, b, x), (w0 + 16 * b @ a) @ x), "equals the merged weight"
`,
  'llm-int8': () => `
w = np.array([0.12, -0.5, 0.03, 0.91, -0.27], dtype=np.float32)
q, scale = quantize_int8(w)
assert q.tolist() == [17, -70, 4, 127, -38] and q.dtype == np.int8, "the values in the step 6 diagram"
assert np.all(np.abs(dequantize_int8(q, scale) - w) <= scale / 2 + 1e-7)
zeros_q, zeros_scale = quantize_int8(np.zeros(3))
assert zeros_q.tolist() == [0, 0, 0] and zeros_scale.tolist() == [1.0]
`,
  'llm-retrieve': () => `
vectors = np.array([[0.0, 1.0], [3.0, 0.0], [-1.0, 0.0], [0.0, 0.0]])
top = retrieve_top_k(np.array([2.0, 0.0]), vectors, 3)
assert top[0] == (1, 1.0) and {i for i, s in top[1:]} == {0, 3} and all(s == 0 for _, s in top[1:]), top
assert retrieve_top_k(np.array([2.0, 0.0]), vectors, 10)[-1] == (2, -1.0)
`,
  'llm-chunk': () => `
assert chunk_tokens(list(range(10)), 4, 1) == [[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]]
for size, overlap, n in [(5, 2, 23), (7, 0, 14), (3, 2, 9)]:
    chunks = chunk_tokens(list(range(n)), size, overlap)
    assert chunks[0][0] == 0 and chunks[-1][-1] == n - 1 and all(len(c) <= size for c in chunks)
    assert all(before[-1] - after[0] + 1 == overlap for before, after in zip(chunks, chunks[1:]))
assert chunk_tokens([], 4, 1) == []
`,
};

function runPython(args: readonly string[]): ReturnType<typeof spawnSync> {
  const result = spawnSync('python3', args, { encoding: 'utf8', env: { ...process.env, PYTHONPATH: pythonPackagesDir } });
  assert.equal(result.error, undefined, `python3 could not be run: ${result.error?.message}`);
  return result;
}

describe('Python snippets', function () {
  this.timeout(60_000);
  let folder: string;
  const files = new Map<string, string>();

  before(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'snippets-py-'));
    for (const snippet of python.values()) {
      const file = path.join(folder, `${snippet.prefix.replace(/-/g, '_')}.py`);
      fs.writeFileSync(file, expandSnippet(snippet.body.join('\n')));
      files.set(snippet.prefix, file);
    }
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('each has a check below', () => {
    assert.deepEqual([...python.keys()].sort(), Object.keys(checks).sort());
  });

  it('parse with the grammar of the oldest Python the README supports, and defer their annotations', () => {
    const [major, minor] = oldestPython();
    const script = [
      'import ast, sys',
      'failed = []',
      'for name in sys.argv[3:]:',
      '    tree = ast.parse(open(name, encoding="utf-8").read(), name, feature_version=(int(sys.argv[1]), int(sys.argv[2])))',
      '    first = tree.body[0]',
      '    deferred = isinstance(first, ast.ImportFrom) and first.module == "__future__" and any(a.name == "annotations" for a in first.names)',
      '    if not deferred: failed.append(name + ": should begin with from __future__ import annotations")',
      'sys.exit("\\n".join(failed) or None)',
    ].join('\n');
    const result = runPython(['-c', script, String(major), String(minor), ...files.values()]);
    assert.equal(result.status, 0, String(result.stderr));
  });

  for (const prefix of Object.keys(checks)) {
    it(`${prefix} (Python) runs and computes what it says`, function () {
      if (prefix === 'llm-tokenize') assert.ok(hasPythonPackages(), `tokenizers is not in ${pythonPackagesDir}: run npm run provision`);
      const file = files.get(prefix);
      assert.ok(file, `python.json has no snippet ${prefix}`);
      const checked = path.join(folder, `check_${path.basename(file)}`);
      fs.writeFileSync(checked, `${fs.readFileSync(file, 'utf8')}\n${checks[prefix]()}`);
      const result = runPython([checked]);
      assert.equal(result.status, 0, String(result.stderr));
    });
  }
});
