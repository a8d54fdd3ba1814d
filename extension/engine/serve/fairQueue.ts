// How concurrent requests share one model. Two FIFO queues:
//   admission: at most `maxActive` generations are in progress (each holds a KV cache); later
//              requests wait in order, and past `maxWaiting` waiting ones are refused (429);
//   turns:     every model call (the prefill, then each token) takes a turn, first come first
//              served, so the generations in progress advance one token each in rotation: a long
//              generation cannot starve a short one, and a client that stops reading holds only
//              its own turn, never the model.
// A waiter whose request is cancelled (the client went away) leaves its queue at once.

import { ApiError } from './apiError';

class FifoGate {
  private held = 0;
  private readonly waiting: Array<{ grant(): void; signal?: AbortSignal }> = [];

  constructor(private readonly capacity: number) {}

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with a release function once a place is free; rejects if `signal` aborts first. */
  enter(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.held < this.capacity && this.waiting.length === 0) {
      this.held++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        signal,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.held++;
          resolve(this.releaser());
        },
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held--;
      this.waiting.shift()?.grant();
    };
  }
}

export class FairQueue {
  private readonly admission: FifoGate;
  private readonly turns = new FifoGate(1);

  constructor(
    maxActive: number,
    private readonly maxWaiting: number,
  ) {
    this.admission = new FifoGate(maxActive);
  }

  /** Waits for a place among the generations in progress; 429 when too many already wait. */
  admit(signal?: AbortSignal): Promise<() => void> {
    if (this.admission.queued >= this.maxWaiting) {
      return Promise.reject(new ApiError(429, `the server is busy: ${this.maxWaiting} requests are already waiting; try again shortly`, 'rate_limit_error', null, 'queue_full'));
    }
    return this.admission.enter(signal);
  }

  /** Runs one model call in its turn. */
  async turn<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.turns.enter(signal);
    try {
      return await work();
    } finally {
      release();
    }
  }
}
