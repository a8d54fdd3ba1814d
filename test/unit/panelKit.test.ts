// The panel kit's parts that run without VS Code: the task queue every panel's model work goes
// through, the check of an exported image's bytes, and the request schemas (type and guard from
// one declaration) of the four panels.
import * as assert from 'node:assert/strict';
import { imageFileBytes } from '../../extension/panels/imageFile';
import { TaskQueue } from '../../extension/panels/taskQueue';
import { isRagRequest } from '../../webviews/rag/protocol';
import { isTokenizerRequest } from '../../webviews/tokenizer/protocol';

/** A promise and the function that settles it, so a test decides when a task ends. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('panel kit: task queue', () => {
  it('runs tasks one at a time, in the order asked, and returns each result', async () => {
    const queue = new TaskQueue(() => assert.fail('no task fails'));
    const order: string[] = [];
    const first = gate();
    const a = queue.enqueue(async () => {
      order.push('a starts');
      await first.promise;
      order.push('a ends');
      return 1;
    });
    const b = queue.enqueue(async () => {
      order.push('b runs');
      return 2;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(order, ['a starts'], 'b waits for a');
    assert.equal(queue.busy, true);
    first.open();
    assert.deepEqual(await Promise.all([a, b]), [1, 2]);
    assert.deepEqual(order, ['a starts', 'a ends', 'b runs']);
    assert.equal(queue.busy, false);
  });

  it('reports a failure once and goes on with the next task', async () => {
    const errors: string[] = [];
    const queue = new TaskQueue((e) => void errors.push(e.message));
    const failed = queue.enqueue(async () => {
      throw new Error('the model folder is broken');
    });
    const next = queue.enqueue(async () => 'ran');
    assert.equal(await failed, undefined);
    assert.equal(await next, 'ran');
    assert.deepEqual(errors, ['the model folder is broken']);
  });

  it('cancelRunning aborts the running task only; an aborted task is not a failure', async () => {
    const errors: Error[] = [];
    const queue = new TaskQueue((e) => void errors.push(e));
    const started = gate();
    const running = queue.enqueue(
      (signal) =>
        new Promise<string>((_, reject) => {
          started.open();
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    );
    const waiting = queue.enqueue(async (signal) => (signal.aborted ? 'aborted' : 'ran'));
    await started.promise;
    queue.cancelRunning();
    assert.equal(await running, undefined);
    assert.equal(await waiting, 'ran');
    assert.deepEqual(errors, []);
  });

  it('replace aborts everything before it, running or waiting, then runs the new task', async () => {
    const queue = new TaskQueue(() => assert.fail('no task fails'));
    const seen: string[] = [];
    const started = gate();
    const old = queue.enqueue(async (signal) => {
      started.open();
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.push(signal.aborted ? 'old saw its abort' : 'old finished');
      return 'old';
    });
    const skipped = queue.enqueue(async () => {
      seen.push('skipped ran');
      return 'skipped';
    });
    await started.promise;
    const newer = queue.replace(async () => 'newer');
    assert.equal(await old, 'old', 'a task that ignores its signal still returns');
    assert.equal(await skipped, undefined, 'a waiting task never starts');
    assert.equal(await newer, 'newer');
    assert.deepEqual(seen, ['old saw its abort']);
  });

  it('after dispose nothing more runs', async () => {
    const queue = new TaskQueue(() => assert.fail('no task fails'));
    queue.dispose();
    let ran = false;
    assert.equal(
      await queue.enqueue(async () => {
        ran = true;
      }),
      undefined,
    );
    assert.equal(ran, false);
  });
});

describe('panel kit: exported image bytes', () => {
  const pngBase64 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');

  it('decodes a PNG from base64 and keeps SVG text as UTF-8', () => {
    const png = imageFileBytes('png', pngBase64);
    assert.ok(png instanceof Uint8Array);
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const svg = imageFileBytes('svg', '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">é</svg>');
    assert.ok(svg instanceof Uint8Array);
    assert.equal(Buffer.from(svg).toString('utf8').endsWith('é</svg>'), true);
  });

  it('refuses data that is not what its format says', () => {
    assert.equal(imageFileBytes('png', Buffer.from('GIF89a').toString('base64')), 'not-png');
    assert.equal(imageFileBytes('png', ''), 'not-png');
    assert.equal(imageFileBytes('svg', '<html><svg></svg></html>'), 'not-svg');
    assert.equal(imageFileBytes('svg', '<svgx>'), 'not-svg');
  });
});

describe('panel kit: request schemas', () => {
  it('every panel accepts the kit requests, ready (with its own state) and export', () => {
    const image = { name: 'rag-view', format: 'svg', data: '<svg/>' };
    assert.ok(isRagRequest({ type: 'export', payload: image }));
    assert.ok(isTokenizerRequest({ type: 'export', payload: { ...image, name: 'tokens' } }));
    assert.ok(isRagRequest({ type: 'ready', payload: { state: { question: 'tides?', policy: 'truncate-end', answerTokens: 64 } } }));
    assert.ok(!isRagRequest({ type: 'ready', payload: { state: { question: 'tides?', policy: 'forget', answerTokens: 64 } } }));
    assert.ok(!isRagRequest({ type: 'export', payload: { ...image, name: 'a/b' } }));
  });

  it('RAG: a question within limits, nothing more', () => {
    const ask = { question: 'When is high tide?', policy: 'drop-sources', answerTokens: 64, generate: true };
    assert.ok(isRagRequest({ type: 'ask', payload: ask }));
    assert.ok(!isRagRequest({ type: 'ask', payload: { ...ask, answerTokens: 0 } }));
    assert.ok(!isRagRequest({ type: 'ask', payload: { ...ask, question: 'x'.repeat(20_001) } }));
    assert.ok(!isRagRequest({ type: 'ask', payload: { ...ask, folder: '/etc' } }), 'unknown keys are refused');
    assert.ok(!isRagRequest({ type: 'stop', payload: { now: true } }));
  });

  it('tokenizer: highlight ranges run forwards, lists are bounded', () => {
    assert.ok(isTokenizerRequest({ type: 'highlight', payload: null }));
    assert.ok(isTokenizerRequest({ type: 'highlight', payload: { start: 2, end: 5 } }));
    assert.ok(!isTokenizerRequest({ type: 'highlight', payload: { start: 5, end: 2 } }));
    assert.ok(!isTokenizerRequest({ type: 'highlight', payload: { start: -1, end: 2 } }));
    assert.ok(isTokenizerRequest({ type: 'compare', payload: { ids: ['gpt2', 'cl100k'] } }));
    assert.ok(!isTokenizerRequest({ type: 'compare', payload: { ids: Array.from({ length: 65 }, (_, i) => `t${i}`) } }));
    assert.ok(!isTokenizerRequest({ type: 'bpe', payload: { word: 'x'.repeat(257) } }));
  });
});
