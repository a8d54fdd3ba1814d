// Built-in tokenizers converted in a worker process, as the extension does it: the tokenizer.json
// text equals the one converted in this thread, and a failure comes back as a message.
import { strict as assert } from 'node:assert';
import { convertBuiltin } from '../../extension/engine/tokenizer/builtinConversion';
import type { BuiltinTokenizerName } from '../../extension/engine/tokenizer/builtins';
import { TokenizerWorkers } from '../../extension/engine/tokenizer/tokenizerWorkers';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';
import { tsxWorkerScript } from './workerShim';

describe('built-in tokenizer conversion in a worker process', function () {
  this.timeout(60_000);
  let dir: string;
  let threads: TokenizerWorkers;
  before(() => {
    dir = makeTempDir('tokenizer-worker');
    threads = new TokenizerWorkers(tsxWorkerScript(dir, 'tokenizerWorker', 'extension/engine/tokenizer/tokenizerWorker.ts'));
  });
  after(async () => {
    threads.dispose();
    removeTempDir(dir);
  });

  it('gives the tokenizer.json text converted in this thread', async () => {
    assert.equal(await threads.convert('r50k_base'), await convertBuiltin('r50k_base'));
  });

  it('reports a name that is not a built-in tokenizer', async () => {
    await assert.rejects(threads.convert('p50k_base' as BuiltinTokenizerName), /converting p50k_base: not a built-in tokenizer: p50k_base/);
  });
});
