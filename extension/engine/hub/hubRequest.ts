// One HTTP GET against the Hub or its file CDN, with what a download needs and nothing else:
//   - redirects followed by hand (the Hub answers a large file with 302 to a CDN), keeping each
//     hop's headers, because the checksum (X-Linked-Etag) and the commit (X-Repo-Commit) are on the
//     Hub's own answer, not on the CDN's;
//   - the token sent to the Hub's origin only, never to the CDN a redirect points at;
//   - a proxy (VS Code's http.proxy, or HTTPS_PROXY): plain-http targets go to the proxy as an
//     absolute URL, https targets through a CONNECT tunnel;
//   - an AbortSignal that ends the request and the body.
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';

export interface HubRequestOptions {
  /** Bearer token, sent only to `tokenOrigin`. */
  readonly token?: string;
  /** The origin that may see the token: the Hub endpoint's. */
  readonly tokenOrigin?: string;
  /** http://host:port of a proxy; undefined connects directly. */
  readonly proxy?: string;
  readonly signal?: AbortSignal;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HubResponse {
  /** The final answer, body unread. */
  readonly response: http.IncomingMessage;
  /** Headers of every answer on the way, the first (the Hub's) first. */
  readonly hops: readonly http.IncomingHttpHeaders[];
  readonly url: string;
}

const MAX_REDIRECTS = 5;

export async function hubGet(url: string, options: HubRequestOptions = {}): Promise<HubResponse> {
  const hops: http.IncomingHttpHeaders[] = [];
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const response = await requestOnce(current, options);
    hops.push(response.headers);
    const location = response.headers.location;
    if (response.statusCode && response.statusCode >= 300 && response.statusCode < 400 && location) {
      response.resume();
      if (hop === MAX_REDIRECTS) throw new Error(`${url}: more than ${MAX_REDIRECTS} redirects`);
      current = new URL(location, current);
      continue;
    }
    return { response, hops, url: current.href };
  }
}

/** Reads a whole (small) body as text. */
export async function readBody(response: http.IncomingMessage, limit = 16 * 2 ** 20): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response) {
    length += (chunk as Buffer).length;
    if (length > limit) {
      response.destroy();
      throw new Error(`answer larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function requestOnce(url: URL, options: HubRequestOptions): Promise<http.IncomingMessage> {
  const headers: Record<string, string> = { 'user-agent': 'llm-pipeline-lab', 'accept-encoding': 'identity', ...options.headers };
  if (options.token && url.origin === options.tokenOrigin) headers.authorization = `Bearer ${options.token}`;
  const secure = url.protocol === 'https:';
  const proxy = options.proxy ? new URL(options.proxy) : undefined;
  const request = (): http.ClientRequest => {
    if (proxy && !secure) {
      // A plain-http target goes to the proxy with the absolute URL as its path.
      return http.request({ host: proxy.hostname, port: proxy.port || 80, path: url.href, headers: { ...headers, host: url.host }, signal: options.signal });
    }
    const target = { host: url.hostname, port: url.port || (secure ? 443 : 80), path: url.pathname + url.search, headers, signal: options.signal };
    if (!proxy) return (secure ? https : http).request(target);
    return https.request({ ...target, agent: false, createConnection: () => tunnelled });
  };
  // https through a proxy: open the CONNECT tunnel first, then speak TLS inside it.
  const tunnelled = proxy && secure ? await connectTunnel(proxy, url, options.signal) : undefined;
  return new Promise((resolve, reject) => {
    const req = request();
    req.on('response', (response) => {
      // A tunnel carries one request: closed with its answer, or it would hold the process open.
      if (tunnelled) response.once('close', () => tunnelled.destroy());
      resolve(response);
    });
    req.on('error', reject);
    req.end();
  });
}

function connectTunnel(proxy: URL, url: URL, signal: AbortSignal | undefined): Promise<tls.TLSSocket> {
  const authority = `${url.hostname}:${url.port || 443}`;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: proxy.hostname, port: proxy.port || 80, method: 'CONNECT', path: authority, headers: { host: authority }, signal });
    req.on('connect', (answer, socket) => {
      if (answer.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`proxy ${proxy.host} refused the tunnel to ${authority}: HTTP ${answer.statusCode}`));
        return;
      }
      const secured = tls.connect({ socket, servername: url.hostname });
      secured.once('close', () => socket.destroy());
      resolve(secured);
    });
    req.on('error', reject);
    req.end();
  });
}
