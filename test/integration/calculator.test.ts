// Step 8's Model Size Calculator in a real extension host: the command opens the panel, which
// answers the form with the engine's figures for the bundled model, a preset of a real
// architecture and typed sizes, and reports an impossible typed architecture in the panel.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../extension/extension';
import { DEFAULT_FORM } from '../../extension/calculator/calculatorPanel';
import { CALCULATOR_VIEW_TYPE, type CalculatorForm, type CalculatorNotification, type SizesView } from '../../webviews/calculator/protocol';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
let api: ExtensionTestApi;

function posted<T extends CalculatorNotification['type']>(type: T, accept: (p: Extract<CalculatorNotification, { type: T }>['payload']) => boolean, what: string) {
  return new Promise<Extract<CalculatorNotification, { type: T }>['payload']>((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`the calculator never posted ${what}`));
    }, 60_000);
    const listener = api.panels.onDidPostToWebview(({ viewType, message }) => {
      const m = message as CalculatorNotification;
      if (viewType !== CALCULATOR_VIEW_TYPE || m.type !== type || !accept(m.payload as never)) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(m.payload as never);
    });
  });
}

async function calculate(form: CalculatorForm, accept: (s: SizesView) => boolean, what: string): Promise<SizesView> {
  const answer = posted('sizes', accept, what);
  await api.panels.sendFromWebview(CALCULATOR_VIEW_TYPE, { type: 'calculate', payload: { form } });
  return answer;
}

suite('Model Size Calculator (Step 8)', () => {
  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
  });

  suiteTeardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test('opens from the palette command and sizes the bundled model, Llama 3 8B and typed sizes', async () => {
    const setup = posted('setup', (s) => s.presets.length === 7, 'the presets');
    await vscode.commands.executeCommand('llmPipeline.modelSizeCalculator');
    const presets = (await setup).presets;
    assert.ok(presets.every((p) => p.source.startsWith('https://huggingface.co/') && p.source.endsWith('/config.json')));

    // The bundled model: 4 layers of width 128, vocabulary 4096, context 256 (models/tinystories-1m/config.json).
    const bundled = await calculate(DEFAULT_FORM, (s) => s.architecture.modelType === 'gpt2', 'the bundled model');
    assert.equal(bundled.parameters, 1_350_400);
    assert.equal(bundled.kvCacheBytesPerToken, 2 * 4 * 128 * 2);

    const llama = await calculate({ ...DEFAULT_FORM, source: 'preset', preset: 'llama3-8b', question: { ...DEFAULT_FORM.question, context: 4096, batch: 2 } }, (s) => s.label === 'Llama 3 8B', 'Llama 3 8B');
    assert.equal(llama.parameters, 8_030_261_248);
    assert.equal(llama.serving.kvCache, 131_072 * 2 * 4096);
    assert.equal(llama.serving.weights, 2 * 8_030_261_248);

    const typed = { ...DEFAULT_FORM.typed, modelType: 'llama' as const, layers: 2, hidden: 64, heads: 4, kvHeads: 1, intermediate: 128, vocab: 100, context: 32, tied: false };
    const mqa = await calculate({ ...DEFAULT_FORM, source: 'typed', typed }, (s) => s.architecture.kvHeads === 1, 'the typed sizes');
    assert.equal(mqa.kvCacheBytesPerToken, 2 * 2 * 1 * 16 * 2);
    assert.equal(mqa.parameters, 2 * 100 * 64 + 2 * (64 * 64 * 2 + 2 * 64 * 16 + 3 * 64 * 128 + 2 * 64) + 64);
  });

  test('a typed architecture that cannot exist is reported in the panel', async () => {
    const error = posted('error', (e) => /num_key_value_heads/.test(e.message), 'an error naming num_key_value_heads');
    await api.panels.sendFromWebview(CALCULATOR_VIEW_TYPE, { type: 'calculate', payload: { form: { ...DEFAULT_FORM, source: 'typed', typed: { ...DEFAULT_FORM.typed, heads: 12, kvHeads: 5 } } } });
    await error;
  });
});
