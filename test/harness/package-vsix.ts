// npm run package [-- --target all | <target>[,<target>...]]
// Builds the production bundle and packs a VSIX per target with vsce (vsce 4 needs Node >= 22: it
// runs on the provisioned Node 24): by default this machine's, with `--target all` every platform
// of vsixTargets.ts and the universal VSIX. Each VSIX's contents are checked against what may ship
// (its own platform's native files present, every other platform's absent, the WebAssembly runtime
// in the universal one only, the model's weights once) and its size
// against the limit; then the one for this machine is installed into a throwaway code-server, to
// prove it installs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { codeServerCli, freshRunFolders, type RunFolders } from './codeServer';
import { runMain } from './lifecycle';
import { node24Bin, repoRoot } from './paths';
import { node24Env, provision } from './provision';
import { binaryPaths, hostTarget, ORT_BINARIES, parseTargets, runtimeIncludes, UNIVERSAL_TARGET, type VsixTarget, WASM_RUNTIME, WASM_RUNTIME_COMMON_JS, WASM_RUNTIME_FILES } from './vsixTargets';

/** Under 25 MiB each, with room for the panels to come (onnxruntime's linux-x64 library alone is 17 MiB of it, deflated). */
const MAX_BYTES = 25 * 1024 * 1024;

/** Every packaged path must start with one of these. */
const mayShip = [
  'package.json', 'package.nls.json', 'README.md', 'LICENSE', 'CHANGELOG.md',
  'dist/', 'walkthroughs/', 'snippets/', 'models/', 'l10n/', 'media/',
  'node_modules/onnxruntime-node/', 'node_modules/onnxruntime-common/', 'node_modules/onnxruntime-web/',
];
/** The bundled model ships its weights once: its graphs are built on first use. */
const modelGraph = /^models\/.*\.onnx$/;

const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { cwd: repoRoot, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** .vscodeignore, plus a "!" line for each of the target's runtime files (.vscodeignore itself lets none through). */
function writeIgnoreFile(target: VsixTarget, dir: string): string {
  const file = path.join(dir, `vscodeignore-${target.target}`);
  const base = fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8');
  fs.writeFileSync(file, `${base}\n# ${target.target}: its ONNX Runtime files (test/harness/vsixTargets.ts)\n${runtimeIncludes(target).map((p) => `!${p}`).join('\n')}\n`);
  return file;
}

/** The WebAssembly runtime: whole in the universal VSIX, absent from the platform ones. */
function wasmProblems(files: readonly string[], target: VsixTarget): string[] {
  const wasm = files.filter((file) => file.startsWith(`${WASM_RUNTIME}/`));
  if (target !== UNIVERSAL_TARGET) return wasm.map((file) => `${file}: the WebAssembly runtime ships in the universal VSIX only`);
  const expected = new Set(WASM_RUNTIME_FILES);
  return [
    ...wasm.filter((file) => !expected.has(file) && !(file.startsWith(WASM_RUNTIME_COMMON_JS) && file.endsWith('.js'))).map((file) => `${file}: not a file of the WebAssembly build the engine loads`),
    ...[...expected, `${WASM_RUNTIME_COMMON_JS}index.js`].filter((file) => !files.includes(file)).map((file) => `${file}: missing`),
  ];
}

export function checkContents(files: readonly string[], target: VsixTarget): void {
  const own = new Set(binaryPaths(target));
  const problems = [
    ...files.filter((file) => !mayShip.some((prefix) => file === prefix || file.startsWith(prefix))).map((file) => `${file}: not a path that may ship`),
    ...files.filter((file) => file.startsWith(`${ORT_BINARIES}/`) && !own.has(file)).map((file) => `${file}: not a ${target.target} binary the extension loads`),
    ...wasmProblems(files, target),
    ...files.filter((file) => modelGraph.test(file)).map((file) => `${file}: the bundled model ships as model.safetensors only`),
    ...[...own].filter((file) => !files.includes(file)).map((file) => `${file}: missing`),
    ...['dist/extension.js', 'dist/graphFolderWorker.js'].filter((file) => !files.includes(file)).map((file) => `${file}: missing`),
  ];
  if (problems.length > 0) throw new Error(`the ${target.target} VSIX would be wrong (fix .vscodeignore or test/harness/vsixTargets.ts):\n  ${problems.slice(0, 40).join('\n  ')}`);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

export interface PackedVsix {
  readonly file: string;
  readonly target: string;
  readonly files: number;
  readonly bytes: number;
  /** publisher.name@version, as code-server lists it once installed. */
  readonly id: string;
}

/** Packs the current dist/ for `target` into `outDir`; the contents are checked first, the size after. */
export function packVsix(outDir: string, target: VsixTarget | undefined = hostTarget()): PackedVsix {
  if (!target) throw new Error(`this machine (${process.platform}-${process.arch}) is not one of the VSIX targets`);
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; publisher: string; version: string };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-lab-vsix-'));
  try {
    const ignoreFile = writeIgnoreFile(target, scratch);
    const contents = run(node24Bin, [vsce, 'ls', '--ignoreFile', ignoreFile], node24Env()).split('\n').filter(Boolean);
    checkContents(contents, target);
    const file = path.join(outDir, `${manifest.name}-${target.target}-${manifest.version}.vsix`);
    const targetArgs = target === UNIVERSAL_TARGET ? [] : ['--target', target.target];
    run(node24Bin, [vsce, 'package', ...targetArgs, '--ignoreFile', ignoreFile, '--out', file], node24Env());
    const bytes = fs.statSync(file).size;
    if (bytes > MAX_BYTES) throw new Error(`the ${target.target} VSIX is ${megabytes(bytes)}, over the ${megabytes(MAX_BYTES)} limit`);
    return { file, target: target.target, files: contents.length, bytes, id: `${manifest.publisher}.${manifest.name}@${manifest.version}` };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Installs the VSIX with code-server's CLI into `folders` and checks that code-server lists it. */
export function installVsix(folders: RunFolders, vsix: PackedVsix): void {
  codeServerCli(folders, ['--install-extension', vsix.file, '--force']);
  const listed = codeServerCli(folders, ['--list-extensions', '--show-versions']);
  if (!listed.split('\n').some((line) => line.trim() === vsix.id)) throw new Error(`installed ${vsix.file}, but code-server lists:\n${listed}`);
}

if (require.main === module) {
  runMain(async () => {
    const { values } = parseArgs({ options: { target: { type: 'string' } } });
    const targets = parseTargets(values.target);
    await provision();
    run(process.execPath, ['esbuild.config.mjs', '--production']);
    const packed = targets.map((target) => {
      const packStarted = Date.now();
      const vsix = packVsix(repoRoot, target);
      console.log(`package: ${path.relative(repoRoot, vsix.file)}, ${vsix.files} files, ${megabytes(vsix.bytes)} (packed in ${((Date.now() - packStarted) / 1000).toFixed(1)} s)`);
      return vsix;
    });
    // Install this machine's into a throwaway code-server: proves the VSIX is well-formed and targets this platform.
    // A machine without a VSIX of its own gets the universal one, as the marketplace would serve it.
    const own = packed.find((vsix) => vsix.target === (hostTarget() ?? UNIVERSAL_TARGET).target);
    if (!own) {
      console.log(`package: no VSIX for this machine (${process.platform}-${process.arch}) was built, so none is installed`);
      return 0;
    }
    const folders = freshRunFolders('package');
    const installStarted = Date.now();
    try {
      installVsix(folders, own);
      console.log(`package: code-server --install-extension succeeded in ${((Date.now() - installStarted) / 1000).toFixed(1)} s (${own.id}, ${own.target})`);
    } finally {
      fs.rmSync(folders.root, { recursive: true, force: true });
    }
    return 0;
  });
}
