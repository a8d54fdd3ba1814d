// A worker entry point run from source: the bundled dist/<name>.js is the same file compiled; from
// source it loads through tsx, so tests and benches start it the way the extension does (fork).
import * as fs from 'node:fs';
import * as path from 'node:path';

const projectRoot = path.resolve(__dirname, '..', '..');

/** Writes `<dir>/<name>.js`, which runs `entry` (relative to the project root) through tsx; returns its path. */
export function tsxWorkerScript(dir: string, name: string, entry: string): string {
  const script = path.join(dir, `${name}.js`);
  fs.writeFileSync(script, `require(${JSON.stringify(require.resolve('tsx/cjs', { paths: [projectRoot] }))});\nrequire(${JSON.stringify(path.join(projectRoot, entry))});\n`);
  return script;
}
