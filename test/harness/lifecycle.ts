// Runs a harness entry point so that its servers and browsers are stopped however it ends:
// normally, by an error, or by Ctrl+C / SIGTERM.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths';

const cleanups: Array<() => Promise<void>> = [];

/** Registers work to do before the process exits; run last-registered first. */
export function atExit(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

async function finish(code: number): Promise<never> {
  while (cleanups.length) await cleanups.pop()?.().catch((error: Error) => console.error(`cleanup: ${error.message}`));
  process.exit(code);
}

/** Runs `body`, whose result is the exit code; an exception prints its message and exits 1. */
export function runMain(body: () => Promise<number>): void {
  process.once('SIGINT', () => void finish(130));
  process.once('SIGTERM', () => void finish(143));
  body().then(
    (code) => finish(code),
    (error: Error) => {
      console.error(error.stack ?? error.message);
      return finish(1);
    },
  );
}

/** Fails early when the extension is not built; warns when a source is newer than the bundle. */
export function requireBuiltExtension(): void {
  const bundle = path.join(repoRoot, 'dist', 'extension.js');
  if (!fs.existsSync(bundle)) throw new Error('dist/extension.js is missing: run `npm run build` first');
  const built = fs.statSync(bundle).mtimeMs;
  const newer = (fs.readdirSync(path.join(repoRoot, 'extension'), { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts'))
    .find((file) => fs.statSync(path.join(repoRoot, 'extension', file)).mtimeMs > built);
  if (newer) console.warn(`warning: extension/${newer} is newer than dist/extension.js; run \`npm run build\` to test it`);
}
