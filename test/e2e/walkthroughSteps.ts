// The walkthrough "LLM Pipeline: 8 steps" as the e2e tests open it: its steps as VS Code shows them
// (titles from package.nls.json), opening it from the palette, and unfolding one step.
import { retrying, type E2E } from './framework';
import { localizedManifest } from '../unit/manifest';

export interface WalkthroughStep {
  readonly id: string;
  readonly title: string;
  readonly media: { readonly markdown: string };
}

const manifest = localizedManifest<{
  contributes: { walkthroughs: { id: string; title: string; steps: WalkthroughStep[] }[] };
}>();
export const walkthrough = manifest.contributes.walkthroughs.find((w) => w.id === 'llmPipeline.eightSteps');

const OPEN = 'LLM Pipeline: Open the 8-Step Walkthrough';

function stepTitle(vs: E2E, step: WalkthroughStep) {
  return vs.page.locator('.getting-started-step h3.step-title', { hasText: step.title }).first();
}

/** Opens a window on a new folder and the walkthrough in it; waits for its first step. */
export async function openWalkthrough(vs: E2E): Promise<void> {
  await vs.openWorkspace({ 'notes.txt': 'A file, so that the window has a folder.\n' });
  await vs.runCommand(OPEN);
  await stepTitle(vs, walkthrough!.steps[0]).waitFor({ timeout: vs.timeoutMs });
}

/**
 * Selects a step in the open walkthrough: its description and buttons unfold. While the workbench
 * settles, the Welcome page can fall back to its start page under the test (seen on a loaded
 * machine): then the walkthrough is opened again. A click can also land while the page re-renders
 * its step list (it does so when a step completes and the next one unfolds): the step then takes
 * focus but does not unfold (seen in a fresh-clone CI run). So a step that has not unfolded after
 * a while is clicked again; one that has is never clicked, so no click can fold it back.
 */
export async function expandStep(vs: E2E, step: WalkthroughStep): Promise<void> {
  const expanded = vs.page.locator(`.getting-started-step.expanded[data-step-id$="#${step.id}"]`);
  const click = () =>
    retrying(
      vs.timeoutMs,
      () => stepTitle(vs, step).click({ timeout: 10_000 }),
      async () => {
        console.log(`    (step "${step.title}" could not be clicked: opening the walkthrough again)`);
        await vs.runCommand(OPEN);
      },
    );
  const deadline = Date.now() + vs.timeoutMs;
  await click();
  while (!(await expanded.waitFor({ timeout: 15_000 }).then(() => true, () => false))) {
    if (Date.now() > deadline) throw new Error(`step "${step.title}" was clicked and never expanded within ${vs.timeoutMs} ms`);
    console.log(`    (step "${step.title}" took focus but did not unfold: clicking it again)`);
    await click();
  }
}
