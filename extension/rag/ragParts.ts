// What indexing and retrieval run with: the active model's tokenizer (chunks are counted in the
// tokens of the model that will read them) and the embedder, a sentence-embedding model when
// llmPipeline.rag.embeddingModel names one, else the active model's pooled hidden states.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Embedder } from '../engine/rag/embedder';
import type { IndexerParts, IndexSettings } from '../engine/rag/indexer';
import type { EmbedderSpec, IndexPartsSpec } from '../engine/rag/indexJobs';
import { fittedIndexSettings } from '../engine/rag/indexSettings';
import { hiddenStateEmbedder } from '../engine/rag/modelEmbedder';
import type { ModelTokenizer } from '../engine/tokenizer/modelTokenizer';
import type { ActiveModel } from '../model/activeModel';
import type { LoadedModel } from '../model/loadedModel';
import { embeddingModelSetting, ragIndexSettings } from './ragSettings';

export { DEFAULT_ANSWER_TOKENS, PROMPT_SOURCES } from '../engine/rag/indexSettings';

export interface RagParts extends Omit<IndexerParts, 'tokenizer'> {
  /** Encodes in the limited tokenizer worker (the model's tokenizer.json is untrusted). */
  readonly tokenizer: ModelTokenizer;
  readonly model: LoadedModel;
  /** The same embedder as a folder, for the index worker to open in its own process. */
  readonly embedderSpec: EmbedderSpec;
}

export class RagPartsCache implements vscode.Disposable {
  private sentence: { dir: string; embedder: Promise<Embedder> } | undefined;

  constructor(private readonly activeModel: ActiveModel) {}

  async parts(): Promise<RagParts> {
    const model = await this.activeModel.load();
    const tokenizer = await model.tokenizer();
    // Read once: the embedder opened here and the one the worker opens are the same folder.
    const dir = embeddingModelSetting();
    const embedderSpec: EmbedderSpec = dir ? { kind: 'sentence', dir: path.resolve(dir) } : { kind: 'model', dir: model.dir };
    return { model, tokenizer, embedder: await this.embedder(model, dir), embedderSpec, settings: fittedSettings(model) };
  }

  /** The same parts as folders and settings, for the index worker to open in its own process. */
  spec(parts: RagParts): IndexPartsSpec {
    return { tokenizerDir: parts.model.dir, embedder: parts.embedderSpec, settings: parts.settings };
  }

  dispose(): void {
    void this.sentence?.embedder.then((e) => e.release(), () => undefined);
    this.sentence = undefined;
  }

  private async embedder(model: LoadedModel, dir: string): Promise<Embedder> {
    if (dir) {
      if (this.sentence?.dir !== dir) {
        this.dispose();
        const embedder = this.activeModel.inference.openSentenceEmbedder(dir);
        embedder.catch(() => this.sentence?.embedder === embedder && (this.sentence = undefined));
        this.sentence = { dir, embedder };
      }
      return this.sentence.embedder.catch((error: Error) => {
        throw new Error(vscode.l10n.t('Setting llmPipeline.rag.embeddingModel: {0}', error.message));
      });
    }
    const gpt = model.folder.gpt2?.gpt;
    if (!gpt) {
      throw new Error(
        vscode.l10n.t('{0} does not expose its hidden states: set llmPipeline.rag.embeddingModel to a sentence-embedding model folder.', model.folder.name),
      );
    }
    const embedder = hiddenStateEmbedder(path.basename(model.dir), `model:${path.resolve(model.dir)}`, await model.tokenizer(), await model.inspector(), gpt.n_embd);
    // The inspector belongs to the shared LoadedModel, which releases it.
    return { ...embedder, release: async () => undefined };
  }
}

/** The settings, with chunks no larger than the active model's context window can hold as sources. */
function fittedSettings(model: LoadedModel): IndexSettings {
  return fittedIndexSettings(ragIndexSettings(), model.folder.config.contextLength);
}
