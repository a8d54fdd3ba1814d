// The webview side of the panel kit: the base of every panel's Lit app. It brings back what the
// webview saved with setState() before a reload, tells the host it is ready (with that state),
// and keeps the kit's busy and error lines; the panel's app draws them where it likes and
// handles its own notifications in receive().
import { LitElement } from 'lit';
import { state } from 'lit/decorators.js';
import { loadState, onMessage, saveState, send } from './ipc';
import type { Busy, ImageFormat, KitNotification, Message, OwnRequest, SavedState } from './protocol';

export abstract class PanelApp<N extends Message, R extends Message> extends LitElement {
  /** What the host is working on, or null. */
  @state() protected busy: Busy | null = null;
  /** The last failure the host reported; the app clears it when a new result arrives. */
  @state() protected error = '';
  private stopListening: (() => void) | undefined;

  /** Puts back the state saved before a reload (called before the first render). */
  protected abstract restore(saved: SavedState<R>): void;
  /** The state to keep across reloads now. */
  protected abstract savedState(): SavedState<R>;
  /** A notification of the panel's own (the kit handles busy and error). */
  protected abstract receive(message: Exclude<N, KitNotification>): void;

  override connectedCallback(): void {
    super.connectedCallback();
    const saved = loadState<SavedState<R>>();
    if (saved) this.restore(saved);
    this.stopListening = onMessage<N | KitNotification>((m) => this.dispatch(m));
    send({ type: 'ready', payload: { state: saved } });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopListening?.();
  }

  protected request(message: OwnRequest<R>): void {
    send(message);
  }

  /** Keeps the panel's state for the next reload. */
  protected save(): void {
    saveState(this.savedState());
  }

  /** Asks the host to save an image: `data` is SVG text, or a PNG as base64. */
  protected exportImage(name: string, format: ImageFormat, data: string): void {
    send({ type: 'export', payload: { name, format, data } });
  }

  private dispatch(message: N | KitNotification): void {
    switch (message.type) {
      case 'busy':
        this.busy = (message as Extract<KitNotification, { type: 'busy' }>).payload;
        if (this.busy) this.error = '';
        return;
      case 'error':
        this.error = (message as Extract<KitNotification, { type: 'error' }>).payload.message;
        this.busy = null;
        return;
      default:
        this.receive(message as Exclude<N, KitNotification>);
    }
  }
}
