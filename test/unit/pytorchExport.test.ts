// "Export Training Run to PyTorch": the exported script, launched with torchrun on two CPU
// processes (gloo, DistributedDataParallel), replays the engine's run from the same starting
// weights on the same batches, and its losses equal the engine's within LOSS_TOLERANCE; the folder
// it writes opens in the engine and scores a text as the engine's own checkpoint does.
// Needs torchrun with PyTorch (Debian: python3-torch, which .ci/run installs).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { readGPT2Weights } from '../../extension/engine/modelFolder/gpt2Weights';
import { exportToPyTorch } from '../../extension/engine/pytorchExport/exportRun';
import { byteTokenizerJson } from '../../extension/engine/train/byteTokenizer';
import { loadCheckpoint } from '../../extension/engine/train/checkpoint';
import { defaultTrainOptions, type TrainOptions } from '../../extension/engine/train/options';
import { lastFolder } from '../../extension/engine/train/runSetup';
import { train } from '../../extension/engine/train/trainer';
import { gptOnly } from '../../extension/engine/train/trainableConfig';

/**
 * Both sides compute in float32 and differ only in the order of their sums (ONNX Runtime's
 * kernels against PyTorch's, one process against two whose gradients are averaged): the losses
 * of the first steps agree to about 1e-6, so 1e-4 nats leaves room and still catches a wrong
 * data order, schedule or optimizer setting (each changes the second step's loss by far more).
 */
const LOSS_TOLERANCE = 1e-4;
const STEPS = 4;

function torchrun(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    // --redirects/--tee: Debian's PyTorch 1.13 on Python 3.11 fails to parse their default "0" (an
    // enum change in 3.11); any other value works there and on newer releases alike.
    const child = spawn('torchrun', ['--standalone', '--nproc_per_node', '2', '--redirects', '1', '--tee', '1', ...args], { cwd, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => reject(new Error(`torchrun could not start (${error.message}); install PyTorch (Debian: apt-get install python3-torch)`)));
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`torchrun exited with ${code}:\n${output}`))));
  });
}

describe('export a training run to PyTorch', function () {
  this.timeout(600_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pytorch-export-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(`torchrun on 2 processes reproduces the engine's first ${STEPS} losses within ${LOSS_TOLERANCE} and writes a folder the engine opens`, async () => {
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(byteTokenizerJson()));
    const text = fs.readFileSync(path.join(__dirname, '../../walkthroughs/training-sample/stories.txt'), 'utf8').slice(0, 6000);
    fs.writeFileSync(path.join(dir, 'data.txt'), text);
    const model = { n_layer: 2, n_head: 2, n_embd: 32, n_positions: 32, vocab_size: 257, layer_norm_epsilon: 1e-5 };
    const options: TrainOptions = {
      ...defaultTrainOptions({ dataPath: path.join(dir, 'data.txt'), tokenizerPath: path.join(dir, 'tokenizer.json'), outDir: path.join(dir, 'engine'), model }),
      steps: STEPS, batchSize: 4, contextLength: 32, warmupSteps: 2, learningRate: 3e-3, evalEvery: 0, sampleEvery: 0, checkpointEvery: 0, threads: 1,
    };
    await train(options);
    const engine = loadCheckpoint(lastFolder(options.outDir));
    const engineLosses = engine.state.history.map((h) => h.loss);

    const exported = await exportToPyTorch(options, path.join(dir, 'export'));
    assert.equal(exported.totalSteps, STEPS);
    await torchrun(exported.dir, ['train_gpt2.py', '--out', 'trained']);
    const trained = path.join(exported.dir, 'trained');
    const report = JSON.parse(fs.readFileSync(path.join(trained, 'losses.json'), 'utf8')) as { world_size: number; losses: number[] };
    assert.equal(report.world_size, 2);
    assert.equal(report.losses.length, STEPS);
    report.losses.forEach((loss, i) => {
      assert.ok(Math.abs(loss - engineLosses[i]) < LOSS_TOLERANCE, `step ${i + 1}: PyTorch ${loss}, engine ${engineLosses[i]}`);
    });
    // The losses moved: a script that never updated the weights would fail here.
    assert.ok(report.losses[STEPS - 1] < report.losses[0] - 0.05, `losses ${report.losses.join(', ')}`);

    const folder = readModelFolder(trained);
    assert.equal(folder.kind, 'gpt2');
    const weights = readGPT2Weights(path.join(trained, 'model.safetensors'), gptOnly(engine.config, 'this run'));
    let largest = 0;
    for (const [name, tensor] of engine.weights) {
      const other = weights.get(name)?.data ?? assert.fail(`${name} missing from the PyTorch folder`);
      tensor.data.forEach((v, i) => (largest = Math.max(largest, Math.abs(v - other[i]))));
    }
    assert.ok(largest < 1e-3, `largest weight difference after ${STEPS} steps: ${largest}`);
  });
});
