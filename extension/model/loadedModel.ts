// One model folder, opened part by part as the inspectors ask for it: its description is read at
// once (a broken folder fails here, with the file and the problem), the tokenizer, weights and
// ONNX sessions only on first use. Each part is opened once and shared; a part that fails to
// open is not kept, so fixing the folder and asking again works.
// Given an InferenceHost (the extension always gives one), the ONNX Runtime sessions run in the
// inference process, behind the same Inspector and LanguageModel methods: a native crash there
// fails the request with a message, never the extension host. Without one (tests, benches) they
// run in this thread. Likewise, given TokenizerWorkers, the folder's tokenizer.json encodes in the
// limited tokenizer worker and only its tables stay here (engine/tokenizer/modelTokenizer.ts).
import type { TensorMap } from '../engine/gpt/tensor';
import type { InferenceHost } from '../engine/inference/inferenceHost';
import type { LanguageModel } from '../engine/model/languageModel';
import { readGPT2Weights } from '../engine/modelFolder/gpt2Weights';
import { readModelFolder, type ModelFolder } from '../engine/modelFolder/readModelFolder';
import type { Inspector } from '../engine/runtime/inspection';
import type { SessionSettings } from '../engine/runtime/ort';
import { LENS_TOP_K } from '../engine/runtime/topTokens';
import { loadTokenizerFile } from '../engine/tokenizer/loadTokenizerFile';
import { openModelTokenizer, tokenizerInThread, type ModelTokenizer } from '../engine/tokenizer/modelTokenizer';
import type { TokenizerWorkers } from '../engine/tokenizer/tokenizerWorkers';

export type ModelPart = 'tokenizer' | 'inspector' | 'languageModel';

/** A decode graph the caller releases when done: in this thread or in the inference process. */
export type OpenLanguageModel = LanguageModel & { release(): Promise<void> };

export class LoadedModel {
  private readonly parts = new Map<string, Promise<unknown>>();
  private readonly opened = new Set<ModelPart>();
  private weights: TensorMap | undefined;
  private released = false;

  private constructor(
    readonly folder: ModelFolder,
    private readonly settings: SessionSettings,
    private readonly inference: InferenceHost | undefined,
    private readonly tokenizers: TokenizerWorkers | undefined,
  ) {}

  /** Reads and checks the folder's description (config.json, tokenizer.json, which graphs exist). */
  static open(dir: string, settings: SessionSettings = {}, inference?: InferenceHost, tokenizers?: TokenizerWorkers): LoadedModel {
    return new LoadedModel(readModelFolder(dir), settings, inference, tokenizers);
  }

  get dir(): string {
    return this.folder.dir;
  }

  /** The folder's tokenizer.json (with tokenizer_config.json beside it). */
  tokenizer(): Promise<ModelTokenizer> {
    const { dir } = this.folder;
    return this.part('tokenizer', async () => (this.tokenizers ? openModelTokenizer(this.tokenizers, dir) : tokenizerInThread(await loadTokenizerFile(dir))));
  }

  /**
   * The inspection runner with the logit lens on: attention of every layer and head, and for our
   * GPT-2 the residual streams and their logit lens, cut to each cell's LENS_TOP_K tokens.
   */
  inspector(): Promise<Inspector> {
    return this.part('inspector', async () => {
      if (this.inference) return this.inference.openInspector(this.folder.dir, this.settings);
      // The graph builder, the ONNX schema and ONNX Runtime load with the first model, not with the extension.
      const { openGPT2Inspector, openInspector } = require('../engine/runtime/inspection') as typeof import('../engine/runtime/inspection');
      const weights = this.gpt2Weights();
      // As the inference process opens it (inferenceWorker.ts), so that the panels see one shape.
      const options = { ...this.settings, logitLens: true, lensTopK: LENS_TOP_K };
      if (weights && this.folder.gpt2) return openGPT2Inspector(this.folder.gpt2.gpt, weights, options);
      return openInspector(this.folder, options);
    });
  }

  /** The decode graph with its KV cache, for generation. */
  languageModel(): Promise<OpenLanguageModel> {
    return this.part<OpenLanguageModel>('languageModel', async () => {
      if (this.inference) return this.inference.openLanguageModel(this.folder.dir, this.settings);
      const { openLanguageModel } = require('../engine/runtime/openModelFolder') as typeof import('../engine/runtime/openModelFolder');
      return openLanguageModel(this.folder, this.settings);
    });
  }

  /** Our GPT-2's weights by Hugging Face name, read from model.safetensors once; undefined for a foreign model. */
  gpt2Weights(): TensorMap | undefined {
    if (!this.folder.gpt2 || !this.folder.safetensorsFile) return undefined;
    this.weights ??= readGPT2Weights(this.folder.safetensorsFile, this.folder.gpt2.gpt);
    return this.weights;
  }

  /** True once `part` has opened: asking for it again costs nothing (callers skip their progress UI). */
  isOpen(part: ModelPart): boolean {
    return this.opened.has(part);
  }

  /** Releases the ONNX sessions; the object must not be used afterwards. */
  async release(): Promise<void> {
    this.released = true;
    const sessions = ['inspector', 'languageModel'].map((key) => this.parts.get(key));
    this.parts.clear();
    this.opened.clear();
    this.weights = undefined;
    await Promise.all(
      sessions.map(async (part) => {
        const opened = (await part?.catch(() => undefined)) as { release(): Promise<void> } | undefined;
        await opened?.release();
      }),
    );
  }

  private part<T>(key: ModelPart, open: () => Promise<T>): Promise<T> {
    if (this.released) return Promise.reject(new Error(`${this.folder.name} was closed: open the model again`));
    let part = this.parts.get(key) as Promise<T> | undefined;
    if (!part) {
      const opening = open();
      opening.then(
        () => this.parts.get(key) === opening && this.opened.add(key),
        () => this.parts.get(key) === opening && this.parts.delete(key),
      );
      this.parts.set(key, opening);
      part = opening;
    }
    return part;
  }
}
