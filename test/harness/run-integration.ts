// npm run test:integration [-- --grep REGEX]
// Runs the mocha suite in test/integration inside code-server's real Node extension host,
// with this repository loaded as the extension under development.
//
// How: the web workbench reads extensionDevelopmentPath and extensionTestsPath from the URL's
// `payload` parameter (as vscode-remote:// URIs). When the suite ends it calls
// window.codeAutomationExit(code); the extension host's console arrives through
// window.codeAutomationLog. Both are exposed to the page by playwright.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { GRANT_TRUST_REQUEST, SUMMARY_PREFIX } from '../integration/index';
import { launchBrowser } from './browser';
import { freshRunFolders, startCodeServer } from './codeServer';
import { compileIntegration } from './compileIntegration';
import { atExit, requireBuiltExtension, runMain } from './lifecycle';
import { integrationOutDir, repoRoot } from './paths';
import { provision } from './provision';


interface MochaSummary {
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
  readonly tests: number;
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** What the workbench itself logs while it starts offline: not the suite's output (VERBOSE=1 shows it). */
const workbenchNoise = new RegExp([
  'open-vsx\\.org', 'gallery', 'marketplace', 'authentication provider', 'Failed to fetch', 'ERR_NAME_NOT_RESOLVED',
  'connection token', 'Creating a socket', 'reconnection-grace-time', 'Creation of workbench contribution',
  'AccountPolicyGate', 'AgentHost', 'Service Worker', 'additional builtin extensions cache',
].join('|'), 'i');

function printExtensionHostLog(type: string, args: unknown): void {
  const text = (Array.isArray(args) ? args.map(String).join(' ') : String(args))
    // drop the workbench's own stack frames, keep those of the extension host
    .split('\n').filter((line) => !/^\s+at .*(https?:\/\/|<anonymous>)/.test(line)).join('\n');
  if (!process.env.VERBOSE && workbenchNoise.test(text)) return;
  const stamp = process.env.VERBOSE ? `${(process.uptime()).toFixed(1)}s ` : '';
  console.log(stamp + (type === 'log' || type === 'info' ? text : `[${type}] ${text}`));
}

/** Workspace Trust on; the run's folder is in no trusted list, and no prompt asks about it. */
const UNTRUSTED_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
  'security.workspace.trust.untrustedFiles': 'open',
};

/**
 * Presses Trust in the Workspace Trust editor, which the requesting test opened (Workspaces: Manage
 * Workspace Trust). The test sees the grant through onDidGrantWorkspaceTrust; a failure here is
 * printed, and the test then fails waiting for it.
 */
async function grantWorkspaceTrust(page: Page): Promise<void> {
  const buttons = page.locator('.workspace-trust-editor .workspace-trust-buttons-row .monaco-button');
  try {
    await buttons.filter({ hasText: /^Trust$/ }).click({ timeout: 60_000 });
  } catch (error) {
    const shown = await buttons.allTextContents().catch(() => []);
    console.error(`integration: could not press Trust in the Workspace Trust editor (its buttons: ${JSON.stringify(shown)}): ${(error as Error).message}`);
  }
}

runMain(async () => {
  const grep = argument('--grep');
  // --untrusted: Workspace Trust on, and the folder opened without the trust prompt, so in
  // Restricted Mode; only the *.untrusted.test.ts files run (and only there).
  const untrusted = process.argv.includes('--untrusted');
  const timeoutMs = Number(process.env.INTEGRATION_TIMEOUT_MS ?? 20 * 60_000);
  await provision();
  requireBuiltExtension();
  const files = await compileIntegration();
  console.log(`integration: ${files} test file(s) compiled into ${path.relative(repoRoot, integrationOutDir)}`);

  const folders = freshRunFolders('integration');
  const workspace = path.join(folders.root, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  // The tests find the extension's global storage (where a RAG index is kept) under the user data folder.
  const server = await startCodeServer({
    folders,
    env: { LLM_LAB_TEST_USER_DATA: folders.userData, ...(grep ? { LLM_LAB_TEST_GREP: grep } : {}), ...(untrusted ? { LLM_LAB_TEST_UNTRUSTED: '1' } : {}) },
    ...(untrusted ? { workspaceTrust: true, settings: UNTRUSTED_SETTINGS } : {}),
  });
  let passed = false;
  atExit(() => server.stop(passed && !process.env.KEEP_RUN));
  const browser = await launchBrowser();
  atExit(() => browser.close());
  const { page } = browser;

  let summary: MochaSummary | undefined;
  let exitWith: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (exitWith = resolve));
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
    const text = Array.isArray(args) ? args.map(String).join(' ') : String(args);
    if (text.startsWith(SUMMARY_PREFIX)) summary = JSON.parse(text.slice(SUMMARY_PREFIX.length)) as MochaSummary;
    else if (untrusted && text === GRANT_TRUST_REQUEST) void grantWorkspaceTrust(page);
    else printExtensionHostLog(type, args);
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => exitWith(code));
  if (process.env.VERBOSE) page.on('pageerror', (error) => console.log(`[pageerror] ${error.message}`));

  const payload = [
    ['extensionDevelopmentPath', server.remoteUri(repoRoot)],
    ['extensionTestsPath', server.remoteUri(integrationOutDir)],
    ['skipWelcome', 'true'],
  ];
  const started = Date.now();
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`, { waitUntil: 'commit', timeout: timeoutMs });
  const timedOut = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
  const code = await Promise.race([exited, timedOut]);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);

  if (code === 'timeout') {
    console.error(`integration: the suite did not finish within ${timeoutMs / 1000} s; server log: ${server.logFile}`);
    return 1;
  }
  if (!summary) {
    console.error(`integration: the suite ended (exit code ${code}) before mocha reported; server log: ${server.logFile}`);
    return 1;
  }
  passed = code === 0 && summary.failures === 0;
  if (!passed) console.error(`integration: server log kept at ${server.logFile}`);
  console.log(`integration finished in ${seconds} s (page load to exit code)`);
  const skipped = summary.pending ? `, ${summary.pending} skipped` : '';
  console.log(`integration: ${summary.passes} passed, ${summary.failures} failed${skipped}`);
  return passed ? 0 : 1;
});
