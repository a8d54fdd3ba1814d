// Where a worker's entry point is, for callers outside the extension (the CLI, tests, benches):
// beside the running bundle (dist/<name>.js) when this code runs bundled, else the TypeScript
// source started through tsx, by a small .js file written to the temp folder that loads tsx first.
// The extension itself passes dist/<name>.js from its own folder.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * `bundle`: the esbuild entry name (dist/<bundle>.js); `source`: the entry's path under
 * extension/engine, e.g. 'tokenizer/tokenizerWorker.ts'.
 */
export function workerScript(bundle: string, source: string): string {
  const bundled = path.join(__dirname, `${bundle}.js`);
  if (__filename.endsWith('.js') && fs.existsSync(bundled)) return bundled;
  const entry = path.resolve(__dirname, '..', source);
  const dir = path.join(os.tmpdir(), `llm-pipeline-lab-workers-${process.getuid?.() ?? 'user'}`);
  fs.mkdirSync(dir, { recursive: true });
  const shim = path.join(dir, `${bundle}-${Buffer.from(entry).toString('base64url').slice(-24)}.js`);
  const text = `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(entry)});\n`;
  if (!fs.existsSync(shim) || fs.readFileSync(shim, 'utf8') !== text) fs.writeFileSync(shim, text);
  return shim;
}
