// "Ask about this step", the command link that ends a walkthrough page, in the real workbench, on
// the Dark 2026 theme with the system's colour scheme dark too, where the diagram switches to its
// dark palette: a click on step 2's link runs Open Discussions with the step number, and the
// workbench asks to open the discussions searched for step 2.
// Screenshots: test-results/screenshots/walkthrough-ask-*.png.
import * as assert from 'node:assert/strict';
import { e2e } from './framework';
import { expandStep, openWalkthrough, walkthrough } from './walkthroughSteps';

e2e('"Ask about this step" opens the discussions of that step', async (vs) => {
  assert.ok(walkthrough);
  const step = walkthrough.steps.find((s) => s.id === 'neuralNetwork');
  assert.ok(step);
  await openWalkthrough(vs);
  await vs.page.emulateMedia({ colorScheme: 'dark' });
  await vs.runCommandAndPick('Preferences: Color Theme', 'Dark 2026', 'Dark 2026');
  await expandStep(vs, step);
  const page = vs.page.locator('.getting-started-media iframe.webview').contentFrame().frameLocator('#active-frame');
  await page.locator('img').first().waitFor({ timeout: vs.timeoutMs });
  await vs.page.waitForTimeout(1000);
  await vs.screenshot('walkthrough-ask-dark-step2');

  // env.openExternal asks before leaving for an untrusted site: the question names the address,
  // shortened in its middle when long, as in "…/discussions?…p 2"" (the unit tests check it whole).
  const dialog = vs.page.locator('.monaco-dialog-box', { hasText: /\/discussions\?.*2("|%22)/ });
  await page.locator('a', { hasText: 'Ask about this step' }).click();
  await dialog.waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('walkthrough-ask-step2');
  await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
}, { timeoutMs: 5 * 60_000 });
