// What the integration tests read from a panel: the messages its host posts to the webview (seen
// through the extension's test hooks), one at a time, by type and condition.
import type { ExtensionTestApi } from '../../extension/extension';
import type { Message } from '../../webviews/shared/protocol';

/** The payload of the message of type `T` among a panel's notifications `N`. */
export type PayloadOf<N extends Message, T extends N['type']> = Extract<N, { type: T }>['payload'];

export interface PanelMessagesOptions {
  /** Reject as soon as the panel posts an `error` message (its payload's `message` says why). */
  readonly failOnError?: boolean;
}

/**
 * nextPosted(type, accept?, timeoutMs?) for one panel: resolves with the first message of `type`
 * its host posts after the call that passes `accept`; rejects after `timeoutMs`, naming the panel.
 * `api` is read when nextPosted is called, so the helper can be made before the suite activates.
 */
export function panelMessages<N extends Message>(api: () => ExtensionTestApi, viewType: string, panel: string, options: PanelMessagesOptions = {}) {
  return function nextPosted<T extends N['type']>(type: T, accept: (p: PayloadOf<N, T>) => boolean = () => true, timeoutMs = 60_000): Promise<PayloadOf<N, T>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        listener.dispose();
        reject(new Error(`no '${type}' message was posted to ${panel} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const settle = (settled: () => void) => {
        clearTimeout(timer);
        listener.dispose();
        settled();
      };
      const listener = api().panels.onDidPostToWebview(({ viewType: posted, message }) => {
        if (posted !== viewType) return;
        if (options.failOnError && message.type === 'error' && type !== 'error') {
          settle(() => reject(new Error(`${panel} posted an error: ${(message.payload as { message?: string }).message}`)));
          return;
        }
        if (message.type !== type || !accept(message.payload as PayloadOf<N, T>)) return;
        settle(() => resolve(message.payload as PayloadOf<N, T>));
      });
    });
  };
}
