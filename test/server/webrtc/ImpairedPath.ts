import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Impairment, UdpImpairmentRelay } from './UdpImpairmentRelay.ts';

/**
 * Puts a UdpImpairmentRelay on the media path of SmallWebRTC calls without touching client
 * or server: an HTTP proxy in front of /api/offer that edits the signalling.
 * - The offer loses its candidates and trickled PATCHes are sent with none, so the server
 *   never learns the client's real addresses (as behind a NAT without STUN) and can reach
 *   the client only through the relay, as the peer-reflexive source of its checks.
 * - The answer's candidates become one: the relay's port on the server's IPv4 address, and
 *   the relay forwards to the server's real candidate.
 * One relay per answered offer (`relays`), so a restart gets a fresh path.
 */
export class ImpairedPath {
  readonly relays: UdpImpairmentRelay[] = [];
  private constructor(
    private readonly http: Server,
    private readonly serverUrl: string,
    private readonly up: Impairment,
    private readonly down: Impairment,
  ) {}

  /** `up` impairs the client's microphone, `down` the bot's audio. */
  static async start(serverUrl: string, up: Impairment, down: Impairment): Promise<ImpairedPath> {
    let path: ImpairedPath | undefined;
    const http = createServer((req, res) => {
      path?.handle(req, res).catch((error: unknown) => {
        res.writeHead(502).end(String(error));
      });
    });
    path = new ImpairedPath(http, serverUrl, up, down);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return path;
  }

  /** The base URL to give the client instead of the server's. */
  get url(): string {
    const address = this.http.address();
    if (!address || typeof address === 'string') throw new Error('proxy not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** The newest call's relay. */
  get relay(): UdpImpairmentRelay | undefined {
    return this.relays.at(-1);
  }

  async close(): Promise<void> {
    for (const relay of this.relays) relay.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    if (body && req.method === 'POST' && typeof body.sdp === 'string')
      body = { ...body, sdp: withoutCandidates(body.sdp) };
    if (body && req.method === 'PATCH') body = { ...body, candidates: [] };
    const upstream = await fetch(this.serverUrl + (req.url ?? '/'), {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: body ? JSON.stringify(body) : Buffer.concat(chunks),
    });
    let text = await upstream.text();
    if (req.method === 'POST' && upstream.status === 200) {
      const answer = JSON.parse(text) as Record<string, unknown>;
      answer.sdp = await this.relayed(answer.sdp as string);
      text = JSON.stringify(answer);
    }
    res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
  }

  /** A relay towards the answer's first IPv4 candidate, and the answer pointing at it. */
  private async relayed(sdp: string): Promise<string> {
    const ipv4 = /^a=candidate:\S+ 1 udp \d+ (\d+\.\d+\.\d+\.\d+) (\d+) typ host/m.exec(sdp);
    if (!ipv4) throw new Error('the answer has no IPv4 host candidate to relay');
    const [, address, port] = ipv4;
    const relay = await UdpImpairmentRelay.start(this.up, this.down);
    relay.forwardTo(address, Number(port));
    this.relays.push(relay);
    const candidate = `a=candidate:relay 1 udp 2116026367 ${address} ${relay.port} typ host`;
    // One relay candidate where each m-section listed its candidates.
    return sdp
      .split('\r\n')
      .flatMap((line, i, lines) => {
        if (!line.startsWith('a=candidate:')) return [line];
        return lines[i - 1]?.startsWith('a=candidate:') ? [] : [candidate];
      })
      .join('\r\n');
  }
}

/**
 * The offer as Pipecat's client usually sends it: no candidates and no end-of-candidates.
 * (werift fails ICE at once when the remote ended its candidates with none it can pair.)
 */
function withoutCandidates(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') && line !== 'a=end-of-candidates')
    .join('\r\n');
}
