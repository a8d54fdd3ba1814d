/**
 * End-to-end tests: the real VS Code workbench (code-server) in headless Chromium, with this
 * repository loaded as the extension under development. `npm run test:e2e` runs every
 * test/e2e/*.e2e.ts file (`npm run test:e2e -- NAME` only files whose name contains NAME).
 * Each test gets a fresh browser profile and its own workspace folder; the server is shared.
 *
 *   import * as assert from 'node:assert/strict';
 *   import { e2e } from './framework';
 *
 *   e2e('tokenizer panel lists the tokens', async (vs) => {
 *     await vs.openWorkspace({ 'story.txt': 'Once upon a time\n' });  // loads the workbench
 *     await vs.openFile('story.txt', 'upon a');                      // selects the first "upon a"
 *     await vs.runCommand('LLM Pipeline: Tokenize Selection');
 *     const panel = vs.webview();                                    // the visible webview's document
 *     await panel.locator('.token').first().waitFor();
 *     assert.equal(await panel.locator('.token').count(), 2);
 *     await vs.screenshot('tokenizer-panel');                        // test-results/screenshots/tokenizer-panel.png
 *   });
 *
 * Helper API (`vs`, an E2E):
 *   page                        playwright Page of the workbench, for anything not covered here
 *   openWorkspace(files)        writes { 'relative/path': 'content' } into a new folder, opens the
 *                               workbench on it with the extension, waits for the explorer; -> folder path
 *   openFile(path, select?)     opens a workspace file (Quick Open) and, optionally, selects the first
 *                               occurrence of a string, or { start: [line, column], end: [line, column] }
 *                               (1-based, as the status bar counts); waits until the selection is made
 *   runCommand(title)           runs a command from the palette by its full title ("Category: Title"),
 *                               once; reopens the palette until the command is listed (it does not
 *                               refresh) or when it closed before the click (then nothing ran)
 *   waitForCommand(title)       waits until the palette lists the command, without running it
 *   runCommandAndPick(title, label, filter?)  runs a command once and chooses an item in the quick
 *                               pick it opens (typing `filter` first, for long lists)
 *   runCommandUntil(title, shown)  runs a command once and waits (as long as a slow workbench needs)
 *                               for the Locator `shown`; a command that shows nothing fails the test,
 *                               it is never run a second time
 *   reload()                    reloads the page: a new extension host starts and panels come back
 *                               through their serializers (wait on them with RELOAD_TIMEOUT_MS)
 *   webview()                   FrameLocator of the visible webview's content (iframe.webview ->
 *                               #active-frame); the last one when several are visible
 *   showOutputChannel(name)     shows an output channel; -> Locator of its text lines
 *   notification(text)          Locator of a notification toast containing text (string or RegExp)
 *   screenshot(name)            saves test-results/screenshots/<name>.png; -> its path
 *   timeoutMs                   how long each wait may take (generous; these are hang guards, not timings)
 *
 * e2e(name, body, { timeoutMs }) registers a test; the whole body is bounded by timeoutMs
 * (default 6 minutes). A failing test saves test-results/screenshots/<test-name>-failure.png.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import type { CodeServer } from '../harness/codeServer';
import { repoRoot, screenshotsDir } from '../harness/paths';

/** A position as the editor's status bar shows it: 1-based line and column. */
export type Position = readonly [line: number, column: number];
export type Selection = string | { readonly start: Position; readonly end: Position };

export interface E2E {
  readonly page: Page;
  readonly timeoutMs: number;
  openWorkspace(files: Record<string, string>): Promise<string>;
  openFile(relativePath: string, select?: Selection): Promise<void>;
  runCommand(title: string): Promise<void>;
  waitForCommand(title: string): Promise<void>;
  runCommandAndPick(title: string, label: string | RegExp, filter?: string): Promise<void>;
  runCommandUntil(title: string, shown: Locator): Promise<void>;
  reload(): Promise<void>;
  webview(): FrameLocator;
  showOutputChannel(name: string): Promise<Locator>;
  notification(text: string | RegExp): Locator;
  screenshot(name: string): Promise<string>;
}

export interface E2ETest {
  readonly name: string;
  readonly file: string;
  readonly timeoutMs: number;
  readonly body: (vs: E2E) => Promise<void>;
}

/**
 * Runs `attempt` until it succeeds, calling `recover` after each failure; past `timeoutMs` the
 * last failure is thrown. The workbench can close a palette or page under a test (a focus change,
 * a page settling), and the step is then simply tried again.
 */
export async function retrying<T>(timeoutMs: number, attempt: () => Promise<T>, recover: () => Promise<unknown>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await recover();
    }
  }
}

/** Tests registered by the *.e2e.ts files, in the order they were loaded. */
export const registeredTests: E2ETest[] = [];
/** A reload starts a new extension host; on a busy machine that alone can take minutes. */
export const RELOAD_TIMEOUT_MS = 8 * 60_000;
/** How often the browser workbench writes its state to IndexedDB when idle. */
const WORKBENCH_FLUSH_MS = 5_000;
let loadingFile = '';

/** Set by the runner before it loads each test file. */
export function setLoadingFile(file: string): void {
  loadingFile = file;
}

export function e2e(name: string, body: (vs: E2E) => Promise<void>, options: { timeoutMs?: number } = {}): void {
  registeredTests.push({ name, file: loadingFile, body, timeoutMs: options.timeoutMs ?? 6 * 60_000 });
}

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} input`;
const QUICK_ROW = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The helpers behind `vs`; one instance per test, on that test's page. */
/**
 * Clicks `button` (in a webview) that opens VS Code's save dialog (a quick input on the web), saves
 * under `file` and returns the bytes written. Files are written atomically: the file appears whole
 * under its name, or not at all.
 */
export async function saveThroughDialog(vs: E2E, button: Locator, file: string): Promise<Buffer> {
  fs.rmSync(file, { force: true });
  await button.click();
  await typeIntoFileDialog(vs, file);
  await vs.page.keyboard.press('Enter');
  const deadline = Date.now() + vs.timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} was not written`);
    await vs.page.waitForTimeout(200);
  }
  return fs.readFileSync(file);
}

/**
 * Types `target` into VS Code's open or save dialog (a quick input on the web) once the dialog is
 * ready for it. The dialog lists the folder it starts from after it opens, and when that listing
 * arrives it sets its text again (that folder, or the suggested file in it): a path typed before
 * then is overwritten.
 */
async function typeIntoFileDialog(vs: E2E, target: string): Promise<void> {
  const input = vs.page.locator(QUICK_INPUT_BOX);
  await input.waitFor({ state: 'visible', timeout: vs.timeoutMs });
  // Its listing opens with "..", the parent folder (a command palette's rows, say, do not).
  await vs.page.locator(`${QUICK_ROW} .label-name`, { hasText: /^\s*\.\.\s*$/ }).first().waitFor({ timeout: vs.timeoutMs });
  await input.fill(target);
}

/** The labels of the rows the quick input lists now. */
async function listedRows(vs: E2E): Promise<string[]> {
  return (await vs.page.locator(`${QUICK_ROW} .label-name`).allTextContents()).map((label) => label.trim());
}

/**
 * Clicks `button` (in a webview) that opens VS Code's open dialog and picks `file`. Enter takes the
 * typed path only once the dialog has made that file its active row: before, the active row is
 * still a folder of the listing, and Enter opens that folder instead.
 */
export async function openThroughDialog(vs: E2E, button: Locator, file: string): Promise<void> {
  await button.click();
  await typeIntoFileDialog(vs, file);
  await vs.page.locator(`${QUICK_ROW}.focused`, { hasText: path.basename(file) }).waitFor({ timeout: vs.timeoutMs });
  await vs.page.keyboard.press('Enter');
  await vs.page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: vs.timeoutMs });
}

/**
 * Picks `folder` in VS Code's folder dialog, already open. Typed with a trailing separator, the
 * folder is listed (its subfolders and ".."), and Enter takes it, but only once that listing has
 * replaced the one the dialog started on: Enter on the old listing picks its active row.
 */
export async function pickFolderInDialog(vs: E2E, folder: string): Promise<void> {
  const expected = ['..', ...fs.readdirSync(folder, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)].sort();
  await typeIntoFileDialog(vs, `${folder}${path.sep}`);
  const deadline = Date.now() + vs.timeoutMs;
  while (JSON.stringify((await listedRows(vs)).sort()) !== JSON.stringify(expected)) {
    if (Date.now() > deadline) throw new Error(`the folder dialog never listed ${folder}: it shows ${(await listedRows(vs)).join(', ')}`);
    await vs.page.waitForTimeout(100);
  }
  await vs.page.keyboard.press('Enter');
  await vs.page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: vs.timeoutMs });
}

export class Workbench implements E2E {
  private workspace: string | undefined;
  private workspaceCount = 0;

  constructor(
    readonly page: Page,
    private readonly server: CodeServer,
    private readonly workspacesDir: string,
    readonly timeoutMs = 180_000,
  ) {
    page.setDefaultTimeout(timeoutMs);
    page.setDefaultNavigationTimeout(timeoutMs);
  }

  async openWorkspace(files: Record<string, string>): Promise<string> {
    const folder = path.join(this.workspacesDir, `workspace-${++this.workspaceCount}`);
    fs.rmSync(folder, { recursive: true, force: true });
    fs.mkdirSync(folder, { recursive: true });
    for (const [relative, content] of Object.entries(files)) {
      const file = path.join(folder, relative);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    this.workspace = folder;
    const payload = [
      ['extensionDevelopmentPath', this.server.remoteUri(repoRoot)],
      ['skipWelcome', 'true'],
    ];
    await this.page.goto(`${this.server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`, { waitUntil: 'commit' });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: this.timeoutMs });
    if (Object.keys(files).length > 0) {
      await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: this.timeoutMs });
    }
    return folder;
  }

  async openFile(relativePath: string, select?: Selection): Promise<void> {
    const folder = this.requireWorkspace();
    const name = path.basename(relativePath);
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator(QUICK_INPUT_BOX);
    await input.waitFor({ state: 'visible', timeout: this.timeoutMs });
    await input.fill(relativePath);
    const row = this.page.locator(QUICK_ROW, { hasText: name }).first();
    await row.waitFor({ timeout: this.timeoutMs });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: this.timeoutMs });
    await this.page.locator('.editor-instance .monaco-editor.focused').waitFor({ timeout: this.timeoutMs });
    if (select !== undefined) await this.select(fs.readFileSync(path.join(folder, relativePath), 'utf8'), select);
  }

  async runCommand(title: string): Promise<void> {
    // A click that times out was never made (the palette closed under it: a focus change), so
    // opening the palette again runs the command once, not twice.
    await retrying(
      this.timeoutMs,
      async () => (await this.findCommand(title)).click({ timeout: 10_000 }),
      async () => {
        await this.page.keyboard.press('Escape');
        console.log(`    (the palette closed before "${title}" was clicked: nothing ran, opening it again)`);
      },
    );
  }

  async waitForCommand(title: string): Promise<void> {
    await this.findCommand(title);
    await this.page.keyboard.press('Escape');
  }

  /** Runs a command once and waits for `shown`: a command that shows nothing fails, however slowly. */
  async runCommandUntil(title: string, shown: Locator): Promise<void> {
    await this.runCommand(title);
    await shown.waitFor({ timeout: this.timeoutMs }).catch((error: Error) => {
      throw new Error(`"${title}" ran once and what it shows never appeared: ${error.message}`);
    });
  }

  async runCommandAndPick(title: string, label: string | RegExp, filter?: string): Promise<void> {
    await this.runCommand(title);
    if (filter !== undefined) await this.page.locator(QUICK_INPUT_BOX).fill(filter, { timeout: this.timeoutMs });
    await this.quickRow(label).click({ timeout: this.timeoutMs }).catch((error: Error) => {
      throw new Error(`"${title}" ran once and its quick pick never offered ${String(label)}: ${error.message}`);
    });
  }

  async reload(): Promise<void> {
    // The browser workbench writes its state (open editors, webview states) to IndexedDB when idle,
    // every 5 s (BrowserStorageService's BROWSER_DEFAULT_FLUSH_INTERVAL), and at unload only starts
    // that write: a reload right after the layout changed has come back with no editors at all.
    // Waiting out two intervals lets the idle write land first.
    await this.page.waitForTimeout(2 * WORKBENCH_FLUSH_MS);
    await this.page.reload({ waitUntil: 'commit' });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: RELOAD_TIMEOUT_MS });
  }

  webview(): FrameLocator {
    return this.page.locator('iframe.webview').filter({ visible: true }).last().contentFrame().frameLocator('#active-frame');
  }

  async showOutputChannel(name: string): Promise<Locator> {
    // The channel list is read when the picker opens, and a channel appears when the extension
    // creates it: reopen the picker until it lists the channel.
    await retrying(
      this.timeoutMs,
      async () => {
        await this.runCommand('Output: Show Output Channels...');
        const row = this.quickRow(name);
        await row.waitFor({ timeout: 3_000 }).catch(() => {
          throw new Error(`output channel "${name}" never appeared`);
        });
        await row.click();
      },
      () => this.page.keyboard.press('Escape'),
    );
    const lines = this.page.locator('.output-view .view-lines');
    await lines.waitFor({ timeout: this.timeoutMs });
    return lines;
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text });
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(screenshotsDir, { recursive: true });
    const file = path.join(screenshotsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  private requireWorkspace(): string {
    if (!this.workspace) throw new Error('call vs.openWorkspace(files) first: it loads the workbench');
    return this.workspace;
  }

  private quickRow(label: string | RegExp): Locator {
    const exact = typeof label === 'string' ? new RegExp(`^${escapeRegExp(label)}$`) : label;
    return this.page.locator(QUICK_ROW).filter({ has: this.page.locator('.label-name', { hasText: exact }) }).first();
  }

  /** Opens the palette until it lists `title` (contributions arrive after the workbench draws). */
  private async findCommand(title: string): Promise<Locator> {
    this.requireWorkspace();
    return retrying(
      this.timeoutMs,
      async () => {
        await this.page.keyboard.press('F1');
        const input = this.page.locator(QUICK_INPUT_BOX);
        await input.waitFor({ state: 'visible', timeout: this.timeoutMs });
        const row = this.quickRow(title);
        // The palette closes when something else takes the focus just after it opened (a
        // walkthrough page settling, say): then it is opened again.
        await input.fill(`>${title}`, { timeout: 3_000 });
        await row.waitFor({ timeout: 3_000 }).catch(() => {
          throw new Error(`command "${title}" never appeared in the command palette`);
        });
        return row;
      },
      () => this.page.keyboard.press('Escape'),
    );
  }

  /** Moves the cursor with Go to Line, then extends the selection with the keyboard. */
  private async select(content: string, selection: Selection): Promise<void> {
    const { start, end } = typeof selection === 'string' ? rangeOf(content, selection) : selection;
    const lines = content.split('\n');
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator(QUICK_INPUT_BOX);
    await input.waitFor({ state: 'visible', timeout: this.timeoutMs });
    await input.fill(`:${start[0]}:${start[1]}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: this.timeoutMs });
    const press = async (key: string, times: number) => {
      for (let i = 0; i < times; i++) await this.page.keyboard.press(key);
    };
    if (end[0] === start[0]) {
      await press('Shift+ArrowRight', graphemes(lines[start[0] - 1]!.slice(start[1] - 1, end[1] - 1)));
    } else {
      await press('Shift+ArrowDown', end[0] - start[0]);
      await this.page.keyboard.press('Shift+End');
      await press('Shift+ArrowLeft', graphemes(lines[end[0] - 1]!.slice(end[1] - 1)));
    }
    const selected = selectedLength(lines, start, end);
    await this.page.locator('#status\\.editor\\.selection', { hasText: `(${selected} selected)` }).waitFor({ timeout: this.timeoutMs });
  }
}

/** Arrow keys step over whole grapheme clusters (a surrogate pair, an emoji with modifiers). */
function graphemes(text: string): number {
  return [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].length;
}

/** The status bar counts UTF-16 code units, and one per line break. */
function selectedLength(lines: readonly string[], start: Position, end: Position): number {
  if (start[0] === end[0]) return end[1] - start[1];
  let length = lines[start[0] - 1]!.length - (start[1] - 1) + 1;
  for (let line = start[0] + 1; line < end[0]; line++) length += lines[line - 1]!.length + 1;
  return length + end[1] - 1;
}

function rangeOf(content: string, text: string): { start: Position; end: Position } {
  const offset = content.indexOf(text);
  if (offset < 0 || text.length === 0) throw new Error(`the file does not contain ${JSON.stringify(text)}`);
  const position = (at: number): Position => {
    const before = content.slice(0, at).split('\n');
    return [before.length, before[before.length - 1]!.length + 1];
  };
  return { start: position(offset), end: position(offset + text.length) };
}
