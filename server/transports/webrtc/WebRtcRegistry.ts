import { randomUUID } from 'node:crypto';
import { WebRtcConnection, type WebRtcConnectionOptions } from './WebRtcConnection.ts';

export type NewConnectionOptions = Omit<WebRtcConnectionOptions, 'pcId' | 'onClosed'> & {
  /** Runs once when the connection closes (release its admission slot). */
  onClosed?: () => void;
};

/**
 * The live WebRTC peers by `pc_id`. Ids are random UUIDs: PATCH and
 * renegotiation find a peer by id alone, so a guessable one would let
 * anyone inject candidates into someone else's call. Connections remove
 * themselves when they close.
 */
export class WebRtcRegistry {
  private readonly connections = new Map<string, WebRtcConnection>();

  constructor(private readonly maxConnections: number) {}

  get size(): number {
    return this.connections.size;
  }

  get isFull(): boolean {
    return this.connections.size >= this.maxConnections;
  }

  get(pcId: string): WebRtcConnection | undefined {
    return this.connections.get(pcId);
  }

  create(options: NewConnectionOptions): WebRtcConnection {
    const { onClosed, ...rest } = options;
    const connection = new WebRtcConnection({
      ...rest,
      pcId: `parley-${randomUUID()}`,
      onClosed: (closed) => {
        if (this.connections.get(closed.pcId) === closed) this.connections.delete(closed.pcId);
        onClosed?.();
      },
    });
    this.connections.set(connection.pcId, connection);
    return connection;
  }

  closeAll(reason: string): void {
    for (const connection of [...this.connections.values()]) connection.close(reason);
  }
}
