// The host side of every download from the Hugging Face Hub: a cancellable progress notification,
// the endpoint (the llmPipeline.huggingFace.endpoint setting, else HF_ENDPOINT), the proxy (VS
// Code's http.proxy, else HTTPS_PROXY) and the token for gated repositories (kept in
// SecretStorage, asked for when the Hub answers 401/403, else HF_TOKEN). What is fetched is the
// caller's: a model the inspectors run (downloadModelCommand.ts), a sentence-embedding model for
// RAG (rag/chooseEmbedder.ts). The transfer is streaming I/O; hashing runs in native code chunk
// by chunk, so the host stays free.
import * as vscode from 'vscode';
import { type DownloadedSnapshot, type HubOptions, megabytes } from '../engine/hub/downloadSnapshot';
import { DownloadCancelledError, HubError } from '../engine/hub/hubError';
import { environmentToken } from '../engine/hub/hubLocation';
import { log } from '../log';

const TOKEN_KEY = 'llmPipeline.huggingFace.token';

/** What a download is given by the host; the caller adds what to fetch. */
export type HostHubOptions = Pick<HubOptions, 'endpoint' | 'token' | 'proxy' | 'signal' | 'onProgress'>;

/**
 * Runs `fetch` for `repo` with the host's Hub options. Returns its result, or undefined when the
 * user cancelled or the download failed (the error is shown and logged).
 */
export async function hubDownload<T extends DownloadedSnapshot>(
  context: vscode.ExtensionContext,
  repo: string,
  fetch: (options: HostHubOptions) => Promise<T>,
): Promise<T | undefined> {
  let token = (await context.secrets.get(TOKEN_KEY)) ?? environmentToken();
  for (;;) {
    try {
      return await withProgress(repo, token, fetch);
    } catch (error) {
      if (error instanceof HubError && (error.status === 401 || error.status === 403)) {
        const given = await askForToken(error.message);
        if (given === undefined) return undefined;
        await context.secrets.store(TOKEN_KEY, given);
        token = given;
        continue;
      }
      log().error(`download ${repo}: ${(error as Error).message}`);
      void vscode.window.showErrorMessage((error as Error).message);
      return undefined;
    }
  }
}

function withProgress<T extends DownloadedSnapshot>(repo: string, token: string | undefined, fetch: (options: HostHubOptions) => Promise<T>): Thenable<T | undefined> {
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
        const result = await fetch({
          endpoint,
          token,
          proxy,
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
