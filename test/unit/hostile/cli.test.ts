// The command line's chat-template and rag commands (issue 17), run as a user runs them: a child
// `node --import tsx extension/engine/cli/main.ts ...`. They use the panel's limits, walker and
// on-disk index, so the hostile inputs of the other files get the same answers here.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from '../modelFolderFixtures';

const ROOT = path.join(__dirname, '..', '..', '..');
const MODEL = path.join(ROOT, 'models', 'tinystories-1m');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function cli(args: string[]): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'extension', 'engine', 'cli', 'main.ts'), ...args], { cwd: ROOT, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: performance.now() - started });
    });
  });
}

describe('CLI: chat-template and rag', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = makeTempDir('hostile-cli')));
  after(() => removeTempDir(dir));

  it('chat-template renders the bundled model\'s template and finds its special tokens', async () => {
    const run = await cli(['chat-template', '--tokenizer', MODEL, '--messages', '[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const rendering = JSON.parse(run.stdout) as { text: string; specialTokens: Array<{ content: string }>; problems: unknown[] };
    assert.equal(rendering.text, '<|endoftext|>User: Hi\nAssistant: Hello<|endoftext|>');
    assert.deepEqual(rendering.specialTokens.map((t) => t.content), ['<|endoftext|>', '<|endoftext|>']);
  });

  it('chat-template stops a hostile template with the panel\'s limit, naming the file, and exits 1', async () => {
    const bomb = path.join(dir, 'bomb.jinja');
    fs.writeFileSync(bomb, '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}');
    const run = await cli(['chat-template', '--tokenizer', MODEL, '--template', bomb, '--messages', '[{"role":"user","content":"Hi"}]']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /error: .*bomb\.jinja: the chat template did not finish rendering within 2\.0 s and was stopped/);
    assert.ok(run.ms < 30_000, `${Math.round(run.ms)} ms`);
  });

  it('chat-template names a messages argument that is not a conversation', async () => {
    const run = await cli(['chat-template', '--tokenizer', MODEL, '--messages', '[{"role":1}]']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--messages: must be a list of \{"role": "\.\.\.", "content": "\.\.\."\}/);
  });

  it('rag index then rag query: the panel\'s walker leaves a link out, the stored index answers', async () => {
    const folder = path.join(dir, 'notes');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'tides.md'), '# Tides\n\nSpring tides follow the full and new moon.\n');
    fs.writeFileSync(path.join(folder, 'lights.txt'), 'Lighthouses warn ships of rocks at night.\n');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'the launch code is 0000\n');
    if (process.platform !== 'win32') fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(folder, 'secret.txt'));
    const storage = path.join(dir, 'storage');
    const indexed = await cli(['rag', 'index', '--folder', folder, '--model', MODEL, '--storage', storage, '--json']);
    assert.equal(indexed.code, 0, indexed.stderr);
    const report = JSON.parse(indexed.stdout) as { files: number; store: string };
    assert.equal(report.files, 2);
    assert.ok(fs.existsSync(path.join(report.store, 'index.json')));

    const asked = await cli(['rag', 'query', '--folder', folder, '--model', MODEL, '--storage', storage, '--question', 'spring tides full moon', '--json']);
    assert.equal(asked.code, 0, asked.stderr);
    const retrieval = JSON.parse(asked.stdout) as { ranking: string; reason: string; chunks: Array<{ file: string; lines: number[]; ranking: string; text: string }> };
    // The bundled-style model embeds with its hidden states, so BM25 alone feeds the answer (answerRanking.ts).
    assert.equal(retrieval.ranking, 'bm25');
    assert.match(retrieval.reason, /^BM25 alone/);
    assert.equal(retrieval.chunks[0].file, 'tides.md');
    assert.deepEqual(retrieval.chunks[0].lines, [1, 3]);
    assert.ok(retrieval.chunks.every((c) => c.ranking === 'bm25'));
    assert.ok(!retrieval.chunks.some((c) => c.text.includes('launch code')));
  });

  it('rag query on a folder never indexed indexes it first, as the panel does', async () => {
    const folder = path.join(dir, 'fresh');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'bells.md'), '# Bells\n\nThe harbour bell rings twice at dusk.\n');
    const storage = path.join(dir, 'fresh-storage');
    const run = await cli(['rag', 'query', '--folder', folder, '--model', MODEL, '--storage', storage, '--question', 'when does the harbour bell ring', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { chunks: Array<{ file: string }> }).chunks[0].file, 'bells.md');
  });

  it('rag query --embedder names a folder that is no sentence-embedding model', async () => {
    const run = await cli(['rag', 'query', '--folder', dir, '--model', MODEL, '--embedder', dir, '--question', 'x']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /has no tokenizer\.json, so it is not a sentence-embedding model folder/);
  });
});
