/** https → wss, http → ws: a WebSocket on the same host as an HTTP URL. */
export function toWebSocketUrl(httpUrl: string): string {
  return httpUrl.replace(/^http(s?):/i, (_m, s: string) => `ws${s}:`);
}
