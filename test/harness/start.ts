// npm start [-- FOLDER]
// Builds the extension, packs it as a VSIX and installs it into the provisioned code-server
// (code-server --install-extension, as a user would), then serves VS Code on 127.0.0.1 with
// FOLDER open (by default a sample folder) until Ctrl+C. Its state lives in .harness/start/.
//
// The walkthrough opens by itself: the sample folder's .vscode/tasks.json holds a task that runs
// when the folder opens, and its `command` input runs workbench.action.openWalkthrough.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { freePort, runFolders, startCodeServer } from './codeServer';
import { atExit, runMain } from './lifecycle';
import { installVsix, packVsix } from './package-vsix';
import { harnessDir, repoRoot } from './paths';
import { provision } from './provision';

const WALKTHROUGH = 'llm-pipeline-lab.llm-pipeline-lab#llmPipeline.eightSteps';
const PREFERRED_PORT = Number(process.env.PORT ?? 8080);

function contributesWalkthrough(): boolean {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    contributes?: { walkthroughs?: Array<{ id: string }> };
  };
  return (manifest.contributes?.walkthroughs ?? []).some((w) => `llm-pipeline-lab.llm-pipeline-lab#${w.id}` === WALKTHROUGH);
}

/** The sample folder: the walkthrough's sample files, and the task that opens the walkthrough. */
function sampleWorkspace(openWalkthrough: boolean): string {
  const folder = path.join(harnessDir, 'start', 'workspace');
  fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  const samples = path.join(repoRoot, 'walkthroughs', 'samples');
  if (fs.existsSync(samples)) {
    for (const file of fs.readdirSync(samples)) {
      const target = path.join(folder, file);
      if (!fs.existsSync(target)) fs.copyFileSync(path.join(samples, file), target);
    }
  }
  const tasksFile = path.join(folder, '.vscode', 'tasks.json');
  if (!openWalkthrough) {
    fs.rmSync(tasksFile, { force: true });
    return folder;
  }
  // Resolving the input runs the command; the command returns nothing, so the task itself is
  // cancelled and no terminal opens.
  const tasks = {
    version: '2.0.0',
    tasks: [{
      label: 'Open the LLM Pipeline walkthrough',
      type: 'shell',
      command: 'echo ${input:openWalkthrough}',
      runOptions: { runOn: 'folderOpen' },
      presentation: { reveal: 'never' },
    }],
    inputs: [{ id: 'openWalkthrough', type: 'command', command: 'workbench.action.openWalkthrough', args: WALKTHROUGH }],
  };
  fs.writeFileSync(tasksFile, JSON.stringify(tasks, null, 2) + '\n');
  return folder;
}

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

runMain(async () => {
  const folderArgument = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
  await provision();
  const build = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed');

  const folders = runFolders(path.join(harnessDir, 'start'));
  const packDir = path.join(folders.root, 'vsix');
  fs.mkdirSync(packDir, { recursive: true });
  const vsix = packVsix(packDir);
  installVsix(folders, vsix);
  console.log(`start: installed ${vsix.id} from ${path.relative(repoRoot, vsix.file)}`);

  const walkthrough = contributesWalkthrough();
  const folder = folderArgument ? path.resolve(folderArgument) : sampleWorkspace(walkthrough);
  const port = (await isFree(PREFERRED_PORT)) ? PREFERRED_PORT : await freePort();
  const server = await startCodeServer({
    folders,
    port,
    settings: {
      'workbench.startupEditor': 'none',
      // lets the sample folder's task open the walkthrough without asking first
      'task.allowAutomaticTasks': 'on',
    },
  });
  let stopping = false;
  atExit(() => {
    stopping = true;
    return server.stop();
  });
  const url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  console.log(`\nLLM Pipeline Lab is running in VS Code at\n\n  ${url}\n`);
  if (!walkthrough) console.log(`(package.json does not contribute the walkthrough ${WALKTHROUGH} yet)`);
  console.log(`server log: ${path.relative(repoRoot, server.logFile)}. Press Ctrl+C to stop.`);
  const code = await server.exited;
  if (!stopping) console.error(`start: code-server exited (code ${code}); see ${server.logFile}`);
  return 1;
});
