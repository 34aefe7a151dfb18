import type { Logger } from '#engine';
import type { RedisClient } from '../cluster/redisConnection.ts';
import { isValidGraphName, isValidRevision } from './graphName.ts';
import type { GraphChangeMessage } from './redisGraphKeys.ts';

export interface DeploySubscriptionOptions {
  /** The worker's client; the subscription runs on a duplicate of it (a subscribed connection can do nothing else). */
  redis: RedisClient;
  channel: string;
  logger: Logger;
  /** A well-formed announcement of a write. */
  onChange(message: GraphChangeMessage): void;
  /**
   * The subscription is (again) listening: whatever was announced while it was not
   * is lost (pub/sub delivers at most once), so the store compares what it has.
   */
  onListening(): void;
}

/**
 * The graph store's subscription to the cluster's change channel, kept across
 * Redis restarts: node-redis reconnects and subscribes again by itself; this
 * reports each time it listens again so nothing announced meanwhile is missed.
 */
export class DeploySubscription {
  private readonly subscriber: RedisClient;
  private subscribed = false;
  private down = false;
  private closed = false;

  constructor(private readonly options: DeploySubscriptionOptions) {
    this.subscriber = options.redis.duplicate();
    // Without a listener an 'error' event would crash the process; the client reconnects by itself.
    this.subscriber.on('error', (error: Error) => {
      if (this.down || this.closed) return;
      this.down = true;
      options.logger.warn(
        { err: errorText(error) },
        'graph store: lost the deploy subscription; reconnecting',
      );
    });
    this.subscriber.on('ready', () => {
      if (this.down)
        options.logger.info(
          { channel: options.channel },
          'graph store: deploy subscription reconnected; checking for missed deploys',
        );
      this.down = false;
      // Only the first subscribe is ours. Listening first, then comparing: a deploy lands in one or the other.
      const listening = this.subscribed ? Promise.resolve() : this.subscribe();
      void listening.then(() => options.onListening());
    });
    this.subscriber.connect().catch((error: unknown) => {
      if (!this.closed)
        options.logger.warn({ err: errorText(error) }, 'graph store: subscriber cannot connect');
    });
  }

  /** Resolves once listening, or after `timeoutMs` (it keeps trying after that). */
  async listening(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.subscribed && !this.closed && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    if (!this.subscribed)
      this.options.logger.warn(
        { channel: this.options.channel },
        'graph store: not yet subscribed to deploys; will subscribe when redis answers',
      );
  }

  close(): void {
    this.closed = true;
    // Ours alone, and it only holds the subscription: nothing to flush.
    this.subscriber.destroy();
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.options.channel, this.onMessage);
      this.subscribed = true;
    } catch (error) {
      // The next 'ready' tries again.
      this.options.logger.warn(
        { err: errorText(error) },
        'graph store: cannot subscribe to deploys',
      );
    }
  }

  private readonly onMessage = (raw: string): void => {
    const message = parseChangeMessage(raw);
    if (message) this.options.onChange(message);
    else
      this.options.logger.warn(
        { message: raw.slice(0, 200) },
        'graph store: ignored a malformed change',
      );
  };
}

function parseChangeMessage(raw: string): GraphChangeMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const { name, revision, worker } = (value ?? {}) as Record<string, unknown>;
  if (!isValidGraphName(name) || typeof worker !== 'string') return undefined;
  if (revision !== undefined && !isValidRevision(revision)) return undefined;
  return { name, revision, worker };
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
