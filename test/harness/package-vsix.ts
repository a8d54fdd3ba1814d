// npm run package
// Builds the production bundle and packs a linux-x64 VSIX with vsce (vsce 4 needs Node >= 22: it
// runs on the provisioned Node 24). Then checks what went in against what may ship, checks the
// size, and installs the VSIX into a throwaway code-server to prove it installs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codeServerCli, freshRunFolders, type RunFolders } from './codeServer';
import { runMain } from './lifecycle';
import { node24Bin, repoRoot } from './paths';
import { node24Env, provision } from './provision';

const TARGET = 'linux-x64';
const MAX_BYTES = 30 * 1024 * 1024;

/** Every packaged path must start with one of these. */
const mayShip = [
  'package.json', 'package.nls.json', 'README.md', 'LICENSE', 'CHANGELOG.md',
  'dist/', 'walkthroughs/', 'snippets/', 'models/', 'l10n/', 'media/',
  'node_modules/onnxruntime-node/', 'node_modules/onnxruntime-common/',
];
const otherPlatformBinary = /^node_modules\/onnxruntime-node\/bin\/(?!napi-v6\/linux\/x64\/)/;

const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { cwd: repoRoot, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

function checkContents(files: readonly string[]): void {
  const unexpected = files.filter((file) => !mayShip.some((prefix) => file === prefix || file.startsWith(prefix)) || otherPlatformBinary.test(file));
  if (unexpected.length > 0) {
    throw new Error(`the VSIX would hold files that should not ship (fix .vscodeignore):\n  ${unexpected.slice(0, 40).join('\n  ')}`);
  }
  if (!files.includes('dist/extension.js')) throw new Error('the VSIX would not hold dist/extension.js');
  if (!files.some((file) => file.endsWith(`linux/x64/onnxruntime_binding.node`))) throw new Error('the VSIX would not hold the linux-x64 onnxruntime binding');
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export interface PackedVsix {
  readonly file: string;
  readonly files: number;
  readonly bytes: number;
  /** publisher.name@version, as code-server lists it once installed. */
  readonly id: string;
}

/** Packs the current dist/ into `outDir`; the contents are checked first, the size after. */
export function packVsix(outDir: string): PackedVsix {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; publisher: string; version: string };
  const contents = run(node24Bin, [vsce, 'ls'], node24Env()).split('\n').filter(Boolean);
  checkContents(contents);
  const file = path.join(outDir, `${manifest.name}-${TARGET}-${manifest.version}.vsix`);
  run(node24Bin, [vsce, 'package', '--target', TARGET, '--out', file], node24Env());
  const bytes = fs.statSync(file).size;
  if (bytes > MAX_BYTES) throw new Error(`the VSIX is ${megabytes(bytes)}, over the ${megabytes(MAX_BYTES)} limit`);
  return { file, files: contents.length, bytes, id: `${manifest.publisher}.${manifest.name}@${manifest.version}` };
}

/** Installs the VSIX with code-server's CLI into `folders` and checks that code-server lists it. */
export function installVsix(folders: RunFolders, vsix: PackedVsix): void {
  codeServerCli(folders, ['--install-extension', vsix.file, '--force']);
  const listed = codeServerCli(folders, ['--list-extensions', '--show-versions']);
  if (!listed.split('\n').some((line) => line.trim() === vsix.id)) throw new Error(`installed ${vsix.file}, but code-server lists:\n${listed}`);
}

if (require.main === module) {
  runMain(async () => {
    await provision();
    run(process.execPath, ['esbuild.config.mjs', '--production']);
    const packStarted = Date.now();
    const vsix = packVsix(repoRoot);
    console.log(`package: ${path.relative(repoRoot, vsix.file)}, ${vsix.files} files, ${megabytes(vsix.bytes)} (packed in ${((Date.now() - packStarted) / 1000).toFixed(1)} s)`);
    // Install into a throwaway code-server: proves the VSIX is well-formed and targets this platform.
    const folders = freshRunFolders('package');
    const installStarted = Date.now();
    try {
      installVsix(folders, vsix);
      console.log(`package: code-server --install-extension succeeded in ${((Date.now() - installStarted) / 1000).toFixed(1)} s (${vsix.id})`);
    } finally {
      fs.rmSync(folders.root, { recursive: true, force: true });
    }
    return 0;
  });
}
