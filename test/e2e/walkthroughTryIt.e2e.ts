// The walkthrough's "Try it" buttons in the real workbench: each runs its inspector on the samples
// shipped with the extension (the tokenizer, attention and decoding on a passage of the story it
// selects, RAG on the samples folder it attaches) and marks its step done. Open Discussions is
// walkthroughAsk.e2e.ts's: a second env.openExternal in one e2e run showed no dialog the first
// time it ran here. Screenshots: test-results/screenshots/walkthrough-try-it-*.png.
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { tryItSteps, type TryItStep } from '../../extension/walkthrough/tryItSteps';
import { e2e, type E2E } from './framework';
import { expandStep, openWalkthrough, walkthrough, type WalkthroughStep as Step } from './walkthroughSteps';

/** Clicks the "Try it" button of a step (the walkthrough's step list stays usable beside a panel) and returns the panel. */
async function tryIt(vs: E2E, step: Step, example: TryItStep, panelText: string): Promise<FrameLocator> {
  // Once an inspector's panel shares the window, the walkthrough is too narrow to show its pages:
  // the step list with its buttons is what remains.
  await vs.runCommand('LLM Pipeline: Open the 8-Step Walkthrough');
  await expandStep(vs, step);
  await vs.page.locator('.getting-started-step.expanded .button-container a.monaco-button', { hasText: /^Try it on the sample|^Try it on a sample/ }).click();
  if ('passage' in example) {
    await vs.page.locator('.tabs-container .tab.active', { hasText: 'story.txt' }).waitFor({ timeout: vs.timeoutMs });
    await vs.page.locator('#status\\.editor\\.selection', { hasText: `(${example.passage.length} selected)` }).waitFor({ timeout: vs.timeoutMs });
  }
  const panel = vs.webview();
  await panel.getByText(panelText).filter({ visible: true }).first().waitFor({ timeout: vs.timeoutMs });
  return panel;
}

e2e('"Try it" runs the tokenizer, attention, decoding and RAG inspectors on the samples and completes their steps', async (vs) => {
  assert.ok(walkthrough);
  await openWalkthrough(vs);

  const steps = new Map(walkthrough.steps.map((s) => [s.id, s]));
  const runs = [
    ['inputProcessing', 'llmPipeline.tokenizeSelection', 'Characters per token', 'tokenizer'],
    ['neuralNetwork', 'llmPipeline.inspectAttention', 'Tokens: choose one to see what it attends to', 'attention'],
    ['outputProcessing', 'llmPipeline.decodingPlayground', 'Next token', 'decoding'],
    ['memoryAndContext', 'llmPipeline.askRagFolder', 'Sources given', 'rag'],
  ] as const;
  for (const [stepId, inspector, panelText, name] of runs) {
    const example = tryItSteps.find((t) => t.inspector === inspector);
    assert.ok(example, `no "Try it" runs ${inspector}`);
    const step = steps.get(stepId)!;
    const panel = await tryIt(vs, step, example, panelText);
    if (name === 'tokenizer' && 'passage' in example) {
      const chips = panel.locator('token-chips .chip');
      await chips.first().waitFor({ timeout: vs.timeoutMs });
      assert.ok((await chips.count()) >= example.passage.split(' ').length, 'at least one token per word of the passage');
    }
    if (name === 'rag') {
      // Two sample stories are indexed; the one about the pebble must rank first among the sources.
      const sources = panel.getByText(/^\w+\.txt:\d/).filter({ visible: true });
      await sources.first().waitFor({ timeout: vs.timeoutMs });
      assert.match((await sources.allTextContents())[0] ?? '', /^story\.txt/);
      // The panel opened by the button shows the question it was asked and the rankings.
      if ('question' in example) assert.equal(await panel.locator('vscode-textarea textarea').inputValue(), example.question);
      await panel.locator('ranking-list li').first().waitFor({ timeout: vs.timeoutMs });
    }
    await vs.page.waitForTimeout(1500);
    await vs.screenshot(`walkthrough-try-it-${name}`);
    await vs.runCommand('LLM Pipeline: Open the 8-Step Walkthrough');
    await vs.page.locator(`.getting-started-step[data-step-id$="#${step.id}"][aria-checked="true"]`).waitFor({ timeout: vs.timeoutMs });
  }
  await vs.screenshot('walkthrough-steps-complete');
}, { timeoutMs: 12 * 60_000 });
