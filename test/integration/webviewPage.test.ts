// The HTML page every panel's webview starts from (extension/panels/webviewHtml.ts), built with the
// real vscode module: a strict Content-Security-Policy whose only script source is a nonce that is
// new on every page and carried by the one script that runs; the boot strings in a JSON element
// that no string can close early; the title escaped.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { webviewHtml } from '../../extension/panels/webviewHtml';
import { BOOT_ELEMENT_ID, type PanelBoot } from '../../webviews/shared/protocol';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
/** What a webview gives webviewHtml: its CSP source and resource URIs (here the file URI itself). */
const webview = { cspSource: CSP_SOURCE, asWebviewUri: (uri: vscode.Uri) => uri } as unknown as vscode.Webview;

/** The CSP's directives: name → sources. */
function directives(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.ok(content, 'the page has a Content-Security-Policy meta element');
  return new Map(content.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources]));
}

suite('Webview page (CSP, nonce, boot strings)', () => {
  const hostile = '</script><script>alert(1)</script><!-- \u2028 & "quoted" \'single\'';
  const boot: PanelBoot = { strings: { title: hostile, plain: 'Tokens' } };
  const page = () => webviewHtml(webview, vscode.Uri.file('/extension'), 'rag', `RAG <b>"${hostile}"</b>`, boot);

  test('the policy allows no default, no inline or eval script, and scripts only by this page\'s nonce', () => {
    const csp = directives(page());
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    const scripts = csp.get('script-src') ?? [];
    assert.equal(scripts.length, 1, `script-src ${scripts.join(' ')}`);
    assert.match(scripts[0], /^'nonce-[A-Za-z0-9+/]{22}==?'$/, '16 random bytes, base64');
    for (const [name, sources] of csp) {
      assert.ok(!sources.some((s) => s === '*' || s === "'unsafe-eval'" || /^https?:$/.test(s) || s.startsWith('http://')), `${name}: ${sources.join(' ')}`);
      if (name !== 'style-src') assert.ok(!sources.includes("'unsafe-inline'"), `${name} allows inline code`);
      for (const source of sources) assert.ok(source === CSP_SOURCE || source.startsWith("'") || source === 'data:' || source === 'blob:', `${name} allows ${source}`);
    }
  });

  test('every page has a new nonce, and the one script that runs carries it', () => {
    const [first, second] = [page(), page()];
    const nonceOf = (html: string) => /'nonce-([^']+)'/.exec(html)?.[1];
    assert.notEqual(nonceOf(first), nonceOf(second));
    const scripts = [...first.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    const running = scripts.filter((attributes) => !attributes.includes('type="application/json"'));
    assert.equal(running.length, 1);
    assert.ok(running[0].includes(`nonce="${nonceOf(first)}"`), running[0]);
    assert.match(running[0], /src="file:\/\/\/extension\/dist\/webviews\/rag\.js"/);
  });

  test('boot strings that hold </script> stay inside their JSON element and read back unchanged; the title is escaped', () => {
    const html = page();
    const opening = `<script type="application/json" id="${BOOT_ELEMENT_ID}">`;
    const start = html.indexOf(opening) + opening.length;
    assert.ok(start > opening.length - 1, 'the boot element is there');
    // A browser ends the element at the first "</script" (in any case) after it opens.
    const end = html.toLowerCase().indexOf('</script', start);
    const json = html.slice(start, end);
    assert.deepEqual(JSON.parse(json), boot);
    assert.ok(!/<!--|<script/i.test(json), json);
    const title = /<title>([^<]*)<\/title>/.exec(html)?.[1];
    assert.ok(title, 'the title holds no markup');
    assert.ok(!title.includes('"') && title.includes('&#60;b&#62;'), title);
  });
});
