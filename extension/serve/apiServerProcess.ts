// The extension's handle on the API server's process (engine/serve/serveWorker.ts): it forks the
// process, starts the server in it and reports what it does. The model runs there, never here.
import type { ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import type { RequestLogEntry } from '../engine/serve/apiServer';
import { forkServeWorker } from '../engine/serve/serveProcess';
import type { ServeWorkerEvent, ServeWorkerRequest } from '../engine/serve/serveWorker';

export interface ServerAddress {
  readonly url: string;
  readonly port: number;
  readonly model: string;
}

export class ApiServerProcess implements vscode.Disposable {
  private readonly requested = new vscode.EventEmitter<RequestLogEntry>();
  private readonly exited = new vscode.EventEmitter<string | undefined>();
  /** Fires once per answered request. */
  readonly onRequest = this.requested.event;
  /** Fires when the process ends: undefined when it was asked to stop, else why it ended. */
  readonly onExit = this.exited.event;
  private readonly child: ChildProcess;
  private stopping = false;

  private constructor(script: string) {
    this.child = forkServeWorker(script);
    this.child.on('message', (message: ServeWorkerEvent) => message?.type === 'request' && this.requested.fire(message.entry));
    this.child.on('exit', (code, signal) => this.exited.fire(this.stopping ? undefined : signal ? `killed by ${signal}` : `exited with code ${code}`));
  }

  /** Starts the server in a new process; rejects with the reason when it cannot listen. */
  static start(script: string, request: Omit<Extract<ServeWorkerRequest, { type: 'start' }>, 'type'>): Promise<{ process: ApiServerProcess; address: ServerAddress }> {
    const server = new ApiServerProcess(script);
    return new Promise((resolve, reject) => {
      const exit = server.onExit((why) => reject(new Error(vscode.l10n.t('The API server process {0} before it listened.', why ?? 'stopped'))));
      server.child.on('message', (message: ServeWorkerEvent) => {
        if (message?.type === 'listening') {
          exit.dispose();
          resolve({ process: server, address: { url: message.url, port: message.port, model: message.model } });
        } else if (message?.type === 'failed') {
          exit.dispose();
          server.dispose();
          reject(new Error(message.message));
        }
      });
      server.child.send({ type: 'start', ...request } satisfies ServeWorkerRequest);
    });
  }

  /** Closes the server (generations in progress end) and lets the process exit. */
  dispose(): void {
    if (this.stopping) return;
    this.stopping = true;
    if (this.child.connected) this.child.send({ type: 'stop' } satisfies ServeWorkerRequest);
    // A process that does not exit within 5 s of being asked is ended.
    const timer = setTimeout(() => this.child.kill(), 5000);
    this.child.once('exit', () => clearTimeout(timer));
  }
}
