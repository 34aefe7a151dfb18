import { WebSocket } from 'ws';

/** The HTTP status a WebSocket upgrade gets: 101 when it opens (then closed again), else the refusal's status. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', (e) =>
      String(e).includes('Unexpected server response') ? undefined : reject(e),
    );
  });
}
