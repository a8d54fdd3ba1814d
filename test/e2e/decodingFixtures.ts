// What the Decoding Playground's workbench tests share: the story they open, the text they
// select, and a wait for the generated tokens to be drawn.
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import type { E2E } from './framework';

export const STORY = 'Once upon a time, there was a little girl named Lily. She loved to play in the park with her dog.\n';
export const SELECTED = 'Once upon a time, there was a little girl named Lily. She loved to';

/** Waits until `count` generated tokens are drawn in the text view. */
export async function waitForTokens(panel: FrameLocator, count: number, vs: E2E): Promise<void> {
  const tokens = panel.locator('generated-text g.token');
  const deadline = Date.now() + vs.timeoutMs;
  while ((await tokens.count()) !== count) {
    if (Date.now() > deadline) assert.equal(await tokens.count(), count, 'generated tokens drawn');
    await vs.page.waitForTimeout(100);
  }
}
