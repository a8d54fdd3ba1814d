// @vscode/test-cli configuration, for contributors whose machine can download VS Code:
//   npm run build && npx vscode-test
// It runs the same compiled integration tests (out/test/integration/**/*.test.js, TDD interface)
// in VS Code desktop through @vscode/test-electron. Offline, and in CI, `npm run test:integration`
// runs them in code-server instead (test/harness/run-integration.ts).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defineConfig } from '@vscode/test-cli';

// Compile test/integration/**/*.test.ts with the harness's esbuild step before the run.
execFileSync(process.execPath, ['--import', 'tsx', 'test/harness/compileIntegration.ts'], { stdio: 'inherit' });

export default defineConfig({
  files: 'out/test/integration/**/*.test.js',
  extensionDevelopmentPath: '.',
  // Tests may write fixtures into the first workspace folder, as they do under code-server.
  workspaceFolder: fs.mkdtempSync(path.join(os.tmpdir(), 'llm-lab-integration-')),
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'tdd', timeout: 120_000 },
});
