// `npm run cli -- download` through an HTTPS proxy, as behind a company firewall: the fake hub and
// its CDN speak TLS with a certificate made for this test (trusted through NODE_EXTRA_CA_CERTS, as
// a company's own CA would be), HTTPS_PROXY names a proxy that only opens CONNECT tunnels, and the
// CLI runs in its own process with that environment. Every byte must go through a tunnel, the
// files must arrive whole, and the process must end once they have (a tunnel left open held it for
// a minute and a half). Without the certificate trusted, the download must fail on it.
import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeHub, repoFromFolder } from '../fixtures/hub/fakeHub';

const ROOT = path.join(__dirname, '..', '..');
const BUNDLED = path.join(ROOT, 'models', 'tinystories-1m');
const REPO = 'llm-pipeline-lab/tinystories-1m';

/** A proxy that opens CONNECT tunnels and refuses anything else; it records both. */
async function startTunnelProxy() {
  const tunnels: string[] = [];
  const refused: string[] = [];
  const server = http.createServer((req, res) => {
    refused.push(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host === 'localhost' ? '127.0.0.1' : host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const close = () => [upstream, client].forEach((s) => s.destroy());
    upstream.on('error', close);
    client.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, tunnels, refused, server };
}

function download(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'extension', 'engine', 'cli', 'main.ts'), 'download', REPO], { cwd: ROOT, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('cli download through an HTTPS proxy (CONNECT tunnels)', function () {
  this.timeout(120_000);
  let dir: string;
  let hub: FakeHub;
  let proxy: Awaited<ReturnType<typeof startTunnelProxy>>;
  let cert: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-tunnel-'));
    cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { encoding: 'utf8' });
    assert.equal(made.status, 0, `openssl made the test certificate: ${made.stderr}`);
    hub = await FakeHub.start([repoFromFolder(REPO, BUNDLED)], { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') });
    proxy = await startTunnelProxy();
  });
  after(async () => {
    await hub?.close();
    proxy?.server.closeAllConnections();
    proxy?.server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('downloads every file through tunnels to the hub and its CDN, whole', async function () {
    // The download takes seconds; a tunnel left open kept the process alive for 90 s.
    this.timeout(60_000);
    const env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: path.join(dir, 'cache'), HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: cert };
    const { code, stdout, stderr } = await download(env);
    assert.equal(code, 0, stderr);
    const snapshot = stdout.trim().split('\n').at(-1) ?? '';
    assert.equal(sha256(path.join(snapshot, 'model.safetensors')), sha256(path.join(BUNDLED, 'model.safetensors')));
    const hubPort = new URL(hub.url).port;
    assert.ok(proxy.tunnels.includes(`localhost:${hubPort}`), `a tunnel to the hub: ${proxy.tunnels.join(', ')}`);
    assert.ok(proxy.tunnels.some((t) => t !== `localhost:${hubPort}`), 'a tunnel to the CDN the weights were redirected to');
    assert.deepEqual(proxy.refused, [], 'nothing went to the proxy outside a tunnel');
    assert.ok(hub.requests.some((r) => r.server === 'cdn' && r.url.startsWith('/lfs/')), 'the weights came from the CDN');
  });

  it('fails on the certificate when it is not trusted, and leaves no snapshot', async () => {
    const cache = path.join(dir, 'untrusted-cache');
    const { code, stderr } = await download({ HF_ENDPOINT: hub.url, HF_HUB_CACHE: cache, HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: '' });
    assert.notEqual(code, 0);
    assert.match(stderr, /certificate/i);
    const snapshots = path.join(cache, `models--${REPO.replace('/', '--')}`, 'snapshots');
    assert.ok(!fs.existsSync(snapshots) || fs.readdirSync(snapshots).length === 0, 'no snapshot folder');
  });
});
