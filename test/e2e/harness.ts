/**
 * What the editor end-to-end tests and the screenshot script share: a fresh
 * editor build, the real server (default registry) over a temporary graphs
 * directory whose weather tool points at a FakeOpenMeteo, headless Chromium
 * with a WAV as its microphone, a tap on the Pipecat socket, and canvas
 * gestures (palette drops, handle-to-handle wires).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { silentLogger } from '../../engine/core/Logger.ts';
import { closeSharedServices } from '../../engine/providers/sharedServices.ts';
import { createServer, type ParleyServer, type ServerOptions } from '../../server/createServer.ts';
import { decodePcm16 } from '../../server/transports/decodePcm16.ts';
import { decodePipecatFrame } from '../../server/transports/pipecat/pipecatFrames.ts';
import { FakeOpenMeteo } from '../fakes/FakeOpenMeteo.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium-headless-shell';
export const SPEECH = path.join(ROOT, 'test/fixtures/speech');
export const VIEWPORT = { width: 1400, height: 850 };

const run = promisify(execFile);

/**
 * Builds the editor into a temporary directory (~3 s) and returns it. A
 * private build is never stale (other people edit editor/ and engine/ while
 * the tests run) and never clobbers editor/dist. PARLEY_E2E_EDITOR_DIR reuses
 * an existing build instead.
 */
export async function buildEditor(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const given = process.env.PARLEY_E2E_EDITOR_DIR;
  if (given) {
    if (!existsSync(path.join(given, 'index.html')))
      throw new Error(`PARLEY_E2E_EDITOR_DIR=${given} has no index.html`);
    return { dir: given, cleanup: async () => {} };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-e2e-editor-'));
  const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
  await run(
    process.execPath,
    [
      vite,
      'build',
      '--config',
      'editor/vite.config.ts',
      '--outDir',
      dir,
      '--emptyOutDir',
      '--logLevel',
      'error',
    ],
    {
      cwd: ROOT,
      timeout: 60_000,
    },
  );
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface E2EServer {
  url: string;
  graphsDir: string;
  server: ParleyServer;
  weather: FakeOpenMeteo;
  api<T = unknown>(
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** The real server with the real node types, over a temp copy of graphs/voice-agent.json (weather → FakeOpenMeteo). */
export async function startE2EServer(
  editorDir: string,
  overrides: Partial<ServerOptions> = {},
): Promise<E2EServer> {
  const weather = new FakeOpenMeteo();
  const weatherUrl = await weather.start();
  const graphsDir = await mkdtemp(path.join(tmpdir(), 'parley-e2e-graphs-'));
  const graph = JSON.parse(await readFile(path.join(ROOT, 'graphs/voice-agent.json'), 'utf8')) as {
    nodes: Array<{ id: string; type: string; config: Record<string, unknown> }>;
  };
  const tool = graph.nodes.find((n) => n.type === 'tool.weather');
  if (!tool) throw new Error('graphs/voice-agent.json has no tool.weather node');
  tool.config = { ...tool.config, baseUrl: weatherUrl, geocodingBaseUrl: weatherUrl };
  // The clock asks the same geocoder for a place's time zone.
  for (const clock of graph.nodes.filter((n) => n.type === 'tool.clock'))
    clock.config = { ...clock.config, geocodingBaseUrl: weatherUrl };
  await writeFile(path.join(graphsDir, 'voice-agent.json'), `${JSON.stringify(graph, null, 2)}\n`);

  const server = createServer({
    registry: createDefaultRegistry(),
    graphsDir,
    env: {},
    logger: silentLogger,
    editorDir,
    reloadQuietTimeoutMs: 2000,
    ...overrides,
  });
  const { url } = await server.listen(0, '127.0.0.1');
  return {
    url,
    graphsDir,
    server,
    weather,
    async api<T>(method: string, route: string, body?: unknown) {
      const res = await fetch(url + route, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    async close() {
      await server.close();
      await weather.stop();
      await closeSharedServices();
      await rm(graphsDir, { recursive: true, force: true });
    },
  };
}

/**
 * The fixture followed by silence, so that Chromium's looping fake microphone
 * asks once every `periodSec` and the bot can finish its answer in between
 * (a 2 s fixture looped back to back would barge in on every reply).
 */
export async function loopingWav(source: string, periodSec: number, out: string): Promise<string> {
  const bytes = await readFile(source);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error(`${source} is not a WAV file`);
  let offset = 12;
  let fmt: Buffer | undefined;
  let data: Buffer | undefined;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = bytes.subarray(offset + 8, offset + 8 + size);
    if (id === 'fmt ') fmt = body;
    if (id === 'data') data = body;
    offset += 8 + size + (size % 2);
  }
  if (!fmt || !data) throw new Error(`${source}: no fmt or data chunk`);
  const channels = fmt.readUInt16LE(2);
  const rate = fmt.readUInt32LE(4);
  const bits = fmt.readUInt16LE(14);
  if (fmt.readUInt16LE(0) !== 1 || bits !== 16) throw new Error(`${source}: expected 16-bit PCM`);
  const total = Math.max(data.length, Math.round(periodSec * rate) * channels * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + total, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(total, 40);
  const body = Buffer.alloc(total);
  data.copy(body);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, Buffer.concat([header, body]));
  return out;
}

/** Headless Chromium with a fresh profile and `wav` as the microphone. */
export async function launchEditorBrowser(options: {
  wav?: string;
  profileDir: string;
}): Promise<{ context: BrowserContext; page: Page }> {
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--autoplay-policy=no-user-gesture-required',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    ...(options.wav ? [`--use-file-for-fake-audio-capture=${options.wav}`] : []),
  ];
  const context = await chromium.launchPersistentContext(options.profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    viewport: VIEWPORT,
    timeout: 20_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

export type TapEvent =
  | { at: number; kind: 'audio'; samples: Int16Array; sampleRate: number }
  | { at: number; kind: 'rtvi'; type: string; data: Record<string, unknown> };

/**
 * Records what the browser receives on /ws/pipecat — decoded here with the
 * server's own protobuf codec — with the arrival time in this process. Must be
 * installed before the page loads.
 */
export async function tapPipecatSocket(page: Page): Promise<TapEvent[]> {
  const events: TapEvent[] = [];
  await page.exposeFunction('__parleyTap', (base64: string) => {
    const frame = decodePipecatFrame(new Uint8Array(Buffer.from(base64, 'base64')));
    const at = Date.now();
    if (frame.kind === 'audio') {
      events.push({
        at,
        kind: 'audio',
        samples: decodePcm16(frame.audio),
        sampleRate: frame.sampleRate,
      });
    } else if (frame.kind === 'message') {
      const message = JSON.parse(frame.data) as { type?: string; data?: Record<string, unknown> };
      events.push({ at, kind: 'rtvi', type: String(message.type), data: message.data ?? {} });
    }
  });
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    const tap = (window as unknown as { __parleyTap(b64: string): Promise<void> }).__parleyTap;
    class TappedWebSocket extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        if (!String(url).includes('/ws/pipecat')) return;
        // Blob reads are async: chain them so frames keep their order.
        let chain: Promise<unknown> = Promise.resolve();
        this.addEventListener('message', (event: MessageEvent) => {
          const data = event.data as unknown;
          if (typeof data === 'string') return;
          chain = chain.then(async () => {
            const buffer = data instanceof Blob ? await data.arrayBuffer() : (data as ArrayBuffer);
            const bytes = new Uint8Array(buffer);
            let binary = '';
            for (let i = 0; i < bytes.length; i += 0x8000)
              binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
            await tap(btoa(binary));
          });
        });
      }
    }
    window.WebSocket = TappedWebSocket;
  });
  return events;
}

/** All bot audio in `events` (optionally only what arrived after `after`), concatenated. */
export function botAudio(
  events: readonly TapEvent[],
  after = 0,
): { samples: Int16Array; sampleRate: number } {
  const chunks = events.filter(
    (e): e is Extract<TapEvent, { kind: 'audio' }> => e.kind === 'audio' && e.at > after,
  );
  const samples = new Int16Array(chunks.reduce((n, c) => n + c.samples.length, 0));
  let offset = 0;
  for (const c of chunks) {
    samples.set(c.samples, offset);
    offset += c.samples.length;
  }
  return { samples, sampleRate: chunks[0]?.sampleRate ?? 24000 };
}

export function rmsOf(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

/**
 * Median fundamental frequency of the voiced parts (normalised
 * autocorrelation over 40 ms windows, 60–400 Hz). Flite's slt (female) sits
 * around 175 Hz, rms (male) around 100 Hz.
 */
export function medianF0(
  samples: Int16Array,
  sampleRate: number,
): { f0: number; voicedFrames: number } {
  const win = Math.round(sampleRate * 0.04);
  const hop = Math.round(sampleRate * 0.01);
  const minLag = Math.floor(sampleRate / 400);
  const maxLag = Math.ceil(sampleRate / 60);
  const f0s: number[] = [];
  for (let start = 0; start + win + maxLag < samples.length; start += hop) {
    let energy = 0;
    for (let i = 0; i < win; i++) energy += samples[start + i] ** 2;
    if (Math.sqrt(energy / win) < 500) continue;
    let best = 0;
    let bestLag = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let num = 0;
      let e1 = 0;
      let e2 = 0;
      for (let i = 0; i < win; i++) {
        const a = samples[start + i];
        const b = samples[start + i + lag];
        num += a * b;
        e1 += a * a;
        e2 += b * b;
      }
      const r = num / Math.sqrt(e1 * e2 + 1);
      if (r > best) {
        best = r;
        bestLag = lag;
      }
    }
    if (best > 0.7) f0s.push(sampleRate / bestLag);
  }
  f0s.sort((a, b) => a - b);
  return { f0: f0s[Math.floor(f0s.length / 2)] ?? 0, voicedFrames: f0s.length };
}

async function center(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`not visible: ${locator}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags a palette item onto the canvas (HTML5 drag and drop) at (fx, fy), as fractions of the canvas size. */
export async function dropFromPalette(
  page: Page,
  type: string,
  fx: number,
  fy: number,
): Promise<void> {
  const canvas = page.getByTestId('canvas');
  const box = await canvas.boundingBox();
  if (!box) throw new Error('canvas not visible');
  await page
    .getByTestId(`palette-${type}`)
    .dragTo(canvas, { targetPosition: { x: box.width * fx, y: box.height * fy } });
}

/** Drags from the source node's output handle to the target node's input handle, as a user does. */
export async function connect(page: Page, source: string, target: string): Promise<void> {
  const from = await center(
    page.locator(`[data-testid="node-${source}"] .react-flow__handle.source`),
  );
  const to = await center(
    page.locator(`[data-testid="node-${target}"] .react-flow__handle.target:not(.tools-handle)`),
  );
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2 + 20, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 4 });
  await page.mouse.up();
}

/** Polls `check` until it returns a value (not undefined/false) or throws after `timeoutMs`. */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * What a failed browser test leaves behind: a screenshot per failed test and the page's
 * errors, in the work directory, which is then kept (`failed`) instead of deleted.
 */
export class FailureEvidence {
  readonly pageErrors: string[] = [];
  failed = false;

  constructor(
    private readonly work: () => string,
    private readonly page: () => Page | undefined,
  ) {}

  /** Collects the page's errors and console errors from now on. */
  watch(page: Page): void {
    page.on('pageerror', (e) => this.pageErrors.push(`[pageerror] ${e.message}`));
    page.on(
      'console',
      (m) => m.type() === 'error' && this.pageErrors.push(`[console] ${m.text()}`),
    );
  }

  /** Call at the start of a test: if it fails, its screenshot is `NAME.png`. */
  screenshotOnFailure(name: string): void {
    onTestFailed(async () => {
      this.failed = true;
      const file = path.join(this.work(), `${name}.png`);
      await this.page()
        ?.screenshot({ path: file })
        .catch(() => {});
      console.error(
        `[e2e] ${name} failed — screenshot: ${file}\n[e2e] page errors:\n${this.pageErrors.join('\n') || '(none)'}`,
      );
    });
  }
}
