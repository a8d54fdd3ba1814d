// Step 2 (the neural network) in the editor: "Inspect Attention" on a selection, the panel and
// its serializer, and the active model it runs (with "Choose Model Folder…"). Nothing loads until
// the command runs.
import * as vscode from 'vscode';
import { activeModel, type ActiveModel } from '../model/activeModel';
import { isTextEditor, selectionSource } from '../tokenizer/selectionText';
import { AttentionHighlight, type HighlightedToken } from './attentionHighlight';
import { attentionPanels, type AttentionPanelDeps, type AttentionPanels, type HeatmapTiming } from './attentionPanel';

/** What the integration tests read from Step 2 (decorations and webview timings cannot be read back otherwise). */
export interface AttentionTestApi {
  readonly model: ActiveModel;
  /** Fires when the panel reports a run's heatmap drawn, with the time since the command. */
  readonly onDidDrawHeatmap: vscode.Event<HeatmapTiming>;
  /** The key tokens highlighted in the editor now, with their levels. */
  readonly highlighted: () => readonly HighlightedToken[];
}

export function registerAttention(context: vscode.ExtensionContext): AttentionTestApi {
  const model = activeModel(context);
  const highlight = new AttentionHighlight();
  const timings = new vscode.EventEmitter<HeatmapTiming>();
  const deps: AttentionPanelDeps = { extensionUri: context.extensionUri, model, highlight, timings };
  const panels = attentionPanels(deps);
  context.subscriptions.push(
    highlight,
    timings,
    panels,
    vscode.commands.registerCommand('llmPipeline.inspectAttention', () => inspectAttention(panels)),
  );
  return { model, onDidDrawHeatmap: timings.event, highlighted: () => highlight.highlighted };
}

/**
 * Opens the panel on the active editor's selection; with no selection it opens (or reveals) the
 * panel, which says what to do. The selection's size needs no limit here: only as many tokens as
 * the model's context holds are run, and the panel says when the selection was cut.
 */
function inspectAttention(panels: AttentionPanels): void {
  const startedAt = performance.now();
  const editor = vscode.window.activeTextEditor;
  const source = isTextEditor(editor) ? selectionSource(editor) : undefined;
  const panel = panels.show();
  if (source) void panel.inspect(source, startedAt);
}
