// Hostile tokenizer files and chat templates (issue 17, items 1 and 2, and the catalogue's
// tokenizer entries). Encoding and template rendering run in the extension's limited workers
// (tokenizerWorkers.ts), started here from source; each attack ends within 5 s with a message
// that names the file, and the next request still works.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { templateVariables } from '../../../extension/engine/tokenizer/chatTemplate';
import { loadTokenizerFile } from '../../../extension/engine/tokenizer/loadTokenizerFile';
import { openModelTokenizer } from '../../../extension/engine/tokenizer/modelTokenizer';
import type { TokenizerSource } from '../../../extension/engine/tokenizer/tokenizerJobs';
import { TokenizerWorkers } from '../../../extension/engine/tokenizer/tokenizerWorkers';
import { bundledModelFolder } from '../../../extension/model/bundledModel';
import { byteLevelTokenizerJson, makeTempDir, removeTempDir } from '../modelFolderFixtures';
import { tsxWorkerScript } from '../workerShim';
import { failsWithin, succeedsWithin } from './bounded';

const posix = process.platform !== 'win32';

/** A tokenizer folder: the byte-level tokenizer.json, edited, and a tokenizer_config.json. */
function writeTokenizer(dir: string, edit: (json: Record<string, unknown>) => void = () => {}, config: Record<string, unknown> = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  const json = byteLevelTokenizerJson();
  edit(json);
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(json));
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', ...config }));
  return dir;
}

describe('hostile tokenizer files and chat templates', function () {
  this.timeout(60_000);
  let dir: string;
  let workers: TokenizerWorkers;
  let sane: TokenizerSource;
  before(async () => {
    dir = makeTempDir('hostile-tokenizer');
    workers = new TokenizerWorkers(tsxWorkerScript(dir, 'tokenizerWorker', 'extension/engine/tokenizer/tokenizerWorker.ts'));
    sane = { kind: 'file', location: writeTokenizer(path.join(dir, 'sane')) };
    // Started once before the clocks run: the workers' start-up is not what is measured.
    assert.equal(await workers.countTokens(sane, 'warm up'), 7);
    await workers.renderChat(sane, { template: '{{ bos_token }}', templateFile: 'warm-up', variables: {}, messages: [], addGenerationPrompt: false });
  });
  after(async () => {
    workers.dispose();
    removeTempDir(dir);
  });

  /** A chat template rendered through the workers, as the panel and the CLI do. */
  const renderTemplate = async (name: string, template: string) => {
    const folder = writeTokenizer(path.join(dir, name), undefined, { chat_template: template });
    const tokenizer = await loadTokenizerFile(folder);
    return workers.renderChat(
      { kind: 'file', location: folder },
      { template, templateFile: tokenizer.files.chatTemplate ?? '', variables: templateVariables(tokenizer.config), messages: [{ role: 'user', content: 'hi' }], addGenerationPrompt: true },
    );
  };
  const renderFails = async (name: string, template: string, message: RegExp) => {
    const rendering = await succeedsWithin(() => renderTemplate(name, template));
    assert.equal(rendering.text, '');
    assert.equal(rendering.problems[0]?.kind, 'render-failed');
    assert.match(rendering.problems[0].message, message);
  };

  describe('chat templates (item 1)', () => {
    it('{% for i in range(10**9) %} is stopped by the memory limit, naming tokenizer_config.json', async () => {
      await renderFails('range-bomb', '{% for i in range(10**9) %}x{% endfor %}', /range-bomb[/\\]tokenizer_config\.json: (rendering the chat template needed more than \d+ MB|the chat template did not finish rendering within 2\.0 s)/);
    });

    it('nested range(1e5) loops are stopped by the time limit', async () => {
      await renderFails('nested-loops', '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}', /nested-loops[/\\]tokenizer_config\.json: the chat template did not finish rendering within 2\.0 s and was stopped/);
    });

    it('a template that renders a gigantic string is refused', async () => {
      await renderFails('huge-output', "{% set ns = namespace(s='aaaaaaaaaa') %}{% for i in range(22) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}", /huge-output[/\\]tokenizer_config\.json: (The chat template rendered [\d,]+ characters, more than|rendering the chat template needed more than|the chat template did not finish)/);
    });

    it('a template that does not parse names its file', async () => {
      await renderFails('broken', '{% for %}', /broken[/\\]tokenizer_config\.json: The chat template cannot be parsed/);
    });

    it('a chat_template.jinja is named when it is the culprit', async () => {
      const folder = writeTokenizer(path.join(dir, 'jinja-file'));
      fs.writeFileSync(path.join(folder, 'chat_template.jinja'), '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}');
      const tokenizer = await loadTokenizerFile(folder);
      assert.equal(tokenizer.files.chatTemplate, path.join(folder, 'chat_template.jinja'));
    });

    it('after a stopped template, the next one renders', async () => {
      const rendering = await renderTemplate('after', '{{ bos_token }}{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}');
      assert.equal(rendering.text, '<|endoftext|>hi<|endoftext|>');
      assert.deepEqual(rendering.ids.slice(0, 1), [256]);
    });
  });

  describe('tokenizer regular expressions (item 2)', () => {
    const backtracking = (json: Record<string, unknown>) => (json.pre_tokenizer = { type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated', invert: false });

    it('a Split pattern (a+)+$ over 32 a\'s and a b is stopped, naming tokenizer.json', async () => {
      const source: TokenizerSource = { kind: 'file', location: writeTokenizer(path.join(dir, 'redos'), backtracking) };
      // About 2^32 backtracking steps: minutes on any machine (26 a's finished within the budget on a fast one).
      const attack = `${'a'.repeat(32)}b`;
      await failsWithin(() => workers.countTokens(source, attack), /redos[/\\]tokenizer\.json: tokenizing 33 characters took longer than 2\.0 s and was stopped; a pattern in this tokenizer/);
      await failsWithin(() => workers.traceBpe(source, `${'a'.repeat(31)}b`), /redos[/\\]tokenizer\.json: tokenizing 32 characters took longer than 2\.0 s/);
      // Asked again at once (the panel asks for tokens, count and trace of one text), several
      // requests of a text that was stopped fail together, without waiting out a budget each.
      const again = Date.now();
      await Promise.all([1, 2, 3].map(() => failsWithin(() => workers.encode(source, attack), /tokenizing 33 characters took longer than 2\.0 s/)));
      assert.ok(Date.now() - again < 500, `${Date.now() - again} ms`);
      // The worker was replaced: a sane tokenizer answers right after.
      assert.equal(await workers.countTokens(sane, 'still here'), 10);
    });

    it('a model folder\'s tokenizer, as the attention, decoding and RAG panels open it, encodes in the worker: the attack is stopped, naming tokenizer.json', async () => {
      const folder = writeTokenizer(path.join(dir, 'model-redos'), backtracking);
      const tokenizer = await succeedsWithin(() => openModelTokenizer(workers, folder));
      const attack = `${'a'.repeat(32)}b`;
      await failsWithin(() => tokenizer.encode(attack), /model-redos[/\\]tokenizer\.json: tokenizing 33 characters took longer than 2\.0 s and was stopped/);
      await failsWithin(() => tokenizer.encodeIds(`${attack}!`), /model-redos[/\\]tokenizer\.json: tokenizing 34 characters took longer than 2\.0 s/);
      // What the host does itself are table lookups: they answer at once, whatever the patterns.
      assert.equal(tokenizer.decode([104, 105, 256]), 'hi<|endoftext|>');
      assert.equal(await workers.countTokens(sane, 'still here'), 10);
    });

    it('a model folder\'s tokenizer run in the worker gives the ids, bytes and text of the tokenizer opened in this thread', async () => {
      const folder = bundledModelFolder(path.resolve(__dirname, '../../..'));
      assert.ok(folder, 'the bundled model');
      const inWorker = await openModelTokenizer(workers, folder);
      const here = await loadTokenizerFile(folder);
      const text = 'Once upon a time, a café owner said: "don\'t" — 中文 <|endoftext|>\ttabs';
      const ids = here.encodeIds(text);
      assert.deepEqual(await inWorker.encodeIds(text), ids);
      assert.deepEqual((await inWorker.encode(text)).map((s) => [s.id, s.start, s.end]), here.encode(text).map((s) => [s.id, s.start, s.end]));
      assert.equal(inWorker.vocabSize, here.vocabSize);
      // The host writes tokens from their bytes; @huggingface/tokenizers runs the file's decoder.
      assert.equal(inWorker.decode(ids), here.decode(ids));
      for (const id of [0, 32, 300, here.vocabSize - 1]) {
        assert.deepEqual(inWorker.tokenBytes(id), here.tokenBytes(id));
        assert.equal(inWorker.idToToken(id), here.idToToken(id));
      }
      assert.throws(() => inWorker.decode([here.vocabSize + 5]), /is not in the vocabulary/);
    });

    it('a long text is encoded in the worker, and matches the count', async () => {
      const text = 'The quick brown fox. '.repeat(5_000);
      const spans = await workers.encode(sane, text);
      assert.equal(spans.length, Buffer.byteLength(text));
      assert.equal(await workers.countTokens(sane, text), spans.length);
    });
  });

  describe('files that are not tokenizer files', () => {
    it('a pre-tokenizer of an unknown type names the file', async () => {
      const folder = writeTokenizer(path.join(dir, 'unknown-part'), (json) => (json.pre_tokenizer = { type: 'QuantumSplit' }));
      await failsWithin(() => loadTokenizerFile(folder), /unknown-part[/\\]tokenizer\.json: @huggingface\/tokenizers cannot load it/);
    });

    it('a model of an unknown type names the file', async () => {
      const folder = writeTokenizer(path.join(dir, 'unknown-model'), (json) => ((json.model as Record<string, unknown>).type = 'Telepathy'));
      await failsWithin(() => loadTokenizerFile(folder), /unknown-model[/\\]tokenizer\.json: model type "Telepathy" is not supported/);
    });

    it('a 0-byte tokenizer.json and a binary one', async () => {
      const folder = path.join(dir, 'empty');
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, 'tokenizer.json'), '');
      await failsWithin(() => loadTokenizerFile(folder), /empty[/\\]tokenizer\.json: is not valid JSON/);
      fs.writeFileSync(path.join(folder, 'tokenizer.json'), Buffer.from([0x1f, 0x8b, 0x08, 0, 0xff, 0xfe, 0, 0]));
      await failsWithin(() => loadTokenizerFile(folder), /empty[/\\]tokenizer\.json: is not valid JSON/);
    });

    it('a tokenizer.json larger than any real one is refused before it is read', async () => {
      const folder = path.join(dir, 'huge');
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, 'tokenizer.json'), '');
      fs.truncateSync(path.join(folder, 'tokenizer.json'), 300 * 1_048_576); // sparse: no disk used
      await failsWithin(() => loadTokenizerFile(folder), /huge[/\\]tokenizer\.json: is 300\.0 MB, more than the 128\.0 MB accepted/);
    });

    it('a FIFO named tokenizer.json does not block', async function () {
      if (!posix) this.skip(); // symbolic links, FIFOs and permission bits as POSIX makes them (not on Windows)
      const folder = path.join(dir, 'fifo');
      fs.mkdirSync(folder);
      execFileSync('mkfifo', [path.join(folder, 'tokenizer.json')]);
      await failsWithin(() => loadTokenizerFile(folder), /fifo[/\\]tokenizer\.json: is a FIFO \(named pipe\), not a file/);
      // Through the worker too: the answer comes back, the worker is not stuck.
      await failsWithin(() => workers.countTokens({ kind: 'file', location: folder }, 'x'), /fifo[/\\]tokenizer\.json: is a FIFO/);
    });

    it('a FIFO named chat_template.jinja does not block', async function () {
      if (!posix) this.skip(); // symbolic links, FIFOs and permission bits as POSIX makes them (not on Windows)
      const folder = writeTokenizer(path.join(dir, 'fifo-template'));
      execFileSync('mkfifo', [path.join(folder, 'chat_template.jinja')]);
      await failsWithin(() => loadTokenizerFile(folder), /fifo-template[/\\]chat_template\.jinja: is a FIFO \(named pipe\), not a file/);
    });

    it('a loop of symbolic links', async function () {
      if (!posix) this.skip(); // symbolic links, FIFOs and permission bits as POSIX makes them (not on Windows)
      const folder = path.join(dir, 'loop');
      fs.mkdirSync(folder);
      fs.symlinkSync(path.join(folder, 'b.json'), path.join(folder, 'tokenizer.json'));
      fs.symlinkSync(path.join(folder, 'tokenizer.json'), path.join(folder, 'b.json'));
      await failsWithin(() => loadTokenizerFile(path.join(folder, 'tokenizer.json')), /loop[/\\]tokenizer\.json: (no such file or folder|is a loop of symbolic links)/);
    });
  });
});
