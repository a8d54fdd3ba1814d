// Bundles the extension host code (Node, CommonJS) and each webview (browser, ESM).
// usage: node esbuild.config.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Node entry points: the extension, worker threads and the engine CLI.
const nodeEntries = {
  extension: 'extension/extension.ts',
  ...(existsSync('extension/engine/cli/main.ts') ? { cli: 'extension/engine/cli/main.ts' } : {}),
  ...(existsSync('extension/engine/train/worker.ts') ? { trainWorker: 'extension/engine/train/worker.ts' } : {}),
  ragWorker: 'extension/engine/rag/indexWorker.ts',
  inferenceWorker: 'extension/engine/inference/inferenceWorker.ts',
  tokenizerWorker: 'extension/engine/tokenizer/tokenizerWorker.ts',
  evalWorker: 'extension/engine/eval/evalWorker.ts',
  serveWorker: 'extension/engine/serve/serveWorker.ts',
  quantizeWorker: 'extension/engine/quantize/labWorker.ts',
  loraWorker: 'extension/engine/lora/loraWorker.ts',
  graphFolderWorker: 'extension/engine/modelFolder/graphFolderWorker.ts',
};

// Every webviews/<name>/main.ts becomes dist/webviews/<name>.js.
const webviewEntries = Object.fromEntries(
  readdirSync('webviews', { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`webviews/${d.name}/main.ts`))
    .map((d) => [d.name, `webviews/${d.name}/main.ts`]),
);

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'info' };

// js-tiktoken's rank tables are 4 MB of text (1.9 MB of the VSIX, deflated). They ship beside the
// bundle compressed with brotli instead (dist/ranks/<name>.json.br, 1.5 MB), written once per
// js-tiktoken version, and are read when a built-in tokenizer is asked for.
const brotliTiktokenRanks = {
  name: 'brotli-tiktoken-ranks',
  setup(build) {
    build.onResolve({ filter: /^js-tiktoken\/ranks\/\w+$/ }, (args) => ({ path: args.path.split('/').pop(), namespace: 'tiktoken-ranks' }));
    build.onLoad({ filter: /.*/, namespace: 'tiktoken-ranks' }, async ({ path: name }) => {
      const file = `dist/ranks/${name}.json.br`;
      if (!existsSync(file) || statSync(file).mtimeMs < statSync('node_modules/js-tiktoken/package.json').mtimeMs) {
        const { default: ranks } = await import(`js-tiktoken/ranks/${name}`);
        const params = { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24 };
        mkdirSync('dist/ranks', { recursive: true });
        writeFileSync(file, brotliCompressSync(JSON.stringify(ranks), { params }));
      }
      const contents = `import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
export default JSON.parse(brotliDecompressSync(readFileSync(join(__dirname, 'ranks', ${JSON.stringify(`${name}.json.br`)}))).toString('utf8'));`;
      return { contents, loader: 'js', resolveDir: process.cwd() };
    });
  },
};

// `import * as vscode from 'vscode'` in a CommonJS bundle gives each importing module its own copy
// of the API object's 200 properties (esbuild's interop helper __toESM): some 80 copies before
// activate() could run, the largest part of the start-up. The API comes through one ES module
// instead, which reads each name once (the names @types/vscode declares); every module shares it.
const vscodeApiOnce = {
  name: 'vscode-api-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-api' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-api' },
    );
    build.onLoad({ filter: /.*/, namespace: 'vscode-api' }, () => {
      const types = readFileSync('node_modules/@types/vscode/index.d.ts', 'utf8');
      const names = new Set([...types.matchAll(/^\texport (?:namespace|class|enum|function|const|let|var) (\w+)/gm)].map((m) => m[1]));
      const contents = `const api = require('vscode');\n${[...names].map((name) => `export const ${name} = api.${name};`).join('\n')}\n`;
      return { contents, loader: 'js', resolveDir: process.cwd() };
    });
  },
};

const builds = [
  {
    ...common,
    entryPoints: nodeEntries,
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // vscode is provided by the host; onnxruntime-node carries native binaries and ships in node_modules.
    // tsx/cjs is only looked up when the engine runs from source (workers/workerScript.ts), never bundled.
    external: ['vscode', 'onnxruntime-node', 'tsx/cjs'],
    // jsonc-parser's "main" is a UMD build whose require() calls esbuild cannot follow; its ESM build bundles.
    alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
    plugins: [brotliTiktokenRanks, vscodeApiOnce],
  },
  {
    ...common,
    entryPoints: webviewEntries,
    outdir: 'dist/webviews',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  },
];

// The PyTorch training script that "Export Training Run to PyTorch" writes is read beside the bundle.
mkdirSync('dist', { recursive: true });
copyFileSync('extension/engine/pytorchExport/train_gpt2.py', 'dist/train_gpt2.py');

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
