// `npm run cli -- serve` as a user runs it: a separate process that prints its address as JSON,
// answers with the token from LLM_PIPELINE_API_TOKEN, logs each request, and stops on SIGTERM.
// The server itself runs in a process of its own (serve/serveProcess.ts), as in the extension.

import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { forkServeWorker, SERVER_INITIAL_OLD_SPACE_MB } from '../../extension/engine/serve/serveProcess';
import { MODEL_DIR, MODEL_ID } from './serveFixture';

const ROOT = path.resolve(__dirname, '../..');
const CLI = ['--import', 'tsx', 'extension/engine/cli/main.ts', 'serve'];

describe('cli serve', () => {
  it('serves the model on 127.0.0.1 with the token from the environment and logs each request', async () => {
    const token = 'env-token-abcdefgh';
    const child = spawn(process.execPath, [...CLI, '--model', MODEL_DIR, '--port', '0', '--json'], { cwd: ROOT, env: { ...process.env, LLM_PIPELINE_API_TOKEN: token } });
    try {
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const listening = JSON.parse((await lines.next()).value as string) as { type: string; url: string; model: string };
      assert.equal(listening.type, 'listening');
      assert.match(listening.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const models = (await (await fetch(`${listening.url}/models`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: Array<{ id: string }> };
      assert.deepEqual(models.data.map((m) => m.id), [MODEL_ID]);
      const logged = JSON.parse((await lines.next()).value as string) as { type: string; path: string; status: number };
      assert.deepEqual([logged.type, logged.path, logged.status], ['request', '/v1/models', 200]);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('a folder that is not a model ends the command with the reason the server process gave', () => {
    const result = spawnSync(process.execPath, [...CLI, '--model', path.join(ROOT, 'walkthroughs'), '--port', '0', '--token', 'env-token-abcdefgh'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /config\.json/);
  });

  it('the server process starts with its old generation at SERVER_INITIAL_OLD_SPACE_MB', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-process-'));
    try {
      const script = path.join(dir, 'flags.js');
      fs.writeFileSync(script, "process.send(process.execArgv, () => process.exit(0));\n");
      const child = forkServeWorker(script);
      const execArgv = await new Promise((resolve) => child.once('message', resolve));
      assert.deepEqual(execArgv, [`--initial-old-space-size=${SERVER_INITIAL_OLD_SPACE_MB}`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start without a token, saying how to give one', () => {
    const env = { ...process.env };
    delete env.LLM_PIPELINE_API_TOKEN;
    const result = spawnSync(process.execPath, [...CLI, '--model', MODEL_DIR, '--port', '0'], { cwd: ROOT, env, encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /--token or the LLM_PIPELINE_API_TOKEN environment variable/);
  });
});
