// Built-in tokenizers converted in a worker thread, as the extension does it: the tokenizer.json
// text equals the one converted in this thread, and a failure comes back as a message.
import { strict as assert } from 'node:assert';
import { convertBuiltin } from '../../extension/engine/tokenizer/builtinConversion';
import type { BuiltinTokenizerName } from '../../extension/engine/tokenizer/builtins';
import { convertInWorkerThread } from '../../extension/engine/tokenizer/builtinWorkerHost';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';
import { tsxWorkerScript } from './workerShim';

describe('built-in tokenizer conversion in a worker thread', function () {
  this.timeout(60_000);
  let dir: string;
  let script: string;
  before(() => {
    dir = makeTempDir('tokenizer-worker');
    script = tsxWorkerScript(dir, 'tokenizerWorker', 'extension/engine/tokenizer/builtinWorker.ts');
  });
  after(() => removeTempDir(dir));

  it('gives the tokenizer.json text converted in this thread', async () => {
    assert.equal(await convertInWorkerThread(script)('r50k_base'), await convertBuiltin('r50k_base'));
  });

  it('reports a name that is not a built-in tokenizer', async () => {
    await assert.rejects(convertInWorkerThread(script)('p50k_base' as BuiltinTokenizerName), /converting p50k_base: not a built-in tokenizer: p50k_base/);
  });
});
