// Problems of a suite file (*.llmeval.json) shown on the file as it is edited: JSON syntax errors
// and what the suite's schema and checks refuse (eval/suiteFile.ts). VS Code's JSON editor also
// checks the file against the contributed JSON Schema; these diagnostics are the ones the runner
// itself applies, so what they flag is exactly what will not run.

import * as vscode from 'vscode';
import { checkSuiteText } from '../engine/eval/suiteLocation';

export const SUITE_GLOB = '**/*.llmeval.json';

export const isSuiteDocument = (document: vscode.TextDocument) => document.uri.scheme === 'file' && document.fileName.endsWith('.llmeval.json');

export class SuiteDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('llmPipeline.evalSuite');
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.check(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.check(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => isSuiteDocument(d) && this.collection.delete(d.uri)),
    ];
    for (const document of vscode.workspace.textDocuments) this.check(document);
  }

  /** Checks a suite's text and shows its problems on `uri`; returns whether it may run. */
  show(uri: vscode.Uri, text: string, document?: vscode.TextDocument): boolean {
    const parsed = checkSuiteText(text);
    if (parsed.ok) {
      this.collection.delete(uri);
      return true;
    }
    const position = (offset: number) => document?.positionAt(offset) ?? positionIn(text, offset);
    this.collection.set(
      uri,
      parsed.problems.map((p) => {
        const diagnostic = new vscode.Diagnostic(new vscode.Range(position(p.offset), position(p.offset + Math.max(1, p.length))), p.message, vscode.DiagnosticSeverity.Error);
        diagnostic.source = vscode.l10n.t('LLM eval suite');
        return diagnostic;
      }),
    );
    return false;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private check(document: vscode.TextDocument): void {
    if (isSuiteDocument(document)) this.show(document.uri, document.getText(), document);
  }
}

function positionIn(text: string, offset: number): vscode.Position {
  const before = text.slice(0, offset).split('\n');
  return new vscode.Position(before.length - 1, before[before.length - 1].length);
}
