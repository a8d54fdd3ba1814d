// What the program writes, against what a user already has (issue 17, items 5, 7 and 10): an
// atomic file write keeps a symbolic link and the file's permissions; a checkpoint swap never
// deletes or replaces folders it did not write; a fresh training run does not replace an earlier
// run's checkpoints; the training process does not inherit the host's Node flags.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { InferenceHost } from '../../../extension/engine/inference/inferenceHost';
import { writeFileAtomic } from '../../../extension/engine/modelFolder/atomicWrite';
import { OWNER_MARKER, replaceFolderAtomically, resolveFolder } from '../../../extension/engine/train/atomicFolder';
import { startTrainingJob } from '../../../extension/engine/train/host';
import { defaultTrainOptions } from '../../../extension/engine/train/options';
import { train } from '../../../extension/engine/train/trainer';
import { makeTempDir, removeTempDir } from '../modelFolderFixtures';
import { failsWithin } from './bounded';

const posix = process.platform !== 'win32';

describe('hostile surroundings of the files this program writes', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = makeTempDir('hostile-write')));
  afterEach(() => removeTempDir(dir));

  describe('writeFileAtomic', () => {
    it('writes through a symbolic link: the link stays, the file it names gets the text', function () {
      if (!posix) this.skip(); // symbolic links, FIFOs and permission bits as POSIX makes them (not on Windows)
      const real = path.join(dir, 'real.json');
      const link = path.join(dir, 'link.json');
      fs.writeFileSync(real, 'old');
      fs.symlinkSync(real, link);
      writeFileAtomic(link, 'new');
      assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is still a link');
      assert.equal(fs.readFileSync(real, 'utf8'), 'new');
    });

    it('keeps the permission bits of the file it replaces', function () {
      if (!posix) this.skip(); // symbolic links, FIFOs and permission bits as POSIX makes them (not on Windows)
      const file = path.join(dir, 'secret.json');
      fs.writeFileSync(file, 'old', { mode: 0o600 });
      fs.chmodSync(file, 0o600);
      writeFileAtomic(file, 'new');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal(fs.readFileSync(file, 'utf8'), 'new');
    });

    it('leaves no temporary file behind', () => {
      writeFileAtomic(path.join(dir, 'a.txt'), 'x');
      assert.deepEqual(fs.readdirSync(dir), ['a.txt']);
    });

    /**
     * Runs `write` with fs[name] replaced by `failing`, then puts the real one back. It is replaced
     * on the module object itself (what every importer's namespace reads through), not on this
     * file's namespace copy.
     */
    function withFailing<K extends 'writeFileSync' | 'fsyncSync' | 'renameSync'>(name: K, failing: (real: (typeof fs)[K]) => (typeof fs)[K], write: () => void): void {
      const nodeFs = createRequire(__filename)('node:fs') as Record<K, unknown>;
      const real = nodeFs[name] as (typeof fs)[K];
      nodeFs[name] = failing(real);
      try {
        write();
      } finally {
        nodeFs[name] = real;
      }
    }
    const diskFull = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

    for (const [stage, name] of [['the data is half written', 'writeFileSync'], ['flushing to disk', 'fsyncSync'], ['the rename over the old file', 'renameSync']] as const) {
      it(`a write that fails at ${stage} keeps the old file whole and removes its temporary file`, () => {
        const file = path.join(dir, 'state.json');
        fs.writeFileSync(file, '{"old":true}');
        const bigNew = `{"new":"${'x'.repeat(100_000)}"}`;
        assert.throws(() => withFailing(name, (real) => ((...args: unknown[]) => {
          // Part of the data reaches the temporary file before the disk fills up.
          if (name === 'writeFileSync' && typeof args[0] === 'number') (real as typeof fs.writeFileSync)(args[0], bigNew.slice(0, 50_000));
          throw diskFull();
        }) as never, () => writeFileAtomic(file, bigNew)), /ENOSPC/);
        assert.equal(fs.readFileSync(file, 'utf8'), '{"old":true}');
        assert.deepEqual(fs.readdirSync(dir), ['state.json']);
      });
    }
  });

  describe('replaceFolderAtomically', () => {
    const fill = (temp: string) => fs.writeFileSync(path.join(temp, 'weights.bin'), 'w');

    it('leaves the user\'s own last.old-* and last.tmp-* folders alone', async () => {
      const target = path.join(dir, 'last');
      for (const name of ['last.old-backup', 'last.tmp-1-abc', 'last.old-42-zz']) {
        fs.mkdirSync(path.join(dir, name));
        fs.writeFileSync(path.join(dir, name, 'notes.txt'), 'mine');
      }
      await replaceFolderAtomically(target, () => false, fill);
      await replaceFolderAtomically(target, () => false, fill);
      for (const name of ['last.old-backup', 'last.tmp-1-abc', 'last.old-42-zz']) assert.equal(fs.readFileSync(path.join(dir, name, 'notes.txt'), 'utf8'), 'mine');
      assert.ok(fs.existsSync(path.join(target, OWNER_MARKER)));
      assert.equal(resolveFolder(target), target);
    });

    it('does not fall back to a user folder named like a moved-aside checkpoint', () => {
      fs.mkdirSync(path.join(dir, 'last.old-1-a'));
      assert.equal(resolveFolder(path.join(dir, 'last')), undefined);
    });

    it('refuses to replace a folder it did not write, naming it', async () => {
      const target = path.join(dir, 'best');
      fs.mkdirSync(target);
      fs.writeFileSync(path.join(target, 'thesis.tex'), 'mine');
      await failsWithin(() => replaceFolderAtomically(target, () => false, fill), /best: exists and was not written by LLM Pipeline Lab/);
      assert.equal(fs.readFileSync(path.join(target, 'thesis.tex'), 'utf8'), 'mine');
      assert.deepEqual(fs.readdirSync(dir), ['best'], 'nothing was left beside it');
    });
  });

  it('a new training run (no resume) refuses an output folder that holds an earlier run\'s checkpoint', async () => {
    const out = path.join(dir, 'run');
    fs.mkdirSync(path.join(out, 'last'), { recursive: true });
    fs.writeFileSync(path.join(out, 'last', 'model.safetensors'), 'earlier');
    const options = { ...defaultTrainOptions({ dataPath: path.join(dir, 'data.txt'), tokenizerPath: path.join(dir, 'tokenizer.json'), outDir: out, model: { n_layer: 1, n_head: 1, n_embd: 4, n_positions: 8, vocab_size: 257, layer_norm_epsilon: 1e-5 } }), resume: false };
    await failsWithin(() => train(options), /run[/\\]last: holds a checkpoint of an earlier run, which a new run would replace/);
    assert.equal(fs.readFileSync(path.join(out, 'last', 'model.safetensors'), 'utf8'), 'earlier');
  });

  it('the training process does not inherit the host\'s Node flags (an inspector port, say)', async () => {
    const script = path.join(dir, 'reportFlags.js');
    fs.writeFileSync(script, `process.send({ type: 'error', message: JSON.stringify(process.execArgv) }); process.disconnect();\n`);
    const saved = [...process.execArgv];
    process.execArgv.push('--no-deprecation', '--stack-size=900');
    try {
      const job = startTrainingJob(defaultTrainOptions({ dataPath: 'x', tokenizerPath: 'x', outDir: dir, model: { n_layer: 1, n_head: 1, n_embd: 4, n_positions: 8, vocab_size: 257, layer_norm_epsilon: 1e-5 } }), { workerScript: script });
      const flags = await job.finished.then(() => 'done', (error: Error) => error.message);
      assert.deepEqual(JSON.parse(flags), []);
    } finally {
      process.execArgv.splice(0, process.execArgv.length, ...saved);
    }
  });

  it('the inference process does not inherit them either (every host starts its children through workers/forkWorker.ts)', async () => {
    const script = path.join(dir, 'answerFlags.js');
    fs.writeFileSync(script, `process.on('message', (m) => process.send({ type: 'failed', id: m.id, name: 'Error', message: JSON.stringify(process.execArgv) }));\n`);
    const saved = [...process.execArgv];
    process.execArgv.push('--no-deprecation', '--stack-size=900');
    const host = new InferenceHost(script);
    try {
      const flags = await host.openInspector(dir).then(() => 'opened', (error: Error) => error.message);
      assert.deepEqual(JSON.parse(flags), []);
    } finally {
      host.dispose();
      process.execArgv.splice(0, process.execArgv.length, ...saved);
    }
  });
});
