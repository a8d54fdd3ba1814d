// The webview side of the typed channel: send to the host, listen to it, and keep
// state that VS Code restores after a reload (getState/setState).
import type { Message } from './protocol';

interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

let api: VsCodeApi<unknown> | undefined;
function vscodeApi<S>(): VsCodeApi<S> {
  api ??= acquireVsCodeApi<unknown>();
  return api as VsCodeApi<S>;
}

export function send<M extends Message>(message: M): void {
  vscodeApi().postMessage(message);
}

export function onMessage<M extends Message>(handler: (message: M) => void): () => void {
  const listener = (event: MessageEvent) => handler(event.data as M);
  window.addEventListener('message', listener);
  return () => window.removeEventListener('message', listener);
}

export function loadState<S>(): S | undefined {
  return vscodeApi<S>().getState();
}

export function saveState<S>(state: S): void {
  vscodeApi<S>().setState(state);
}
