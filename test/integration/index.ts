// Mocha bootstrap that VS Code loads inside the real extension host (the workbench's
// extensionTestsPath points at the folder holding this file, compiled). It runs every
// *.test.js beside it with the TDD interface: suite(), test(), suiteSetup(), setup(), teardown().
//
// Environment, read from the extension host:
//   LLM_LAB_TEST_GREP       only tests whose full title matches this regular expression
//   LLM_LAB_TEST_UNTRUSTED  set: the window is in Restricted Mode; only *.untrusted.test.js run
//                           (unset: those are left out, the others run)
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';

/** Printed as the last line of a run; test/harness/run-integration.ts reads the counts from it. */
export const SUMMARY_PREFIX = 'MOCHA_SUMMARY ';
/**
 * Printed by a test of the untrusted tier that needs the workspace trusted while it runs: the
 * harness then presses Trust in the Workspace Trust editor, as a user would (an extension has no
 * API that grants trust).
 */
export const GRANT_TRUST_REQUEST = 'GRANT_WORKSPACE_TRUST';

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  }).sort();
}

export function run(): Promise<void> {
  // The web workbench forwards the extension host's console without printf expansion,
  // so the reporter's format strings ("%d passing") are expanded here.
  const log = console.log.bind(console);
  (Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void }).consoleLog = (...args) => log(util.format(...args));
  const grep = process.env.LLM_LAB_TEST_GREP;
  const mocha = new Mocha({ ui: 'tdd', reporter: 'spec', color: false, timeout: 120_000, ...(grep ? { grep: new RegExp(grep) } : {}) });
  const untrusted = process.env.LLM_LAB_TEST_UNTRUSTED === '1';
  for (const file of testFiles(__dirname)) if (file.endsWith('.untrusted.test.js') === untrusted) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const { passes = 0, pending = 0, tests = 0, duration = 0 } = runner.stats ?? {};
      log(SUMMARY_PREFIX + JSON.stringify({ passes, failures, pending, tests, duration, node: process.version }));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
