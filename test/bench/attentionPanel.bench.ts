// The host's share of "Inspect Attention" on 128 tokens with the model loaded: tokenizing and
// running the inspection graph, building the overview the panel draws first (every head's
// thumbnail and the chosen head), and the views sent after it (logit lens, norms, embeddings).
// The bundled model when there is one, else a random GPT-2 of the planned size. The end-to-end
// figure, with the webview drawing, comes from test/integration/attentionTiming.test.ts. The
// inspection also runs in the inference process the extension uses, for isolation's cost.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { embeddingView } from '../../extension/attention/embeddingProjection';
import { attentionOf, inspectionView, lensView, normsView } from '../../extension/attention/inspectionViews';
import { inspectText } from '../../extension/attention/textInspection';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { InferenceHost } from '../../extension/engine/inference/inferenceHost';
import { workerScript } from '../../extension/engine/workers/workerScript';
import { LoadedModel } from '../../extension/model/loadedModel';
import { makeTempDir, removeTempDir } from '../unit/modelFolderFixtures';
import { STORY, writeTinyModel } from '../unit/attentionModelFixture';
import { median, report, timeRepeats, type Bench } from './bench';

const TOKENS = 128;
const REPEATS = 15;

export const bench: Bench = {
  name: 'attention-panel',
  description: `host side of Inspect Attention on ${TOKENS} tokens, model loaded (median of ${REPEATS})`,
  async run() {
    const repo = path.resolve(__dirname, '..', '..');
    const bundled = bundledModelFolder(repo);
    const temp = bundled ? undefined : makeTempDir('attention-bench');
    try {
      const dir = bundled ?? writeTinyModel(path.join(temp as string, 'gpt2'), { n_layer: 4, n_head: 4, n_embd: 128, n_positions: 256 }).dir;
      console.log(`  model: ${path.relative(repo, dir) || dir}${bundled ? ' (bundled)' : ' (random weights)'}, ${fs.statSync(path.join(dir, 'model.safetensors')).size.toLocaleString()} bytes of weights`);
      const model = LoadedModel.open(dir);
      const [tokenizer, inspector] = [await model.tokenizer(), await model.inspector()];
      const inference = new InferenceHost(workerScript('inferenceWorker', 'inference/inferenceWorker.ts'));
      const isolated = LoadedModel.open(dir, {}, inference);
      const isolatedInspector = await isolated.inspector();
      let text = STORY;
      while ((await tokenizer.encode(text)).length < TOKENS) text += `\n${STORY}`;
      text = text.slice(0, (await tokenizer.encode(text))[TOKENS - 1].end);
      const wte = model.gpt2Weights()?.get('transformer.wte.weight');

      const inspection = await inspectText(text, tokenizer, inspector);
      const overview = () => inspectionView({ runId: 1, text, source: '', linked: true, notices: [], inspection, selected: { layer: 0, head: 0 } });
      const figures: Array<[string, () => unknown]> = [
        ['tokenize + inspection graph', () => inspectText(text, tokenizer, inspector)],
        ['tokenize + inspection graph, in the inference process', () => inspectText(text, tokenizer, isolatedInspector)],
        ['overview (thumbnails + first head)', overview],
        ['another head, full size', () => attentionOf(inspection.result, 1, 1)],
        ['residual-stream norms', () => normsView(1, inspection.result)],
        ['logit lens, top 3 of every cell', () => lensView(1, inspection.result, tokenizer, inspector.vocabSize)],
        ...(wte ? [['embeddings (axes cached)', () => embeddingView(1, wte, inspection.result.tokens, tokenizer)] as [string, () => unknown]] : []),
      ];
      let hostTotal = 0;
      for (const [label, work] of figures) {
        const ms = median(await timeRepeats(async () => work(), REPEATS, 2));
        if (label === 'tokenize + inspection graph' || label.startsWith('overview')) hostTotal += ms;
        report(label, ms, 'ms');
      }
      report('host time before the heatmap can draw', hostTotal, 'ms', 'the first two rows');
      await model.release();
      await isolated.release();
      inference.dispose();
    } finally {
      if (temp) removeTempDir(temp);
    }
  },
};
