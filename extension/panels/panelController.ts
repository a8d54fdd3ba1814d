// One controller per kind of panel: it owns the single open instance, opens or reveals it, takes
// over the panel VS Code recreates after a window reload (the serializer), answers the requests
// every panel shares (the webview's `ready`, "Save as PNG / SVG"), and hands the rest to the
// panel's own code. A panel declares its view type, script, request guard and a `create` that
// builds its content from a PanelKit; see README.md in this folder.
import * as vscode from 'vscode';
import type { ImageExport, KitNotification, Message, MessageGuard, OwnRequest, SavedState } from '../../webviews/shared/protocol';
import { PanelHost, type PanelSpec } from './panelHost';
import { PanelKit } from './panelKit';
import { registerPanelSerializer } from './panelSerializer';
import { saveImage } from './saveImage';

/** What a panel brings: its handlers. The controller calls them; the panel never sees the lifecycle. */
export interface PanelContent<R extends Message> {
  /**
   * The webview (re)started and listens now: a new panel, a hidden one shown again, or (with
   * `revived`) one VS Code recreated after a reload, whose host side starts empty and gets back
   * the state the webview saved.
   */
  ready(state: SavedState<R> | undefined, revived: boolean): void | Promise<void>;
  handle(request: OwnRequest<R>): void | Promise<void>;
  /** The panel was closed; the kit has already aborted its tasks. */
  dispose?(): void;
}

export interface PanelDefinition<R extends Message, N extends Message, C extends PanelContent<R>> {
  /** Also listed in package.json as "onWebviewPanel:<viewType>", so a reload can restore the panel. */
  readonly viewType: string;
  /** The tab's title, localized when the panel opens. */
  readonly title: () => string;
  /** The bundle under dist/webviews (the folder name under webviews/). */
  readonly script: string;
  /** Checks every message from the webview; built from the panel's protocol schema (panelRequests). */
  readonly isRequest: MessageGuard<R>;
  /** The webview's strings, translated here with vscode.l10n.t() and written into its HTML. */
  readonly strings: () => Readonly<Record<string, string>>;
  /** Reveal an open panel in its own column rather than beside the active editor. */
  readonly revealInPlace?: boolean;
  readonly create: (kit: PanelKit<N>) => C;
}

interface OpenPanel<R extends Message, N extends Message, C> {
  readonly host: PanelHost<R, N | KitNotification>;
  readonly kit: PanelKit<N>;
  readonly content: C;
}

export class PanelController<R extends Message, N extends Message, C extends PanelContent<R>> implements vscode.Disposable {
  private open: OpenPanel<R, N, C> | undefined;
  private readonly serializer: vscode.Disposable;

  constructor(
    private readonly definition: PanelDefinition<R, N, C>,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.serializer = registerPanelSerializer<R, N | KitNotification>(this.spec(), extensionUri, (host) => this.adopt(host, true));
  }

  /** Reveals the open panel (keeping the focus where it is), or opens one beside the active editor. */
  show(): C {
    if (this.open) {
      this.open.host.panel.reveal(this.definition.revealInPlace ? undefined : vscode.ViewColumn.Beside, true);
      return this.open.content;
    }
    return this.adopt(PanelHost.open<R, N | KitNotification>(this.spec(), this.extensionUri), false);
  }

  /** Stops restoring panels; an open panel stays (VS Code saves it for the next window). */
  dispose(): void {
    this.serializer.dispose();
  }

  private spec(): PanelSpec<R> {
    const { viewType, title, script, isRequest, strings } = this.definition;
    return { viewType, title: title(), script, isMessage: isRequest, boot: () => ({ strings: strings() }) };
  }

  /** Makes `host` the one open panel of this kind (closing any other) and wires its content. */
  private adopt(host: PanelHost<R, N | KitNotification>, revived: boolean): C {
    this.open?.host.panel.dispose();
    const kit = new PanelKit<N>(host);
    const content = this.definition.create(kit);
    const open: OpenPanel<R, N, C> = { host, kit, content };
    this.open = open;
    let firstReady = revived;
    host.onMessage(async (message) => {
      if (message.type === 'ready') {
        const wasRevived = firstReady;
        firstReady = false;
        await content.ready((message.payload as { state?: SavedState<R> }).state, wasRevived);
      } else if (message.type === 'export') {
        // The guard checked it against imageExport, which every panel's requests include.
        await saveImage(message.payload as ImageExport);
      } else {
        await content.handle(message as OwnRequest<R>);
      }
    });
    host.onDispose(() => {
      if (this.open === open) this.open = undefined;
      kit.dispose();
      content.dispose?.();
    });
    return content;
  }
}
