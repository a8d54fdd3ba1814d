// The quick pick of "Download Model from Hugging Face…": the curated models, each with what it
// needs on disk and in memory (the calculator's formulas) and what the inspectors can show for
// it, then "Another repository…" for any repo id.
import * as vscode from 'vscode';
import { CURATED_MODELS, type CuratedModel, curatedSizes } from '../engine/hub/curatedModels';
import { megabytes } from '../engine/hub/downloadSnapshot';
import { checkRepoId } from '../engine/hub/hubLocation';
import { PICKER_OPTIONS } from '../panels/pickerOptions';

interface RepoItem extends vscode.QuickPickItem {
  readonly model?: CuratedModel;
  readonly other?: boolean;
}

export interface ChosenRepo {
  readonly repo: string;
  readonly model?: CuratedModel;
}

function describe(model: CuratedModel): RepoItem {
  const sizes = curatedSizes(model);
  const millions = (sizes.parameters / 1e6).toFixed(0);
  const needs = vscode.l10n.t('{0}M parameters · about {1} on disk · about {2} in memory with a {3}-token KV cache', millions, megabytes(sizes.diskBytes), megabytes(sizes.memoryBytes), sizes.context);
  // What the inspectors show: every curated model comes as safetensors, from which the engine
  // builds its graphs, so every inspector opens it (training is offered for GPT-2, where it is tested).
  const shows = model.config.model_type === 'gpt2'
    ? vscode.l10n.t('every inspector: attention per head, logit lens, probabilities, training')
    : vscode.l10n.t('every inspector: attention per query head (grouped-query), logit lens, probabilities; graphs built from the safetensors');
  return { label: model.label, description: shows, detail: `${model.repo} · ${needs}`, model };
}

export async function chooseRepo(): Promise<ChosenRepo | undefined> {
  const items: RepoItem[] = [
    ...CURATED_MODELS.map(describe),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: `$(cloud-download) ${vscode.l10n.t('Another repository…')}`, detail: vscode.l10n.t('Any model repository id (org/name) with an ONNX decode graph, or safetensors of a GPT-2, Llama, Mistral or Qwen2'), other: true, alwaysShow: true },
  ];
  const chosen = await vscode.window.showQuickPick(items, {
    ...PICKER_OPTIONS,
    title: vscode.l10n.t('Download a model from Hugging Face'),
    placeHolder: vscode.l10n.t('Choose a model; it goes into the Hugging Face cache, shared with Python\'s huggingface_hub'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!chosen) return undefined;
  if (chosen.model) return { repo: chosen.model.repo, model: chosen.model };
  const repo = await vscode.window.showInputBox({
    title: vscode.l10n.t('Download a model from Hugging Face'),
    prompt: vscode.l10n.t('Repository id on the Hub'),
    placeHolder: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    validateInput: (value) => {
      try {
        checkRepoId(value.trim());
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
  return repo ? { repo: repo.trim(), model: CURATED_MODELS.find((m) => m.repo === repo.trim()) } : undefined;
}
