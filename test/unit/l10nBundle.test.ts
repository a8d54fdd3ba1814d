// Every string the extension passes to l10n.t is in l10n/bundle.l10n.json, the file translators
// start from: @vscode/l10n-dev extracts them again here and the result must equal the committed
// bundle (run `npm run l10n` after adding or changing a string).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

describe('l10n bundle', function () {
  this.timeout(60_000);

  it('holds exactly the strings the extension translates', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'l10n-'));
    try {
      execFileSync(process.execPath, [require.resolve('@vscode/l10n-dev/dist/cli.js', { paths: [root] }), 'export', '--outDir', out, path.join(root, 'extension')], { stdio: 'pipe' });
      const extracted = JSON.parse(fs.readFileSync(path.join(out, 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
      const committed = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
      assert.ok(Object.keys(extracted).length > 300, 'the extraction found the panels\' strings');
      assert.deepEqual(committed, extracted, 'l10n/bundle.l10n.json is out of date: run npm run l10n');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
