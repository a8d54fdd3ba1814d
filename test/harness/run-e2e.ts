// npm run test:e2e [-- NAME]
// Runs every test/e2e/*.e2e.ts (or those whose file name contains NAME) against one code-server,
// each test in a fresh headless Chromium. The helpers the tests use are in test/e2e/framework.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Workbench, registeredTests, setLoadingFile, type E2ETest } from '../e2e/framework';
import { launchBrowser } from './browser';
import { freshRunFolders, startCodeServer, type CodeServer } from './codeServer';
import { atExit, requireBuiltExtension, runMain } from './lifecycle';
import { repoRoot } from './paths';
import { provision } from './provision';

const e2eDir = path.join(repoRoot, 'test', 'e2e');

function loadTests(filter: string | undefined): void {
  const files = fs.readdirSync(e2eDir)
    .filter((file) => file.endsWith('.e2e.ts') && (!filter || file.includes(filter)))
    .sort();
  for (const file of files) {
    setLoadingFile(file);
    require(path.join(e2eDir, file));
  }
}

function timeout(ms: number, name: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`"${name}" did not finish within ${ms / 1000} s`)), ms).unref());
}

/** Runs one test in its own browser; returns whether it passed. */
async function runTest(test: E2ETest, server: CodeServer, slot: string): Promise<boolean> {
  const browser = await launchBrowser();
  atExit(() => browser.close());
  if (process.env.VERBOSE) browser.page.on('pageerror', (error) => console.log(`    [pageerror] ${error.message}`));
  const workspaces = path.join(server.folders.root, 'workspaces', `test-${slot}`);
  const vs = new Workbench(browser.page, server, workspaces);
  const started = Date.now();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
  try {
    await Promise.race([test.body(vs), timeout(test.timeoutMs, test.name)]);
    console.log(`  ✔ ${test.name} (${seconds()} s)`);
    return true;
  } catch (error) {
    console.log(`  ✘ ${test.name} (${seconds()} s)\n    ${((error as Error).stack ?? String(error)).replace(/\n/g, '\n    ')}`);
    const shot = await vs.screenshot(`${test.name}-failure`).catch(() => undefined);
    if (shot) console.log(`    screenshot: ${path.relative(repoRoot, shot)}`);
    return false;
  } finally {
    await browser.close();
  }
}

runMain(async () => {
  const filter = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
  await provision();
  requireBuiltExtension();
  loadTests(filter);
  if (registeredTests.length === 0) {
    console.error(`e2e: no tests found in test/e2e/*.e2e.ts${filter ? ` matching "${filter}"` : ''}`);
    return 1;
  }
  const folders = freshRunFolders('e2e');
  const serverStarted = Date.now();
  const server = await startCodeServer({ folders });
  let failed = 0;
  atExit(() => server.stop(failed === 0 && !process.env.KEEP_RUN));
  console.log(`e2e: code-server listening on ${server.url} after ${((Date.now() - serverStarted) / 1000).toFixed(1)} s`);

  // A workbench test that fails is run once more in a fresh browser, and both attempts are
  // printed. On a developer's loaded machine a second-run pass counts, named in the summary; in CI
  // (CI=true) it fails the run: a test that needs a second attempt hides a race, and a race is a bug.
  const inCi = process.env.CI === 'true';
  let passed = 0;
  const flaky: string[] = [];
  let currentFile = '';
  for (const [index, test] of registeredTests.entries()) {
    if (test.file !== currentFile) console.log(`\n${(currentFile = test.file)}`);
    let ok = await runTest(test, server, String(index));
    if (!ok) {
      console.log(`  ↻ running "${test.name}" once more (attempt 2 of 2; attempt 1 is above)`);
      ok = await runTest(test, server, `${index}-again`);
      if (ok) flaky.push(test.name);
      if (ok && inCi) ok = false;
    }
    if (ok) passed++;
    else failed++;
  }
  if (flaky.length > 0) {
    const names = flaky.map((name) => `"${name}"`).join(', ');
    console.log(inCi ? `\ne2e: failed in CI because they passed only on a second attempt (both attempts above): ${names}` : `\ne2e: passed only on a second run: ${names}`);
  }
  if (failed > 0) console.log(`\ne2e: server log kept at ${server.logFile}`);
  console.log(`\ne2e: ${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
});
