// From the calculator's form to the engine's figures: which config.json (the bundled model's,
// the active model's, a preset's, or one made of the typed sizes) and what is asked of it.
// Reading a config.json is small and bounded (jsonFile.ts caps it), so this runs on the host.
import * as path from 'node:path';
import { readJsonObject, type JsonObject } from '../engine/modelFolder/jsonFile';
import { architectureFromConfig, type Architecture } from '../engine/scaling/architecture';
import { modelSizes, type ModelSizes, type SizeQuestion } from '../engine/scaling/modelSizes';
import { presetById } from '../engine/scaling/presets';
import type { CalculatorForm, SizeQuestionView, SizesView, TypedArchitecture } from '../../webviews/calculator/protocol';

export interface Labelled {
  readonly architecture: Architecture;
  readonly label: string;
  readonly source: string;
}

/** A config.json of the typed sizes, in the field names of its model_type. */
function typedConfig(a: TypedArchitecture): JsonObject {
  if (a.modelType === 'gpt2') return { model_type: 'gpt2', n_layer: a.layers, n_embd: a.hidden, n_head: a.heads, n_inner: a.intermediate, vocab_size: a.vocab, n_positions: a.context, tie_word_embeddings: a.tied };
  return {
    model_type: a.modelType, num_hidden_layers: a.layers, hidden_size: a.hidden, num_attention_heads: a.heads, num_key_value_heads: a.kvHeads,
    intermediate_size: a.intermediate, vocab_size: a.vocab, max_position_embeddings: a.context, tie_word_embeddings: a.tied,
  };
}

/** The architecture of a model folder's config.json. */
export function folderArchitecture(folder: string, label: string): Labelled {
  const file = path.join(folder, 'config.json');
  return { architecture: architectureFromConfig(readJsonObject(file, file), file), label, source: file };
}

/** The architecture the form names; `folders` are the bundled and the active model's. */
export function formArchitecture(form: CalculatorForm, folders: { bundled?: string; active?: string }, labels: { bundled: string; active: string; typed: string }): Labelled {
  switch (form.source) {
    case 'preset': {
      const preset = presetById(form.preset);
      if (!preset) throw new Error(`no preset "${form.preset}"`);
      return { architecture: architectureFromConfig(preset.config, preset.source), label: preset.label, source: preset.source };
    }
    case 'typed':
      return { architecture: architectureFromConfig(typedConfig(form.typed), labels.typed), label: labels.typed, source: labels.typed };
    default: {
      const folder = folders[form.source];
      if (!folder) throw new Error(labels[form.source]);
      return folderArchitecture(folder, labels[form.source]);
    }
  }
}

/** The form's question for the engine: 0 means the default. */
export function sizeQuestion(q: SizeQuestionView): SizeQuestion {
  const given = (n: number) => (n > 0 ? n : undefined);
  return { context: given(q.context), trainingTokens: given(q.trainingTokens), batch: q.batch, servingDtype: q.servingDtype, computeBudget: given(q.budget) };
}

export function sizesView(labelled: Labelled, s: ModelSizes): SizesView {
  const a = s.architecture;
  return {
    label: labelled.label,
    source: labelled.source,
    architecture: {
      modelType: a.modelType, layers: a.layers, hiddenSize: a.hiddenSize, heads: a.heads, kvHeads: a.kvHeads, headDim: a.headDim,
      intermediateSize: a.intermediateSize, vocabSize: a.vocabSize, contextLength: a.contextLength, tiedEmbeddings: a.tiedEmbeddings,
    },
    context: s.context,
    batch: s.batch,
    parameters: s.parameters.total,
    nonEmbeddingParameters: s.parameters.nonEmbedding,
    embeddingParameters: s.parameters.embedding,
    forward: s.forward,
    trainingFlopsPerToken: s.trainingFlopsPerToken,
    trainingTokens: s.trainingTokens,
    trainingCompute: s.trainingCompute,
    trainingMemory: s.trainingMemory,
    kvCacheBytesPerToken: s.kvCacheBytesPerToken,
    servingDtype: s.servingDtype,
    serving: s.serving,
    computeBudget: s.computeBudget,
    chinchilla: s.chinchilla,
  };
}

export function calculate(form: CalculatorForm, folders: { bundled?: string; active?: string }, labels: { bundled: string; active: string; typed: string }): SizesView {
  const labelled = formArchitecture(form, folders, labels);
  return sizesView(labelled, modelSizes(labelled.architecture, sizeQuestion(form.question)));
}
