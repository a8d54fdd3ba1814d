// The API server's bearer token: made on the first start (24 random bytes, base64url) and kept in
// VS Code's SecretStorage (the system keychain where there is one), never in settings or files.
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

const TOKEN_KEY = 'llmPipeline.api.token';

export async function apiToken(secrets: vscode.SecretStorage): Promise<string> {
  const kept = await secrets.get(TOKEN_KEY);
  if (kept) return kept;
  const token = `llmp-${randomBytes(24).toString('base64url')}`;
  await secrets.store(TOKEN_KEY, token);
  return token;
}
