// "Show Surprise" drawn on the file: each token shaded by its surprise −ln p (five levels of the
// theme colours llmPipeline.surprise.level1..5), a hover with its probability, rank and the
// model's top alternatives, the most surprising tokens as Information diagnostics (with a quick
// fix that opens the Decoding Playground at that position), and perplexity and bits per byte in
// the status bar, which opens the report's reliability diagram (Show Calibration) when clicked.
// An edit to the file clears its shading: the offsets no longer hold.

import * as vscode from 'vscode';
import type { Calibration } from '../engine/eval/calibration';
import type { SurpriseToken } from '../engine/eval/surprise';
import type { SurpriseColumns } from '../engine/eval/surpriseColumns';

/** Lower bounds in nats of levels 1..5: e^−1 ≈ 0.37, e^−2.5 ≈ 0.08, e^−4 ≈ 0.018, e^−6, e^−8. */
export const SURPRISE_LEVELS = [1, 2.5, 4, 6, 8] as const;
/** How many of the most surprising tokens go to the Problems panel. */
export const MOST_SURPRISING = 10;
export const OPEN_DECODING_AT = 'llmPipeline.eval.openDecodingAt';
/** The status bar item opens the reliability diagram of the shown report. */
export const SHOW_CALIBRATION = 'llmPipeline.showCalibration';

export function surpriseLevel(nats: number): number {
  let level = 0;
  while (level < SURPRISE_LEVELS.length && nats >= SURPRISE_LEVELS[level]) level++;
  return level;
}

interface Shown {
  readonly report: SurpriseColumns;
  /** Each token's level, 0 (unshaded) to 5. */
  readonly levels: Uint8Array;
  readonly modelName: string;
  /** Offset of the scored text in the document (a selection's start). */
  readonly base: number;
  /** True when a selection, not the whole file, was scored. */
  readonly partial: boolean;
  readonly document: vscode.TextDocument;
}

/** A scored document's calibration, for the Calibration panel. */
export interface ShownCalibration {
  readonly document: vscode.TextDocument;
  readonly calibration: Calibration;
  readonly modelName: string;
  readonly partial: boolean;
}

export class SurpriseView implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('llmPipeline.surprise');
  private readonly shades = SURPRISE_LEVELS.map((_, i) =>
    vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor(`llmPipeline.surprise.level${i + 1}`), rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed }),
  );
  private readonly status = vscode.window.createStatusBarItem('llmPipeline.surprise', vscode.StatusBarAlignment.Right, 90);
  private readonly shown = new Map<string, Shown>();
  /** The document scored last, for Show Calibration when no editor is active. */
  private latest: string | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.status.name = vscode.l10n.t('LLM Pipeline: surprise of the file');
    this.status.command = { command: SHOW_CALIBRATION, title: vscode.l10n.t('Show Calibration') };
    this.subscriptions = [
      this.diagnostics,
      this.status,
      ...this.shades,
      vscode.languages.registerHoverProvider({ scheme: 'file' }, { provideHover: (d, p) => this.hover(d, p) }),
      vscode.languages.registerHoverProvider({ scheme: 'untitled' }, { provideHover: (d, p) => this.hover(d, p) }),
      vscode.languages.registerCodeActionsProvider({ pattern: '**' }, { provideCodeActions: (d, _r, c) => this.actions(d, c) }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
      vscode.window.onDidChangeActiveTextEditor(() => this.redraw()),
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && this.clear(e.document.uri)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
    ];
  }

  show(document: vscode.TextDocument, base: number, report: SurpriseColumns, modelName: string, partial: boolean): void {
    const levels = Uint8Array.from(report.packed.nats, (nats) => surpriseLevel(nats));
    this.shown.set(document.uri.toString(), { report, levels, modelName, base, partial, document });
    this.latest = document.uri.toString();
    this.diagnostics.set(
      document.uri,
      report.mostSurprising(MOST_SURPRISING).map((i) => {
        const t = report.token(i);
        const d = new vscode.Diagnostic(this.range(document, base, t), this.describe(t), vscode.DiagnosticSeverity.Information);
        d.source = vscode.l10n.t('LLM surprise');
        d.code = 'surprise';
        return d;
      }),
    );
    this.redraw();
  }

  clear(uri: vscode.Uri): void {
    if (!this.shown.delete(uri.toString())) return;
    this.diagnostics.delete(uri);
    this.redraw();
  }

  /** The calibration counted when `uri` was scored, or (without `uri`) that of the document scored last. */
  calibration(uri?: vscode.Uri): ShownCalibration | undefined {
    const shown = this.shown.get(uri ? uri.toString() : (this.latest ?? ''));
    return shown && { document: shown.document, calibration: shown.report.packed.calibration, modelName: shown.modelName, partial: shown.partial };
  }

  /** What is drawn on a document, for the integration tests. */
  state(uri: vscode.Uri): { tokens: number; shaded: number[]; diagnostics: number; status: string } | undefined {
    const shown = this.shown.get(uri.toString());
    if (!shown) return undefined;
    const shaded = SURPRISE_LEVELS.map((_, i) => shown.levels.filter((level) => level === i + 1).length);
    return { tokens: shown.report.length, shaded, diagnostics: this.diagnostics.get(uri)?.length ?? 0, status: this.status.text };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private redraw(): void {
    const editor = vscode.window.activeTextEditor;
    const shown = editor && this.shown.get(editor.document.uri.toString());
    for (const visible of vscode.window.visibleTextEditors) {
      const here = this.shown.get(visible.document.uri.toString());
      const ranges: vscode.Range[][] = this.shades.map(() => []);
      if (here) {
        const { starts, ends } = here.report.packed;
        here.levels.forEach((level, i) => {
          if (level > 0 && ends[i] > starts[i]) ranges[level - 1].push(this.range(visible.document, here.base, { start: starts[i], end: ends[i] }));
        });
      }
      this.shades.forEach((type, i) => visible.setDecorations(type, ranges[i]));
    }
    if (!shown) {
      this.status.hide();
      return;
    }
    const e = shown.report.packed.evaluation;
    const c = shown.report.packed.calibration;
    this.status.text = `$(pulse) ${vscode.l10n.t('PPL {0} · {1} bits/byte', e.perplexity.toFixed(2), e.bitsPerByte.toFixed(3))}`;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(
      `**${vscode.l10n.t('Surprise under {0}', shown.modelName)}**\n\n` +
        `${vscode.l10n.t('loss {0} nats per token over {1} tokens; perplexity {2} = e^loss; {3} bits per UTF-8 byte', e.loss.toFixed(4), e.scoredTokens, e.perplexity.toFixed(3), e.bitsPerByte.toFixed(4))}\n\n` +
        `${vscode.l10n.t('windows of {0} tokens starting every {1}', shown.report.packed.window, shown.report.packed.stride)}\n\n` +
        `${vscode.l10n.t('first choice right {0}% of the time; expected calibration error {1}', (c.accuracy * 100).toFixed(1), c.ece.toFixed(4))}\n\n` +
        `${vscode.l10n.t('Click for the reliability diagram.')}`,
    );
    this.status.tooltip = tooltip;
    this.status.show();
  }

  private range(document: vscode.TextDocument, base: number, t: { start: number; end: number }): vscode.Range {
    return new vscode.Range(document.positionAt(base + t.start), document.positionAt(base + t.end));
  }

  private describe(t: SurpriseToken): string {
    const expected = t.top[0] ? vscode.l10n.t('; the model expected {0} (p = {1})', JSON.stringify(t.top[0].text), t.top[0].probability.toPrecision(3)) : '';
    return vscode.l10n.t('Surprising token {0}: −ln p = {1} nats (p = {2}, rank {3})', JSON.stringify(t.text), t.nats.toFixed(2), t.probability.toPrecision(3), t.rank) + expected;
  }

  private hover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const shown = this.shown.get(document.uri.toString());
    if (!shown) return undefined;
    const index = shown.report.at(document.offsetAt(position) - shown.base);
    if (index === undefined) return undefined;
    const t = shown.report.token(index);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${vscode.l10n.t('Token {0} (id {1})', JSON.stringify(t.text).replace(/[`*_[\]|]/g, '\\$&'), t.id)}**\n\n`);
    md.appendMarkdown(`${vscode.l10n.t('surprise −ln p = {0} nats ({1} bits), p = {2}, rank {3}', t.nats.toFixed(3), (t.nats / Math.LN2).toFixed(2), t.probability.toPrecision(3), t.rank)}\n\n`);
    md.appendMarkdown(`| ${vscode.l10n.t('the model expected')} | p |\n|---|---:|\n`);
    for (const a of t.top) md.appendMarkdown(`| \`${JSON.stringify(a.text).replace(/[`|]/g, '\\$&')}\` | ${a.probability.toFixed(4)} |\n`);
    return new vscode.Hover(md, this.range(document, shown.base, t));
  }

  private actions(document: vscode.TextDocument, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return context.diagnostics
      .filter((d) => d.code === 'surprise' && this.diagnostics.get(document.uri)?.includes(d))
      .map((d) => {
        const action = new vscode.CodeAction(vscode.l10n.t('Open in Decoding Playground at this position'), vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.command = { command: OPEN_DECODING_AT, title: action.title, arguments: [document.uri, document.offsetAt(d.range.start)] };
        return action;
      });
  }
}
