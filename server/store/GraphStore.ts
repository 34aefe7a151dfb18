import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type FSWatcher, watch } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Logger, silentLogger } from '#engine';
import type { GraphSummary, GraphVersion } from '../api/restTypes.ts';
import type { GraphStorage, GraphStoreEvents, StoredGraph } from './GraphStorage.ts';
import { isValidGraphName, isValidRevision } from './graphName.ts';
import { MAX_VERSIONS, parseGraphText, revisionOf, serialiseGraph } from './graphText.ts';
import { KeyedMutex } from './KeyedMutex.ts';
import {
  GraphExistsError,
  GraphFileError,
  GraphNotFoundError,
  StaleRevisionError,
} from './StoreErrors.ts';

export type { GraphChange, StoredGraph } from './GraphStorage.ts';
export { revisionOf } from './graphText.ts';

const VERSIONS_DIR = '.versions';
const WATCH_DEBOUNCE_MS = 150;

/**
 * Graphs as `DIR/NAME.json`, previous versions as `DIR/.versions/NAME/REVISION.json`.
 *
 * Every write goes to a temporary file first and is renamed into place, so a
 * reader (or the file watcher) never sees half a graph. Files edited by hand
 * are picked up by the watcher and announced like API saves.
 */
export class GraphStore extends EventEmitter<GraphStoreEvents> implements GraphStorage {
  private readonly mutex = new KeyedMutex();
  /** Last revision seen per graph, so the watcher can tell our own writes from outside edits. */
  private readonly known = new Map<string, string>();
  private watcher: FSWatcher | undefined;
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    readonly dir: string,
    private readonly logger: Logger = silentLogger,
  ) {
    super();
  }

  async init(): Promise<void> {
    await mkdir(path.join(this.dir, VERSIONS_DIR), { recursive: true });
    for (const name of await this.names()) {
      const loaded = await this.load(name).catch(() => undefined);
      if (!loaded) continue;
      this.known.set(name, loaded.stored.revision);
      await this.recordVersion(name, loaded.stored.revision, loaded.text, false);
    }
  }

  async list(): Promise<GraphSummary[]> {
    const out: GraphSummary[] = [];
    for (const name of await this.names()) {
      try {
        const stored = await this.get(name);
        if (!stored) continue;
        const description = (stored.graph as { description?: unknown } | null)?.description;
        out.push({
          name,
          revision: stored.revision,
          description: typeof description === 'string' ? description : undefined,
          updatedAt: stored.updatedAt,
        });
      } catch (error) {
        // One unreadable file must not hide the others.
        if (error instanceof GraphFileError) {
          const { mtime } = await stat(this.file(name));
          out.push({
            name,
            revision: error.revision,
            updatedAt: mtime.toISOString(),
            error: error.message,
          });
        } else {
          this.logger.warn({ graph: name, err: String(error) }, 'graph file unreadable');
        }
      }
    }
    return out;
  }

  /** Undefined when missing; throws GraphFileError when the file is not JSON or nests too deep. */
  async get(name: string): Promise<StoredGraph | undefined> {
    return (await this.load(name))?.stored;
  }

  private async load(name: string): Promise<{ stored: StoredGraph; text: string } | undefined> {
    const file = this.file(name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const { mtime } = await stat(file);
    const revision = revisionOf(text);
    return {
      stored: {
        name,
        revision,
        graph: parseGraphText(name, revision, text),
        updatedAt: mtime.toISOString(),
      },
      text,
    };
  }

  create(name: string, graph: unknown): Promise<StoredGraph> {
    return this.mutex.run(name, async () => {
      if (await this.get(name).catch(() => true)) throw new GraphExistsError(name);
      return this.write(name, graph);
    });
  }

  /** Replaces a graph if `expectedRevision` is still current. */
  update(name: string, graph: unknown, expectedRevision: string): Promise<StoredGraph> {
    return this.mutex.run(name, async () => {
      const current = await this.currentRevision(name);
      if (current === undefined) throw new GraphNotFoundError(name);
      if (current !== expectedRevision) throw new StaleRevisionError(name, current);
      return this.write(name, graph);
    });
  }

  /** Old versions stay in `.versions`, so a deleted graph can be restored. */
  remove(name: string): Promise<void> {
    return this.mutex.run(name, async () => {
      if ((await this.currentRevision(name)) === undefined) throw new GraphNotFoundError(name);
      await rm(this.file(name));
      this.known.delete(name);
      this.emit('change', { name, source: 'api' });
    });
  }

  async versions(name: string): Promise<GraphVersion[]> {
    const dir = this.versionDir(name);
    let files: string[];
    try {
      files = await readdir(dir);
    } catch {
      return [];
    }
    const out: Array<GraphVersion & { ms: number }> = [];
    for (const file of files) {
      const revision = file.replace(/\.json$/, '');
      if (!isValidRevision(revision)) continue;
      const { mtime, mtimeMs } = await stat(path.join(dir, file));
      out.push({ revision, savedAt: mtime.toISOString(), ms: mtimeMs });
    }
    return out.sort((a, b) => b.ms - a.ms).map(({ revision, savedAt }) => ({ revision, savedAt }));
  }

  async version(name: string, revision: string): Promise<unknown> {
    return parseGraphText(name, revision, await this.versionText(name, revision));
  }

  /**
   * Makes an old version current again, byte for byte, so it keeps its
   * revision and becomes the newest version; one in an older format is read
   * migrated, like any file.
   */
  restore(name: string, revision: string): Promise<StoredGraph> {
    return this.mutex.run(name, async () =>
      this.writeText(name, await this.versionText(name, revision)),
    );
  }

  private async versionText(name: string, revision: string): Promise<string> {
    if (!isValidRevision(revision))
      throw new GraphNotFoundError(name, `revision '${revision}' of graph '${name}'`);
    try {
      return await readFile(path.join(this.versionDir(name), `${revision}.json`), 'utf8');
    } catch {
      throw new GraphNotFoundError(name, `revision '${revision}' of graph '${name}'`);
    }
  }

  /** Starts watching the directory for graphs edited on disk. */
  watch(): void {
    if (this.watcher) return;
    this.watcher = watch(this.dir, { persistent: false }, (_event, filename) => {
      if (!filename) return;
      const base = filename.toString();
      if (base.startsWith('.') || !base.endsWith('.json')) return;
      const name = base.slice(0, -'.json'.length);
      if (!isValidGraphName(name)) return;
      // Editors save in several steps (truncate, write, rename): wait for quiet.
      clearTimeout(this.pending.get(name));
      this.pending.set(
        name,
        setTimeout(() => {
          this.pending.delete(name);
          void this.mutex.run(name, () => this.pickUp(name));
        }, WATCH_DEBOUNCE_MS),
      );
    });
    this.watcher.on('error', (error) =>
      this.logger.warn({ err: String(error) }, 'graph watcher failed'),
    );
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private async pickUp(name: string): Promise<void> {
    let loaded: { stored: StoredGraph; text: string } | undefined;
    try {
      loaded = await this.load(name);
    } catch (error) {
      this.logger.warn(
        { graph: name, err: String(error).slice(0, 300) },
        'graph edited on disk cannot be read; ignored',
      );
      return;
    }
    if (!loaded) {
      if (this.known.delete(name)) this.emit('change', { name, source: 'disk' });
      return;
    }
    const { stored, text } = loaded;
    if (this.known.get(name) === stored.revision) return; // our own write, or no real change
    this.known.set(name, stored.revision);
    await this.recordVersion(name, stored.revision, text, true);
    this.logger.info({ graph: name, revision: stored.revision }, 'graph changed on disk');
    this.emit('change', { name, stored, source: 'disk' });
  }

  private write(name: string, graph: unknown): Promise<StoredGraph> {
    return this.writeText(name, serialiseGraph(graph));
  }

  private async writeText(name: string, text: string): Promise<StoredGraph> {
    const revision = revisionOf(text);
    const file = this.file(name);
    const tmp = path.join(this.dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
    await writeFile(tmp, text);
    await rename(tmp, file);
    this.known.set(name, revision);
    await this.recordVersion(name, revision, text, true);
    const { mtime } = await stat(file);
    const graph = parseGraphText(name, revision, text);
    const stored: StoredGraph = { name, revision, graph, updatedAt: mtime.toISOString() };
    this.emit('change', { name, stored, source: 'api' });
    return stored;
  }

  private async recordVersion(
    name: string,
    revision: string,
    text: string,
    touch: boolean,
  ): Promise<void> {
    const dir = this.versionDir(name);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${revision}.json`);
    try {
      await stat(file);
      // Saving the same content again makes that version the newest.
      if (touch) await utimes(file, new Date(), new Date());
    } catch {
      await writeFile(file, text);
    }
    await this.prune(name);
  }

  private async prune(name: string): Promise<void> {
    const versions = await this.versions(name);
    for (const old of versions.slice(MAX_VERSIONS))
      await rm(path.join(this.versionDir(name), `${old.revision}.json`), { force: true });
  }

  private async currentRevision(name: string): Promise<string | undefined> {
    try {
      return revisionOf(await readFile(this.file(name), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private async names(): Promise<string[]> {
    const files = await readdir(this.dir);
    return files
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .map((f) => f.slice(0, -'.json'.length))
      .filter(isValidGraphName)
      .sort();
  }

  private file(name: string): string {
    if (!isValidGraphName(name)) throw new GraphNotFoundError(String(name));
    return path.join(this.dir, `${name}.json`);
  }

  private versionDir(name: string): string {
    if (!isValidGraphName(name)) throw new GraphNotFoundError(String(name));
    return path.join(this.dir, VERSIONS_DIR, name);
  }
}
