// Compiles the integration suite for the extension host: test/integration/index.ts and every
// test/integration/**/*.test.ts become out/test/integration/**/*.js (CommonJS, one bundle each).
// 'vscode' is provided by the host; mocha, onnxruntime-node and js-tiktoken are resolved at run
// time from the repo's node_modules (mocha must be the same instance index.js registers
// suite()/test() with).
// usage: node --import tsx test/harness/compileIntegration.ts
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { integrationOutDir, repoRoot } from './paths';

const sourceDir = path.join(repoRoot, 'test', 'integration');

function integrationSources(): string[] {
  const tests = (fs.readdirSync(sourceDir, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.test.ts'))
    .sort();
  return ['index.ts', ...tests];
}

/** Deletes compiled tests whose source is gone, so a removed test does not keep running. */
function removeStaleOutputs(sources: readonly string[]): void {
  if (!fs.existsSync(integrationOutDir)) return;
  const expected = new Set(sources.map((file) => file.replace(/\.ts$/, '.js')));
  for (const file of fs.readdirSync(integrationOutDir, { recursive: true }) as string[]) {
    if (file.endsWith('.js') && !expected.has(file)) fs.rmSync(path.join(integrationOutDir, file), { force: true });
  }
}

/** Returns the number of test files compiled. */
export async function compileIntegration(): Promise<number> {
  const sources = integrationSources();
  removeStaleOutputs(sources);
  await esbuild.build({
    entryPoints: sources.map((file) => path.join(sourceDir, file)),
    outbase: sourceDir,
    outdir: integrationOutDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Linked, not inline: the extension host parses every test file before the first test, and
    // inline maps doubled that (it was reported unresponsive). js-tiktoken's rank tables (the
    // independent check of token IDs) load from node_modules, as the tests need them.
    sourcemap: 'linked',
    external: ['vscode', 'mocha', 'onnxruntime-node', 'onnxruntime-web', 'js-tiktoken', 'js-tiktoken/*'],
    logLevel: 'warning',
  });
  return sources.length - 1;
}

if (require.main === module) {
  compileIntegration().then(
    (count) => console.log(`compiled index.js and ${count} integration test file(s) into ${path.relative(repoRoot, integrationOutDir)}`),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
