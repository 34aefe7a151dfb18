/**
 * `/ws/live?session=ID`: stats, turns, errors and reloads of one session,
 * poured into the live store. Reconnects while the session is wanted, since
 * a server restart or a proxy hiccup should not end the live view.
 */
import { wsUrl } from '../api/api.ts';
import { liveStore } from '../store/liveStore.ts';
import { parseLiveMessage } from './parseLiveMessage.ts';

export class LiveChannel {
  private socket: WebSocket | null = null;
  private closed = false;
  private retries = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly sessionId: string) {
    liveStore.getState().reset('connecting', sessionId);
    this.open();
  }

  private open(): void {
    const socket = new WebSocket(wsUrl(`/ws/live?session=${encodeURIComponent(this.sessionId)}`));
    this.socket = socket;
    socket.onopen = () => {
      this.retries = 0;
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      const message = parseLiveMessage(event.data);
      if (!message) return;
      try {
        liveStore.getState().applyMessage(message);
      } catch {
        // A malformed message loses one tick of numbers, nothing more.
      }
    };
    socket.onclose = (event) => {
      this.socket = null;
      // 4404: the session is gone; `ended` already said so.
      if (this.closed || event.code === 4404 || liveStore.getState().status === 'ended') return;
      if (this.retries++ >= 5) return;
      this.timer = setTimeout(() => this.open(), 500 * this.retries);
    };
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close();
    this.socket = null;
  }
}
