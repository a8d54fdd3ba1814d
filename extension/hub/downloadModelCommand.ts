// "LLM Pipeline: Download Model from Hugging Face…": choose a model (chooseRepo.ts), download what
// the engine runs into the Hugging Face cache with a cancellable progress notification, and make
// it the model the inspectors run. The endpoint is the llmPipeline.huggingFace.endpoint setting,
// else HF_ENDPOINT; the proxy is VS Code's http.proxy, else HTTPS_PROXY; the token for gated
// repositories is kept in SecretStorage (asked for when the Hub answers 401), else HF_TOKEN.
// The transfer is streaming I/O; hashing runs in native code chunk by chunk, so the host stays free.
import * as vscode from 'vscode';
import { downloadModel, type DownloadedModel } from '../engine/hub/downloadModel';
import { megabytes } from '../engine/hub/downloadSnapshot';
import { DownloadCancelledError, HubError } from '../engine/hub/hubError';
import { environmentToken } from '../engine/hub/hubLocation';
import type { DecodeGraphName } from '../engine/hub/modelFiles';
import { log } from '../log';
import type { ActiveModel } from '../model/activeModel';
import { chooseRepo } from './chooseRepo';

const TOKEN_KEY = 'llmPipeline.huggingFace.token';

/** With `repo` (from a caller that knows it) the quick pick is skipped. Returns the snapshot folder, or undefined when nothing was downloaded. */
export async function downloadModelCommand(context: vscode.ExtensionContext, model: ActiveModel, repo?: string): Promise<string | undefined> {
  const chosen = repo ? { repo, model: undefined } : await chooseRepo();
  if (!chosen) return undefined;
  let token = (await context.secrets.get(TOKEN_KEY)) ?? environmentToken();
  for (;;) {
    try {
      const result = await download(chosen.repo, chosen.model?.graph, token);
      if (!result) return undefined;
      await model.setFolder(result.dir);
      const open = vscode.l10n.t('Inspect Attention');
      void vscode.window
        .showInformationMessage(vscode.l10n.t('Downloaded {0}: the inspectors now run it ({1}, from {2}).', result.repo, result.weights, result.dir), open)
        .then((answer) => answer === open && vscode.commands.executeCommand('llmPipeline.inspectAttention'));
      return result.dir;
    } catch (error) {
      if (error instanceof HubError && (error.status === 401 || error.status === 403)) {
        const given = await askForToken(error.message);
        if (given === undefined) return undefined;
        await context.secrets.store(TOKEN_KEY, given);
        token = given;
        continue;
      }
      log().error(`download ${chosen.repo}: ${(error as Error).message}`);
      void vscode.window.showErrorMessage((error as Error).message);
      return undefined;
    }
  }
}

function download(repo: string, graph: DecodeGraphName | undefined, token: string | undefined): Thenable<DownloadedModel | undefined> {
  const settings = vscode.workspace.getConfiguration();
  const endpoint = settings.get<string>('llmPipeline.huggingFace.endpoint')?.trim() || undefined;
  const proxy = settings.get<string>('http.proxy')?.trim() || process.env.HTTPS_PROXY || process.env.https_proxy || undefined;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Downloading {0}', repo), cancellable: true },
    async (progress, cancellation) => {
      const controller = new AbortController();
      const subscription = cancellation.onCancellationRequested(() => controller.abort());
      let reported = 0;
      try {
        const result = await downloadModel(repo, {
          endpoint,
          token,
          proxy,
          preferredGraph: graph,
          signal: controller.signal,
          onProgress: (p) => {
            const percent = (100 * p.bytes) / Math.max(p.totalBytes, 1);
            progress.report({ increment: percent - reported, message: vscode.l10n.t('{0} ({1} of {2})', p.file, megabytes(p.bytes), megabytes(p.totalBytes)) });
            reported = percent;
          },
        });
        log().info(`downloaded ${repo} at ${result.commit} into ${result.dir}: ${result.files.map((f) => f.path).join(', ')}`);
        return result;
      } catch (error) {
        if (error instanceof DownloadCancelledError) {
          log().info(error.message);
          void vscode.window.showInformationMessage(vscode.l10n.t('Download of {0} cancelled; what was fetched is kept, and downloading it again resumes from there.', repo));
          return undefined;
        }
        throw error;
      } finally {
        subscription.dispose();
      }
    },
  );
}

function askForToken(problem: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('Hugging Face token'),
    prompt: vscode.l10n.t('{0}. Paste a token with read access (huggingface.co/settings/tokens); it is kept in VS Code\'s secret storage.', problem),
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('A token is needed to download this repository')),
  });
}
