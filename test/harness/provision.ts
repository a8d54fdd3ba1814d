// Installs the offline "real VS Code" into .harness/: Node 24 and code-server, both from the npm
// registry, the tests' sentence-embedding model (embeddingModel.ts) and the Python package the
// snippet tests import (pythonPackages.ts). Done once; later runs
// find the stamp file and return at once.
// usage: node --import tsx test/harness/provision.ts   (npm run provision)
//
// code-server's postinstall compiles native modules (node-pty, sqlite3, spdlog, kerberos,
// @parcel/watcher) from source. That needs Debian's libkrb5-dev, and npm_config_nodedir pointing
// at Node 24's headers: the machine's npmrc says nodedir=/usr, which holds Node 20's.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasEmbeddingModel, provisionEmbeddingModel } from './embeddingModel';
import { hasPythonPackages, provisionPythonPackages } from './pythonPackages';
import {
  CODE_SERVER_VERSION,
  NODE24_PACKAGE,
  NODE24_VERSION,
  codeServerEntry,
  harnessDir,
  node24Bin,
  node24Dir,
  provisionStamp,
} from './paths';

interface Stamp {
  readonly node: string;
  readonly codeServer: string;
}

const wanted: Stamp = { node: NODE24_VERSION, codeServer: CODE_SERVER_VERSION };

function isProvisioned(): boolean {
  try {
    const stamp = JSON.parse(fs.readFileSync(provisionStamp, 'utf8')) as Stamp;
    return stamp.node === wanted.node && stamp.codeServer === wanted.codeServer
      && fs.existsSync(node24Bin) && fs.existsSync(codeServerEntry);
  } catch {
    return false;
  }
}

/**
 * Environment for anything that must run on Node 24: code-server, its postinstall, vsce.
 * Variables an outer `npm run` sets (npm_config_user_agent names Node 20, which code-server's
 * postinstall rejects; npm_node_execpath, NODE) are dropped, so the inner npm describes itself.
 */
export function node24Env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(base).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE' && name !== 'INIT_CWD'),
  );
  return {
    ...env,
    PATH: `${path.dirname(node24Bin)}:${base.PATH ?? ''}`,
    npm_config_nodedir: node24Dir,
  };
}

function npmInstall(folder: string, spec: string, env: NodeJS.ProcessEnv, logFile: string): void {
  fs.mkdirSync(folder, { recursive: true });
  const manifest = path.join(folder, 'package.json');
  if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, '{ "private": true }\n');
  const log = fs.openSync(logFile, 'w');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', spec], {
    cwd: folder,
    env,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  if (result.status !== 0) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    throw new Error(`npm install ${spec} failed (exit ${result.status}); log: ${logFile}\n${tail}`);
  }
}

/** Holds an exclusive lock (a directory, created atomically) while `work` runs; waits for another holder. */
async function withLock<T>(work: () => T): Promise<T> {
  const lock = path.join(harnessDir, 'provision.lock');
  fs.mkdirSync(harnessDir, { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      const holder = Number(fs.readFileSync(path.join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }));
      if (holder && !isAlive(holder)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      console.log(`provision: waiting for process ${holder || '?'} to finish provisioning`);
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Makes sure Node 24, code-server, the tests' embedding model and Python packages are under .harness/; returns quickly when they are. */
export async function provision(): Promise<void> {
  if (isProvisioned() && hasEmbeddingModel() && hasPythonPackages()) return;
  await withLock(() => {
    provisionEmbeddingModel();
    provisionPythonPackages();
    if (isProvisioned()) return;
    const started = Date.now();
    fs.rmSync(provisionStamp, { force: true });
    console.log(`provision: installing ${NODE24_PACKAGE}@${NODE24_VERSION} and code-server@${CODE_SERVER_VERSION} into .harness/ (a few minutes, once)`);
    npmInstall(path.join(harnessDir, 'node24'), `${NODE24_PACKAGE}@${NODE24_VERSION}`, process.env, path.join(harnessDir, 'node24-install.log'));
    if (!fs.existsSync(path.join(node24Dir, 'include', 'node', 'node_api.h'))) {
      throw new Error(`provision: ${node24Dir} has no include/node/node_api.h; native modules cannot be compiled`);
    }
    // npm's shebang finds `node` on PATH, so code-server's postinstall sees Node 24 in npm's user agent.
    npmInstall(path.join(harnessDir, 'code-server'), `code-server@${CODE_SERVER_VERSION}`, node24Env(), path.join(harnessDir, 'code-server-install.log'));
    // code-server writes a default config on any start: keep it out of ~/.config.
    const scratch = path.join(harnessDir, 'provision-check');
    const version = spawnSync(node24Bin, [codeServerEntry, '--version'], {
      encoding: 'utf8',
      env: node24Env({ ...process.env, XDG_CONFIG_HOME: path.join(scratch, 'config'), XDG_DATA_HOME: path.join(scratch, 'data') }),
    });
    fs.rmSync(scratch, { recursive: true, force: true });
    if (version.status !== 0) throw new Error(`provision: code-server does not start:\n${version.stderr}`);
    const temp = `${provisionStamp}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(wanted) + '\n');
    fs.renameSync(temp, provisionStamp);
    console.log(`provision: done in ${((Date.now() - started) / 1000).toFixed(0)} s (${version.stdout.trim().split('\n').pop()})`);
  });
}

if (require.main === module) {
  provision().then(
    () => console.log('provision: Node 24 and code-server are ready in .harness/'),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
