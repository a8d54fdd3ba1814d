// Smoke test of the whole stack: the workbench loads in a browser with this extension under
// development, its commands reach the palette, and its activation shows in its output channel.
import { e2e } from './framework';
import { localizedManifest } from '../unit/manifest';

interface ContributedCommand {
  readonly command: string;
  readonly title: string;
  readonly category?: string;
}

// As VS Code shows it: titles come from package.nls.json.
const manifest = localizedManifest<{
  contributes: { commands?: ContributedCommand[] };
}>();

e2e('the workbench loads with the extension, which activates and logs', async (vs) => {
  await vs.openWorkspace({ 'notes.txt': 'The quick brown fox\njumps over the lazy dog.\n' });
  await vs.openFile('notes.txt', 'brown fox\njumps');

  // Contributions come from the remote extension host; the palette lists them once it has them.
  const first = manifest.contributes.commands?.[0];
  if (first) await vs.waitForCommand(first.category ? `${first.category}: ${first.title}` : first.title);

  // extension/extension.ts logs "... activated in N ms" to the channel when it activates.
  const log = await vs.showOutputChannel('LLM Pipeline Lab');
  await log.getByText(/activated/).waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('smoke-workbench');
});
