// The scaling sweep: its plan refuses budgets and data that cannot work, with the figures, and a
// real sweep of tiny models writes results.json with every run and the fit, and "train it and
// check" places the predicted size's point (a sweep stopped halfway: scalingSweepWorker.test.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parameterCount } from '../../extension/engine/gpt/sizes';
import { checkPrediction, runSweep, type SweepOptions } from '../../extension/engine/scalingSweep/sweep';
import { planSweep, plannedRun, type SweepRecipe } from '../../extension/engine/scalingSweep/sweepPlan';
import { readResults } from '../../extension/engine/scalingSweep/sweepResults';

const RECIPE: SweepRecipe = { nLayer: 2, contextLength: 16, batchSize: 4, vocabSize: 257, tokensPerParameter: 2, maxRuns: 5, widths: [8, 12, 16, 24, 32] };
const SAMPLE = path.join(__dirname, '..', '..', 'walkthroughs', 'training-sample', 'stories.txt');

describe('scaling sweep', () => {
  it('plans runs with D = r·N rounded up to whole steps and C = 6·N·D', () => {
    const run = plannedRun(16, RECIPE);
    const n = parameterCount(run.config).nonEmbedding;
    assert.equal(run.nonEmbeddingParameters, n);
    // 2 layers × (12·C² + 13·C) + the final LayerNorm's 2·C, for C = 16.
    assert.equal(n, 2 * (12 * 256 + 13 * 16) + 32);
    assert.equal(run.steps, Math.ceil((2 * n) / 64));
    assert.equal(run.tokens, run.steps * 64);
    assert.equal(run.flops, 6 * n * run.tokens);
  });

  it('takes sizes from the smallest up while the budget lasts, and names the next size', () => {
    const ladder = RECIPE.widths.map((w) => plannedRun(w, RECIPE));
    const budget = ladder[0].flops + ladder[1].flops + ladder[2].flops + ladder[3].flops / 2;
    const plan = planSweep(budget, 1e9, 'data.txt', RECIPE);
    assert.deepEqual(plan.runs.map((r) => r.config.n_embd), [8, 12, 16]);
    assert.equal(plan.check?.config.n_embd, 24);
  });

  it('refuses a budget below the smallest model, a budget for fewer than three sizes, and data too small for the largest', () => {
    const smallest = plannedRun(8, RECIPE);
    assert.throws(() => planSweep(smallest.flops / 2, 1e9, 'data.txt', RECIPE), /too small for the smallest model: N = 1760/);
    assert.throws(() => planSweep(smallest.flops * 2, 1e9, 'data.txt', RECIPE), /pays for 1 model size\(s\), and a fit needs 3/);
    assert.throws(() => planSweep(1e12, 1000, 'data.txt', RECIPE), /^Error: data\.txt: 1000 training tokens, but the largest model/);
  });

  it('trains the sizes, fits, predicts the next size, and trains it to check the prediction', async function () {
    this.timeout(300_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaling-sweep-'));
    const data = path.join(dir, 'stories.txt');
    fs.writeFileSync(data, fs.readFileSync(SAMPLE, 'utf8').slice(0, 40_000));
    const options: SweepOptions = {
      dataPath: data, outDir: path.join(dir, 'full'), budgetFlops: 1e9, tokensPerParameter: 2, widths: [8, 12, 16, 24],
      contextLength: 16, batchSize: 4, maxRuns: 3, threads: 1,
    };
    const out = options.outDir;
    const results = await runSweep(options);
    assert.equal(results.runs.length, 3);
    for (const run of results.runs) {
      assert.ok(run.val_loss > 0 && run.val_loss < Math.log(257) + 0.5, `${run.name}: val ${run.val_loss}`);
      assert.equal(run.flops, 6 * run.non_embedding_parameters * run.tokens);
      assert.ok(fs.existsSync(path.join(out, run.folder, 'config.json')), `${run.folder} is a model folder`);
    }
    assert.ok(results.fit && results.fit.alpha_interval[0] <= results.fit.alpha && results.fit.alpha <= results.fit.alpha_interval[1]);
    assert.equal(results.prediction?.name, 'L2-C24');
    assert.throws(() => fs.accessSync(path.join(out, 'runs', 'L2-C24')));
    await assert.rejects(runSweep(options), /holds an earlier sweep/);

    const checked = await checkPrediction(out);
    assert.equal(checked.check?.name, 'L2-C24');
    assert.equal(checked.check?.predicted_val_loss, results.prediction?.predicted_val_loss);
    assert.ok((checked.check?.val_loss ?? 0) > 0);
    assert.deepEqual(readResults(out).check, checked.check);
    fs.rmSync(dir, { recursive: true });
  });
});
