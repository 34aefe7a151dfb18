import { EventEmitter } from 'node:events';
import { type Logger, silentLogger } from '#engine';
import type { GraphSummary, GraphVersion } from '../api/restTypes.ts';
import type { RedisClient } from '../cluster/redisConnection.ts';
import { boundedRedisCommand, redisReady } from './boundedRedisCommand.ts';
import { DeploySubscription } from './DeploySubscription.ts';
import type { GraphChange, GraphStorage, GraphStoreEvents, StoredGraph } from './GraphStorage.ts';
import { isValidGraphName, isValidRevision } from './graphName.ts';
import {
  type GraphText,
  MAX_VERSIONS,
  parseGraphText,
  revisionOf,
  serialiseGraph,
  storedGraphOf,
} from './graphText.ts';
import { KeyedMutex } from './KeyedMutex.ts';
import {
  type GraphChangeMessage,
  graphTextFromHash,
  type RedisGraphKeys,
  redisGraphKeys,
} from './redisGraphKeys.ts';
import {
  REMOVE_GRAPH_SCRIPT,
  SEED_GRAPHS_SCRIPT,
  WRITE_GRAPH_SCRIPT,
} from './redisGraphScripts.ts';
import {
  GraphExistsError,
  GraphFileError,
  GraphNotFoundError,
  StaleRevisionError,
} from './StoreErrors.ts';
import { StoreUnavailableError } from './StoreUnavailableError.ts';
import { readGraphsDir } from './seedGraphs.ts';

export interface RedisGraphStoreOptions {
  /** The worker's Redis client (connected, or connecting); a duplicate of it subscribes to deploys. */
  redis: RedisClient;
  /** This worker's id: written into each change it publishes, so it skips its own. */
  workerId: string;
  /** Graphs a store that was never filled starts with (the default agent); also what this worker serves if Redis is down when it starts. */
  seedDir?: string;
  logger?: Logger;
  /** Default `parley`. */
  keyPrefix?: string;
  /** A command that takes longer counts as Redis being unavailable. Default 2 s. */
  commandTimeoutMs?: number;
  /** How long `init` waits for a client that is still connecting. Default 3 s. */
  connectWaitMs?: number;
}

type WriteReply = [string, ...string[]];

/**
 * The cluster's graph store in Redis (key layout: redisGraphKeys.ts): the same
 * surface, answers and errors as the file store, so routes and sessions take
 * either. Every write is one Lua script (revision check, write, version
 * history, announcement) and every worker's store turns other workers'
 * announcements into `change` events (`source: 'remote'`), which hot-reload
 * that graph's live sessions wherever they run.
 *
 * Pub/sub delivers at most once: a worker cut off from Redis misses what was
 * announced meanwhile, so whenever its connections come back it compares the
 * stored revisions with the ones it last announced and announces what changed.
 *
 * While Redis is unreachable, reads answer from the graphs last seen (so new
 * calls on this worker still start) and writes fail with StoreUnavailableError.
 */
export class RedisGraphStore extends EventEmitter<GraphStoreEvents> implements GraphStorage {
  private readonly redis: RedisClient;
  private readonly keys: RedisGraphKeys;
  private readonly logger: Logger;
  private readonly workerId: string;
  private readonly commandTimeoutMs: number;
  /** The graphs last read from Redis: what reads answer while it is unreachable. */
  private readonly cache = new Map<string, GraphText>();
  /** Per graph, the revision this worker's sessions were last told about (by a write here or an announcement). */
  private readonly announced = new Map<string, string>();
  /** Announcements of one graph are handled in order. */
  private readonly changes = new KeyedMutex();
  private subscription: DeploySubscription | undefined;
  /**
   * The latest sync with Redis, queued on each (re)connection. Reads and writes wait
   * for it: a Redis that restarted empty must get its graphs back before anyone
   * reads it (and before a read could make this worker forget them).
   */
  private syncing: Promise<void> = Promise.resolve();
  private synced = false;
  private closed = false;

  constructor(private readonly options: RedisGraphStoreOptions) {
    super();
    this.redis = options.redis;
    this.keys = redisGraphKeys(options.keyPrefix);
    this.logger = options.logger ?? silentLogger;
    this.workerId = options.workerId;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 2_000;
  }

  async init(): Promise<void> {
    this.redis.on('ready', this.requestSync);
    const waitMs = this.options.connectWaitMs ?? 3_000;
    await redisReady(this.redis, waitMs);
    this.subscription = new DeploySubscription({
      redis: this.redis,
      channel: this.keys.channel,
      logger: this.logger,
      onChange: this.onChange,
      onListening: this.requestSync,
    });
    if (this.redis.isReady) {
      this.requestSync();
      await this.syncing;
      await this.subscription.listening(waitMs);
    }
    if (!this.synced && this.options.seedDir) {
      // Redis is down as this worker starts: serve the graphs on disk until it is back.
      for (const g of await readGraphsDir(this.options.seedDir)) {
        this.cache.set(g.name, g);
        // Sessions started on these are reloaded if Redis turns out to hold other revisions.
        this.announced.set(g.name, g.revision);
      }
      this.logger.warn(
        { graphs: this.cache.size },
        'graph store: redis unavailable at start; serving the graphs directory until it is back',
      );
    }
  }

  async list(): Promise<GraphSummary[]> {
    await this.syncing;
    const graphs = await this.readOr(
      () => this.fetchAll(),
      () => new Map(this.cache),
    );
    const out: GraphSummary[] = [];
    // In code-unit order, like the file store's directory listing.
    const names = [...graphs.keys()].sort();
    for (const g of names.map((name) => graphs.get(name) as GraphText)) {
      const updatedAt = new Date(g.updatedAtMs).toISOString();
      try {
        const graph = parseGraphText(g.name, g.revision, g.text);
        const description = (graph as { description?: unknown } | null)?.description;
        out.push({
          name: g.name,
          revision: g.revision,
          description: typeof description === 'string' ? description : undefined,
          updatedAt,
        });
      } catch (error) {
        if (!(error instanceof GraphFileError)) throw error;
        out.push({ name: g.name, revision: g.revision, updatedAt, error: error.message });
      }
    }
    return out;
  }

  async get(name: string): Promise<StoredGraph | undefined> {
    if (!isValidGraphName(name)) throw new GraphNotFoundError(String(name));
    await this.syncing;
    const found = await this.readOr(
      () => this.fetch(name),
      () => this.cache.get(name),
    );
    return found && storedGraphOf(found);
  }

  create(name: string, graph: unknown): Promise<StoredGraph> {
    const text = serialiseGraph(graph);
    return this.write(`save graph '${name}'`, name, 'create', '', revisionOf(text), text);
  }

  update(name: string, graph: unknown, expectedRevision: string): Promise<StoredGraph> {
    const text = serialiseGraph(graph);
    return this.write(
      `save graph '${name}'`,
      name,
      'update',
      expectedRevision,
      revisionOf(text),
      text,
    );
  }

  restore(name: string, revision: string): Promise<StoredGraph> {
    if (!isValidRevision(revision))
      throw new GraphNotFoundError(name, `revision '${revision}' of graph '${name}'`);
    return this.write(`restore graph '${name}'`, name, 'restore', '', revision, '');
  }

  async remove(name: string): Promise<void> {
    this.checkName(name);
    await this.syncing;
    const reply = (await this.command(`delete graph '${name}'`, () =>
      this.redis.eval(REMOVE_GRAPH_SCRIPT, {
        keys: [this.keys.index, this.keys.graph(name)],
        arguments: [name, this.keys.channel, this.workerId],
      }),
    )) as WriteReply;
    if (reply[0] === 'missing') throw new GraphNotFoundError(name);
    this.cache.delete(name);
    this.announced.delete(name);
    this.announce({ name, source: 'api' });
  }

  async versions(name: string): Promise<GraphVersion[]> {
    this.checkName(name);
    const entries = await this.command(`read the versions of graph '${name}'`, () =>
      this.redis.zRangeWithScores(this.keys.versions(name), 0, -1, { REV: true }),
    );
    return entries.map(({ value, score }) => ({
      revision: String(value),
      savedAt: new Date(score).toISOString(),
    }));
  }

  async version(name: string, revision: string): Promise<unknown> {
    this.checkName(name);
    if (!isValidRevision(revision))
      throw new GraphNotFoundError(name, `revision '${revision}' of graph '${name}'`);
    const text = await this.command(`read graph '${name}' at ${revision}`, () =>
      this.redis.hGet(this.keys.versionTexts(name), revision),
    );
    if (text === null || text === undefined)
      throw new GraphNotFoundError(name, `revision '${revision}' of graph '${name}'`);
    return parseGraphText(name, revision, String(text));
  }

  /** Deploys are followed from `init` on: a worker that missed them would run stale graphs. */
  watch(): void {}

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.redis.off('ready', this.requestSync);
    this.subscription?.close();
  }

  private async write(
    what: string,
    name: string,
    mode: 'create' | 'update' | 'restore',
    expectedRevision: string,
    revision: string,
    text: string,
  ): Promise<StoredGraph> {
    this.checkName(name);
    await this.syncing;
    const reply = (await this.command(what, () =>
      this.redis.eval(WRITE_GRAPH_SCRIPT, {
        keys: [
          this.keys.index,
          this.keys.graph(name),
          this.keys.versions(name),
          this.keys.versionTexts(name),
        ],
        arguments: [
          name,
          mode,
          expectedRevision,
          revision,
          text,
          String(MAX_VERSIONS),
          this.keys.channel,
          this.workerId,
        ],
      }),
    )) as WriteReply;
    switch (reply[0]) {
      case 'exists':
        throw new GraphExistsError(name);
      case 'missing':
        throw new GraphNotFoundError(name);
      case 'stale':
        throw new StaleRevisionError(name, String(reply[1]));
      case 'no-version':
        throw new GraphNotFoundError(name, `revision '${revision}' of graph '${name}'`);
    }
    const saved: GraphText = {
      name,
      revision: String(reply[1]),
      updatedAtMs: Number(reply[2]),
      text: String(reply[3]),
    };
    this.cache.set(name, saved);
    this.announced.set(name, saved.revision);
    const stored = storedGraphOf(saved);
    this.announce({ name, stored, source: 'api' });
    return stored;
  }

  // --- deploys from other workers -------------------------------------------------------------

  private readonly onChange = (message: GraphChangeMessage): void => {
    if (message.worker === this.workerId) return; // announced by the write itself
    void this.changes
      .run(message.name, () => this.pickUp(message.name, message.revision, message.worker))
      .catch((error: unknown) =>
        // A later resync (reconnect) announces it; the session keeps its current graph meanwhile.
        this.logger.warn(
          { graph: message.name, err: errorText(error) },
          'graph store: could not read a graph deployed elsewhere',
        ),
      );
  };

  /** Announces the stored state of one graph if it differs from what this worker last announced. */
  private async pickUp(name: string, hint: string | undefined, from: string): Promise<void> {
    if (hint !== undefined && this.announced.get(name) === hint) return;
    const current = hint === undefined ? undefined : await this.fetch(name);
    this.announceIfChanged(name, current, from);
  }

  private announceIfChanged(name: string, current: GraphText | undefined, from: string): void {
    if (!current) {
      this.cache.delete(name);
      if (!this.announced.delete(name)) return;
      this.logger.info({ graph: name, from }, 'graph deleted by another worker');
      this.announce({ name, source: 'remote' });
      return;
    }
    this.cache.set(name, current);
    if (this.announced.get(name) === current.revision) return;
    const first = !this.announced.has(name) && from === 'sync';
    this.announced.set(name, current.revision);
    if (first) return; // what this worker found at start: nothing runs an older version
    let stored: StoredGraph;
    try {
      stored = storedGraphOf(current);
    } catch (error) {
      // Like a broken file on disk: live sessions keep running what they have.
      this.logger.warn(
        { graph: name, err: errorText(error) },
        'graph deployed elsewhere is unreadable',
      );
      return;
    }
    this.logger.info(
      { graph: name, revision: current.revision, from },
      'graph deployed by another worker',
    );
    this.announce({ name, stored, source: 'remote' });
  }

  private readonly requestSync = (): void => {
    if (this.closed) return;
    const run = () =>
      this.sync().catch((error: unknown) =>
        this.logger.warn({ err: errorText(error) }, 'graph store: sync with redis failed'),
      );
    this.syncing = this.syncing.then(run, run);
  };

  /**
   * Fills a store that was never filled (or that Redis lost: one without persistence
   * that restarted), then announces every graph whose revision moved while this worker
   * was not listening.
   */
  private async sync(): Promise<void> {
    if (this.closed || !this.redis.isReady) return;
    await this.seedIfEmpty();
    const graphs = await this.fetchAll();
    const names = new Set([...graphs.keys(), ...this.announced.keys()]);
    for (const name of names)
      await this.changes.run(name, async () =>
        this.announceIfChanged(name, graphs.get(name), 'sync'),
      );
    this.synced = true;
  }

  private async seedIfEmpty(): Promise<void> {
    const seeded = await this.command('check the graph store', () =>
      this.redis.exists(this.keys.seeded),
    );
    if (seeded) return;
    // After Redis lost its data, the graphs this worker last saw are newer than the directory's.
    const fromCache = this.cache.size > 0;
    const graphs = fromCache
      ? [...this.cache.values()]
      : this.options.seedDir
        ? await readGraphsDir(this.options.seedDir)
        : [];
    const keys = [this.keys.index, this.keys.seeded];
    const args = [String(MAX_VERSIONS), this.keys.channel, this.workerId];
    for (const g of graphs) {
      keys.push(
        this.keys.graph(g.name),
        this.keys.versions(g.name),
        this.keys.versionTexts(g.name),
      );
      args.push(g.name, g.revision, g.text, String(Math.round(g.updatedAtMs)));
    }
    const imported = await this.command('fill the graph store', () =>
      this.redis.eval(SEED_GRAPHS_SCRIPT, { keys, arguments: args }),
    );
    if (Number(imported) > 0)
      this.logger.warn(
        {
          graphs: Number(imported),
          from: fromCache ? 'this worker’s last known graphs' : this.options.seedDir,
        },
        fromCache
          ? 'graph store: redis had lost the graphs (no persistence?); restored the last known ones'
          : 'graph store: filled the empty cluster store',
      );
  }

  // --- reading Redis ----------------------------------------------------------------------------

  private async fetch(name: string): Promise<GraphText | undefined> {
    const hash = await this.command(`read graph '${name}'`, () =>
      this.redis.hGetAll(this.keys.graph(name)),
    );
    const found = graphTextFromHash(name, hash);
    if (found) this.cache.set(name, found);
    else this.cache.delete(name);
    return found;
  }

  private async fetchAll(): Promise<Map<string, GraphText>> {
    const index = await this.command('list graphs', () => this.redis.hGetAll(this.keys.index));
    const names = Object.keys(index).filter(isValidGraphName);
    const hashes = await this.command('read graphs', () =>
      Promise.all(names.map((name) => this.redis.hGetAll(this.keys.graph(name)))),
    );
    const out = new Map<string, GraphText>();
    names.forEach((name, i) => {
      const found = graphTextFromHash(name, hashes[i]);
      if (found) out.set(name, found);
    });
    this.cache.clear();
    for (const [name, g] of out) this.cache.set(name, g);
    return out;
  }

  /** A read that falls back to the last graphs seen when Redis cannot answer. */
  private async readOr<T>(fromRedis: () => Promise<T>, fromCache: () => T): Promise<T> {
    try {
      return await fromRedis();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      return fromCache();
    }
  }

  private command<T>(what: string, run: () => Promise<T>): Promise<T> {
    return boundedRedisCommand(this.redis, what, this.commandTimeoutMs, run);
  }

  private announce(change: GraphChange): void {
    try {
      this.emit('change', change);
    } catch (error) {
      // A listener's failure must not undo a write that happened, nor break the subscription.
      this.logger.error(
        { graph: change.name, err: errorText(error) },
        'graph change listener failed',
      );
    }
  }

  private checkName(name: string): void {
    if (!isValidGraphName(name)) throw new GraphNotFoundError(String(name));
  }
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
