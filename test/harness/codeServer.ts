// Starts and stops code-server (VS Code's workbench and its Node extension host) in an isolated run
// folder under .harness/, bound to 127.0.0.1 on a free port. Nothing is written to ~/.config.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { codeServerEntry, harnessDir, node24Bin } from './paths';
import { node24Env } from './provision';

/** Settings for a quiet, offline, deterministic workbench. */
export const quietSettings: Record<string, unknown> = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'github.gitAuthentication': false,
  'editor.wordWrap': 'off',
  'window.restoreWindows': 'none',
};

/** The folders one code-server instance uses; all of them live inside `root`. */
export interface RunFolders {
  readonly root: string;
  readonly config: string;
  readonly userData: string;
  readonly extensions: string;
  readonly xdg: string;
}

export function runFolders(root: string): RunFolders {
  return {
    root,
    config: path.join(root, 'config.yaml'),
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    xdg: path.join(root, 'xdg'),
  };
}

/**
 * A fresh run folder .harness/run-<name>-<pid>. Folders of finished runs are kept when they
 * failed (for their logs) and deleted here once they are an hour old.
 */
export function freshRunFolders(name: string): RunFolders {
  removeOldRunFolders();
  const root = path.join(harnessDir, `run-${name}-${process.pid}`);
  fs.rmSync(root, { recursive: true, force: true });
  return runFolders(root);
}

function removeOldRunFolders(): void {
  if (!fs.existsSync(harnessDir)) return;
  const hourAgo = Date.now() - 60 * 60_000;
  for (const entry of fs.readdirSync(harnessDir)) {
    const pid = Number(/^run-.+-(\d+)$/.exec(entry)?.[1]);
    if (!pid || isRunning(pid)) continue;
    const folder = path.join(harnessDir, entry);
    if (fs.statSync(folder).mtimeMs < hourAgo) fs.rmSync(folder, { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Node 24 environment with XDG_* inside the run folder, so code-server writes nothing in ~. */
function serverEnv(folders: RunFolders, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return node24Env({
    ...process.env,
    XDG_CONFIG_HOME: path.join(folders.xdg, 'config'),
    XDG_DATA_HOME: path.join(folders.xdg, 'data'),
    XDG_CACHE_HOME: path.join(folders.xdg, 'cache'),
    XDG_STATE_HOME: path.join(folders.xdg, 'state'),
    TMPDIR: path.join(folders.root, 'tmp'),
    ...extra,
  });
}

function prepare(folders: RunFolders, settings: Record<string, unknown>): void {
  for (const dir of [folders.userData, folders.extensions, folders.xdg, path.join(folders.root, 'tmp')]) fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(path.join(folders.userData, 'User'), { recursive: true });
  fs.writeFileSync(folders.config, 'auth: none\ncert: false\n');
  fs.writeFileSync(path.join(folders.userData, 'User', 'settings.json'), JSON.stringify({ ...quietSettings, ...settings }, null, 2));
}

/** Runs the code-server CLI (e.g. --install-extension) against a run folder's extensions; returns its output. */
export function codeServerCli(folders: RunFolders, args: readonly string[]): string {
  prepare(folders, {});
  const result = spawnSync(
    node24Bin,
    [codeServerEntry, '--config', folders.config, '--user-data-dir', folders.userData, '--extensions-dir', folders.extensions, ...args],
    { encoding: 'utf8', env: serverEnv(folders, {}) },
  );
  if (result.status !== 0) throw new Error(`code-server ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  return result.stdout + result.stderr;
}

/** A free TCP port on 127.0.0.1, as the kernel hands one out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  readonly folders: RunFolders;
  /** Settings merged over quietSettings into the user's settings.json. */
  readonly settings?: Record<string, unknown>;
  /** Extra environment for the server; the extension host inherits it. */
  readonly env?: NodeJS.ProcessEnv;
  readonly port?: number;
  /** Give up when /healthz does not answer within this time. */
  readonly readyTimeoutMs?: number;
  /** Workspace Trust on (by default it is off: every folder is trusted). */
  readonly workspaceTrust?: boolean;
}

export interface CodeServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly folders: RunFolders;
  readonly logFile: string;
  /** Settles with the exit code when the server process ends. */
  readonly exited: Promise<number | null>;
  /** `vscode-remote://127.0.0.1:PORT/abs/path`: how the web workbench names a path on the server. */
  remoteUri(absolutePath: string): string;
  /** Stops the server and everything it started; `removeFolders` also deletes the run folder. */
  stop(removeFolders?: boolean): Promise<void>;
}

export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  const { folders } = options;
  prepare(folders, options.settings ?? {});
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(folders.root, 'server.log');
  const log = fs.openSync(logFile, 'w');
  // detached: the server leads its own process group, so stop() reaches the extension host,
  // the pty host and the file watchers it forks, and nothing else.
  const child = spawn(
    node24Bin,
    [
      codeServerEntry,
      '--config', folders.config,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
      '--user-data-dir', folders.userData,
      '--extensions-dir', folders.extensions,
      // A built workbench reads the URL's `payload` (extensionDevelopmentPath, extensionTestsPath)
      // only with the smoke-test driver enabled.
      '--vscode-option', 'enable-smoke-test-driver',
    ],
    { env: serverEnv(folders, options.env ?? {}), stdio: ['ignore', log, log], detached: true },
  );
  fs.closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const server: CodeServer = {
    url,
    folders,
    logFile,
    exited,
    remoteUri: (absolutePath) => `vscode-remote://127.0.0.1:${port}${absolutePath}`,
    stop: (removeFolders = false) => stopServer(child, exited, folders, removeFolders),
  };
  try {
    await waitUntilHealthy(url, exited, options.readyTimeoutMs ?? 120_000);
  } catch (error) {
    await server.stop();
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    throw new Error(`${(error as Error).message}\n--- ${logFile} ---\n${tail}`);
  }
  return server;
}

async function waitUntilHealthy(url: string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`code-server exited with code ${exitCode} before it listened on ${url}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s`);
}

async function stopServer(child: ChildProcess, exited: Promise<number | null>, folders: RunFolders, removeFolders: boolean): Promise<void> {
  const group = child.pid;
  if (group !== undefined) {
    // SIGTERM to the leader first: code-server shuts its VS Code server down, which ends the
    // extension host cleanly (it removes its IPC socket from /tmp). Whatever is left then gets SIGKILL.
    if (child.exitCode === null && child.signalCode === null) {
      signal(group, 'SIGTERM');
      await Promise.race([exited, delay(10_000)]);
    }
    for (let waited = 0; groupAlive(group) && waited < 5_000; waited += 250) await delay(250);
    signal(-group, 'SIGKILL');
  }
  if (removeFolders) fs.rmSync(folders.root, { recursive: true, force: true });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends a signal to a process (pid > 0) or a process group (pid < 0) that may already be gone. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
