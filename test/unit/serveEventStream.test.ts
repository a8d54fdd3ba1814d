// The server's event stream writes events in batches: on a real HTTP connection, every event
// arrives in order and unchanged, the first one is written at once, and a burst of events made
// within the flush interval costs one socket write, not one each.

import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStream, FLUSH_INTERVAL_MS } from '../../extension/engine/serve/eventStream';

interface Served {
  readonly body: string;
  /** How many times the handler's response was written to, end() included. */
  readonly writes: number;
  /** Writes made by the first send() before it returned. */
  readonly writesAfterFirstSend: number;
}

/** Serves one response through an EventStream driven by `drive`, and reads it with a real client. */
async function serveOnce(drive: (events: EventStream) => Promise<void>): Promise<Served> {
  let writes = 0;
  let writesAfterFirstSend = -1;
  const server = http.createServer(async (_req, res) => {
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    res.write = ((chunk: string) => {
      writes++;
      return write(chunk);
    }) as typeof res.write;
    res.end = ((chunk: string) => {
      writes++;
      return end(chunk);
    }) as typeof res.end;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const events = new EventStream(res, () => assert.fail('no overflow expected'), 1 << 20);
    const send = events.send.bind(events);
    events.send = (event) => {
      send(event);
      if (writesAfterFirstSend < 0) writesAfterFirstSend = writes;
    };
    await drive(events);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return { body: await response.text(), writes, writesAfterFirstSend };
  } finally {
    server.close();
  }
}

const eventsIn = (body: string) => body.split('\n\n').filter(Boolean);

describe('API server event stream', () => {
  it('writes a burst of 100 events in one write after the first, every event in order', async () => {
    const served = await serveOnce(async (events) => {
      for (let i = 0; i < 100; i++) events.send({ i });
      await new Promise((resolve) => setTimeout(resolve, 2 * FLUSH_INTERVAL_MS));
      events.end('data: [DONE]\n\n');
    });
    assert.equal(served.writesAfterFirstSend, 1, 'the first event is written at once');
    // The first event, then the other 99 when the interval has passed, then the end.
    assert.equal(served.writes, 3);
    assert.deepEqual(eventsIn(served.body), [...Array.from({ length: 100 }, (_, i) => `data: {"i":${i}}`), 'data: [DONE]']);
  });

  it('writes what is waiting when flushed or ended before the interval has passed', async () => {
    const served = await serveOnce(async (events) => {
      events.send({ a: 1 });
      events.send({ a: 2 });
      events.flush();
      events.send({ a: 3 });
      events.end('data: [DONE]\n\n');
    });
    assert.equal(served.writes, 3);
    assert.deepEqual(eventsIn(served.body), ['data: {"a":1}', 'data: {"a":2}', 'data: {"a":3}', 'data: [DONE]']);
  });
});
