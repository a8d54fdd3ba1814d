// A server-sent-event stream ("data: {json}\n\n" per event) that writes its events in batches.
// One socket write per token cost the server more than the token's sampling did: profiled with
// `node --cpu-prof` on the bundled model, writev and its stream bookkeeping took ~8% of the
// server's CPU, and each write woke the client for one small read. So the first event goes out at
// once, and later ones wait until FLUSH_INTERVAL_MS have passed since the last write: every event
// still arrives, in order and unchanged, at most that long after it was made (vLLM's
// --stream-interval trades latency for throughput the same way).

import type * as http from 'node:http';

/** The most an event waits before it is written: well under what a reader of the text notices. */
export const FLUSH_INTERVAL_MS = 20;

export class EventStream {
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private lastWrite = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly res: http.ServerResponse,
    /** Called after a write when the client has left more than `maxUnreadBytes` unread. */
    private readonly onOverflow: () => void,
    private readonly maxUnreadBytes: number,
    private readonly intervalMs = FLUSH_INTERVAL_MS,
  ) {}

  send(event: object): void {
    this.sendJson(JSON.stringify(event));
  }

  /** `send` for an event already serialised. */
  sendJson(json: string): void {
    this.pending += `data: ${json}\n\n`;
    if (this.timer) return;
    const wait = this.lastWrite + this.intervalMs - performance.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Writes what is waiting now (before an error event, say). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending || this.res.destroyed || this.res.writableEnded) return;
    this.res.write(this.pending);
    this.pending = '';
    this.lastWrite = performance.now();
    // A client that does not read: its data piles up here; it is cut off rather than waited for.
    if (this.res.writableLength > this.maxUnreadBytes) this.onOverflow();
  }

  /** Writes what is waiting and `last`, and ends the response. */
  end(last: string): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.res.end(this.pending + last);
    this.pending = '';
  }
}
