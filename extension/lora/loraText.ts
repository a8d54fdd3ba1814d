// How the LoRA commands put an adapter's numbers and an A/B into words.
import * as vscode from 'vscode';
import type { AdapterFacts, LoraResult } from '../engine/lora/loraProtocol';

/** "Rank 8 on 16 matrices: 65,536 trainable parameters, 4.85% of 1.35 M; 260 kB on disk." */
export function adapterSummary(f: AdapterFacts): string {
  return vscode.l10n.t('Rank {0} on {1} matrices: {2} trainable parameters, {3}% of {4} M; {5} kB on disk.',
    f.rank, f.matrices, f.trainable.toLocaleString(), (100 * f.trainable / f.total).toFixed(2), (f.total / 1e6).toFixed(2), (f.adapterBytes / 1024).toFixed(0));
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

/** The A/B as a Markdown page: the two continuations side by side in one table. */
export function comparisonMarkdown(model: string, adapter: string, result: LoraResult): string {
  const c = result.comparison;
  if (!c) return '';
  return [
    `# ${vscode.l10n.t('{0} with and without a LoRA adapter', model)}`,
    '',
    vscode.l10n.t('Adapter {0}. {1}', adapter, adapterSummary(result)),
    '',
    vscode.l10n.t('Prompt: {0} — the same seed and temperature for both.', c.prompt),
    '',
    `| ${vscode.l10n.t('base')} | ${vscode.l10n.t('base + adapter')} |`,
    '|---|---|',
    `| ${cell(c.base)} | ${cell(c.adapted)} |`,
    '',
  ].join('\n');
}
