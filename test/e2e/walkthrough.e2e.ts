// The built-in walkthrough "LLM Pipeline: 8 steps" in the real workbench: it opens from the palette,
// and every step shows its page and diagram in light, dark and high-contrast themes (screenshots in
// test-results/screenshots/walkthrough-*.png). Its "Try it" buttons: walkthroughTryIt.e2e.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { repoRoot } from '../harness/paths';
import { e2e, type E2E } from './framework';
import { expandStep, openWalkthrough, walkthrough, type WalkthroughStep as Step } from './walkthroughSteps';

/** The first heading of a step's page, as the walkthrough's markdown view renders it. */
function pageHeading(step: Step): string {
  const text = fs.readFileSync(path.join(repoRoot, step.media.markdown), 'utf8');
  return /^# (.+)$/m.exec(text)![1];
}

/** Selects a step and waits until its page and diagram are drawn beside the list (a wide enough editor). */
async function showStep(vs: E2E, step: Step): Promise<FrameLocator> {
  await expandStep(vs, step);
  const page = vs.page.locator('.getting-started-media iframe.webview').contentFrame().frameLocator('#active-frame');
  await page.locator('h1', { hasText: pageHeading(step) }).waitFor({ timeout: vs.timeoutMs });
  const diagram = page.locator('img').first();
  const deadline = Date.now() + vs.timeoutMs;
  while (!(await diagram.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))) {
    if (Date.now() > deadline) throw new Error(`the diagram of step ${step.id} did not load`);
    await vs.page.waitForTimeout(200);
  }
  return page;
}

/** The class the workbench element carries for each kind of theme. */
const THEME_CLASS = { light: 'vs', dark: 'vs-dark', 'hc-dark': 'hc-black', 'hc-light': 'hc-light' } as const;

async function setTheme(vs: E2E, theme: string, kind: keyof typeof THEME_CLASS): Promise<void> {
  await vs.runCommandAndPick('Preferences: Color Theme', theme, theme);
  // The theme is switched when the workbench carries its kind's class (and the picker has closed).
  await vs.page.locator(`.monaco-workbench.${THEME_CLASS[kind]}`).waitFor({ timeout: vs.timeoutMs });
  for (const other of Object.values(THEME_CLASS).filter((c) => c !== THEME_CLASS[kind])) {
    assert.equal(await vs.page.locator(`.monaco-workbench.${other}`).count(), 0, `${theme}: the workbench still has the ${other} class`);
  }
  await vs.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: vs.timeoutMs });
}

e2e('the 8-step walkthrough shows each page and diagram on light, dark and high-contrast themes', async (vs) => {
  assert.ok(walkthrough, 'package.json has no walkthrough llmPipeline.eightSteps');
  await openWalkthrough(vs);
  assert.equal(await vs.page.locator('.getting-started-step').count(), walkthrough.steps.length, 'every step is listed');

  for (const [theme, name] of [['Light 2026', 'light'], ['Dark 2026', 'dark'], ['Dark High Contrast', 'hc-dark'], ['Light High Contrast', 'hc-light']] as const) {
    await setTheme(vs, theme, name);
    for (const [index, step] of walkthrough.steps.entries()) {
      const page = await showStep(vs, step);
      if (name === 'light') {
        const references = page.locator('a[href^="https://arxiv.org/abs/"], a[href^="https://transformer-circuits.pub"], a[href^="https://doi.org/"]');
        assert.ok((await references.count()) >= 4, `step ${step.id} shows its references as links`);
        await page.locator('h3', { hasText: 'Shapes in the bundled model' }).scrollIntoViewIfNeeded();
        await vs.screenshot(`walkthrough-${name}-step${index + 1}-shapes`);
        await page.locator('h1').scrollIntoViewIfNeeded();
      }
      await vs.screenshot(`walkthrough-${name}-step${index + 1}`);
    }
  }
}, { timeoutMs: 15 * 60_000 }); // 32 pages drawn and photographed: a hang guard, not a timing
