// "Connect to an OpenAI-Compatible Server": the decoding playground then steps through a served
// model's next-token distribution (engine/remote) instead of the local model's. The URL and the
// model id are settings (the URL a restricted one: an untrusted workspace cannot point the
// extension at a server); the token is kept in SecretStorage. "Disconnect" goes back to the local model.
import * as vscode from 'vscode';
import { listRemoteModels, type RemoteServer } from '../engine/remote/topLogprobs';
import { runningApiServer } from '../serve/registerServe';
import { tokenLabel } from './tokenLabels';
import type { TokenWriter } from './stepHistory';
import type { RemoteLanguageModel } from '../engine/remote/remoteLanguageModel';
import { PICKER_OPTIONS } from '../panels/pickerOptions';

const TOKEN_KEY = 'llmPipeline.remote.token';
const SECTION = 'llmPipeline.remote';

/** The server the playground uses, or undefined when none is set (the local model is used). */
export async function connectedServer(secrets: vscode.SecretStorage): Promise<RemoteServer | undefined> {
  const settings = vscode.workspace.getConfiguration(SECTION);
  const url = settings.get<string>('url', '').trim().replace(/\/+$/, '');
  if (!url) return undefined;
  return { url, model: settings.get<string>('model', ''), token: (await secrets.get(TOKEN_KEY)) ?? '' };
}

/** What the connect command may be given: this extension's own server fills it in (and tests use it). */
export interface ConnectArgument {
  readonly url?: string;
  readonly token?: string;
  readonly model?: string;
}

/**
 * Asks for the URL, the token and the model (whatever `arg` does not give), checks them with
 * GET /models, and keeps them. While this extension's own server runs, its URL is offered first
 * and its token is used without asking.
 */
export async function connectToServer(secrets: vscode.SecretStorage, arg: ConnectArgument = {}): Promise<boolean> {
  const settings = vscode.workspace.getConfiguration(SECTION);
  const own = runningApiServer();
  const url = (
    arg.url ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Connect to an OpenAI-Compatible Server'),
      prompt: vscode.l10n.t('The base URL of the API, ending in /v1 (vLLM, llama.cpp server, Ollama, LM Studio, or this extension\'s own server).'),
      value: own?.address.url ?? (settings.get<string>('url') || 'http://127.0.0.1:8000/v1'),
      validateInput: (value) => (/^https?:\/\/\S+$/.test(value.trim()) ? undefined : vscode.l10n.t('Give an http:// or https:// URL.')),
    }))
  )?.trim().replace(/\/+$/, '');
  if (!url) return false;
  const token =
    arg.token ??
    (own?.address.url === url ? await own.token() : undefined) ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('API token for {0}', url),
      prompt: vscode.l10n.t('Sent as "Authorization: Bearer …"; kept in VS Code\'s secret storage. Leave empty for a server without one.'),
      password: true,
    }));
  if (token === undefined) return false;
  const models = await listRemoteModels(url, token);
  const model =
    arg.model ??
    (models.length === 1 ? models[0] : await vscode.window.showQuickPick(models, { ...PICKER_OPTIONS, title: vscode.l10n.t('Model served at {0}', url) }));
  if (!model) {
    if (models.length === 0) throw new Error(vscode.l10n.t('{0} lists no models.', url));
    return false;
  }
  await secrets.store(TOKEN_KEY, token);
  await settings.update('model', model, vscode.ConfigurationTarget.Global);
  await settings.update('url', url, vscode.ConfigurationTarget.Global);
  return true;
}

export async function disconnectFromServer(): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('url', undefined, vscode.ConfigurationTarget.Global);
}

/** The server's tokens are strings: labelled from their UTF-8 bytes, decoded by joining them. */
export function remoteTokenWriter(model: RemoteLanguageModel): TokenWriter {
  const utf8 = new TextEncoder();
  return {
    label: (id) => tokenLabel(utf8.encode(model.vocabulary.text(id))),
    decode: (ids) => model.decode(ids),
  };
}
