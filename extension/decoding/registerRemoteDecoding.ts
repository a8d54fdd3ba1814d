// The playground's remote mode: "Connect to an OpenAI-Compatible Server" and "Disconnect from
// Server". The playground starts its session again whenever the connection settings change.
import * as vscode from 'vscode';
import { log } from '../log';
import type { DecodingPanels } from './decodingPanel';
import { connectToServer, disconnectFromServer, type ConnectArgument } from './remoteConnection';

export function registerRemoteDecoding(context: vscode.ExtensionContext, panels: DecodingPanels): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('llmPipeline.connectRemoteServer', async (arg?: ConnectArgument) => {
      try {
        if (!(await connectToServer(context.secrets, arg))) return;
        log().info(`decoding playground: connected to ${vscode.workspace.getConfiguration('llmPipeline.remote').get('url')}`);
        panels.show().reload();
      } catch (error) {
        const message = (error as Error).message;
        log().error(`connect to server: ${message}`);
        void vscode.window.showErrorMessage(message);
      }
    }),
    vscode.commands.registerCommand('llmPipeline.disconnectRemoteServer', async () => {
      await disconnectFromServer();
      log().info('decoding playground: back to the local model');
    }),
  );
}
