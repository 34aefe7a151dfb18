/**
 * The editor end to end: a fresh build of editor/ served by the real server
 * (default node registry, temp GRAPHS_DIR, weather tool → FakeOpenMeteo),
 * driven in headless Chromium whose microphone is a WAV fixture.
 *
 *   (a) build a pipeline from a new graph by drag and drop, save, reload;
 *   (w) Talk over WebRTC, the default: the mic track has echo cancellation,
 *       noise suppression and auto gain on, the server's session is a WebRTC
 *       one, the page's peer connection receives bot audio with energy in it,
 *       transcripts both ways and the latency table fill;
 *   (b) talk to the default agent with WebSocket chosen in the Talk panel:
 *       transcripts, bot audio, latency waterfall;
 *   (c) change the TTS voice while talking, Deploy, and prove the same
 *       session now speaks with the new voice;
 *   (f) WebRTC chosen but the offer refused: Talk falls back to WebSocket and says so.
 *
 * (b) and (c) share one conversation. Failures leave a screenshot and the
 * page's console errors in a temp dir (printed). Run: npx vitest run test/e2e
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  botAudio,
  buildEditor,
  CHROMIUM,
  connect,
  dropFromPalette,
  type E2EServer,
  FailureEvidence,
  launchEditorBrowser,
  loopingWav,
  medianF0,
  rmsOf,
  SPEECH,
  startE2EServer,
  type TapEvent,
  tapPipecatSocket,
  until,
} from './harness.ts';

interface GraphDoc {
  name: string;
  nodes: Array<{ id: string; type: string; config: Record<string, unknown> }>;
  edges: Array<{ id: string; source: string; target: string; targetHandle?: string }>;
}
interface SessionInfo {
  id: string;
  graph: string;
  revision: string;
  transport: string;
}

/** What the page's WebRTC peer connections say (collected by an init script). */
interface PeerReport {
  mic: MediaTrackSettings | null;
  packetsReceived: number;
  totalAudioEnergy: number;
  connectionState: string;
}

describe.skipIf(!existsSync(CHROMIUM))('editor end to end (headless Chromium, real server)', () => {
  let work: string;
  let editor: Awaited<ReturnType<typeof buildEditor>>;
  let server: E2EServer;
  let context: BrowserContext;
  let page: Page;
  const evidence = new FailureEvidence(
    () => work,
    () => page,
  );
  let tap: TapEvent[];

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'parley-e2e-'));
    // ~2 s question + silence: Chromium loops the file, so the agent is asked once every 11 s
    // and has time to answer before the next question barges in.
    const wav = await loopingWav(
      path.join(SPEECH, 'weather-tokyo.wav'),
      11,
      path.join(work, 'mic.wav'),
    );
    editor = await buildEditor();
    server = await startE2EServer(editor.dir);
    ({ context, page } = await launchEditorBrowser({
      wav,
      profileDir: path.join(work, 'profile'),
    }));
    evidence.watch(page);
    page.setDefaultTimeout(10_000);
    tap = await tapPipecatSocket(page);
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await server?.close();
    await editor?.cleanup();
    if (work && !evidence.failed) await rm(work, { recursive: true, force: true });
  }, 20_000);

  const nodeCount = () => page.locator('.react-flow__node').count();
  const edgeCount = () => page.locator('.react-flow__edge').count();

  it('(a) builds a pipeline by drag and drop in a new graph, saves it, and finds it intact after a reload', {
    timeout: 30_000,
  }, async () => {
    evidence.screenshotOnFailure('a-build');
    await page.goto(`${server.url}/`);
    await page.getByTestId('node-vad').waitFor();

    // A new graph starts as input → output; remove both and build from nothing.
    page.once('dialog', (d) => void d.accept('built-agent'));
    await page.getByTestId('graph-picker').selectOption('__new__');
    await expect.poll(() => page.getByTestId('graph-picker').inputValue()).toBe('built-agent');
    // Each click is checked: on a loaded machine the new graph can still be settling when the first one lands.
    const selectedCount = () => page.locator('.react-flow__node.selected').count();
    await expect
      .poll(async () => {
        await page.getByTestId('node-in').click();
        return selectedCount();
      })
      .toBe(1);
    await page.getByTestId('node-out').click({ modifiers: ['Shift'] });
    await expect.poll(selectedCount).toBe(2);
    await page.keyboard.press('Delete');
    await expect.poll(nodeCount).toBe(0);
    // Zoom out a little so nine nodes fit in two rows.
    await page.locator('.react-flow__controls-zoomout').click();
    await page.locator('.react-flow__controls-zoomout').click();

    const layout: Array<[type: string, id: string, fx: number, fy: number]> = [
      ['transport.input', 'in', 0.1, 0.22],
      ['vad.silero', 'vad', 0.3, 0.22],
      ['stt.pocketsphinx', 'stt', 0.5, 0.22],
      ['context.user', 'user', 0.7, 0.22],
      ['llm.rules', 'llm', 0.9, 0.22],
      ['context.assistant', 'assistant', 0.9, 0.58],
      ['text.sentences', 'sentences', 0.7, 0.58],
      ['tts.flite', 'tts', 0.5, 0.58],
      ['transport.output', 'out', 0.3, 0.58],
    ];
    for (const [type, id, fx, fy] of layout) {
      await dropFromPalette(page, type, fx, fy);
      await page.getByTestId(`node-${id}`).waitFor();
    }
    expect(await nodeCount()).toBe(layout.length);

    const chain = layout.map(([, id]) => id);
    for (let i = 1; i < chain.length; i++) {
      await connect(page, chain[i - 1], chain[i]);
      await expect.poll(edgeCount, { message: `edge ${chain[i - 1]} → ${chain[i]}` }).toBe(i);
    }

    await page.getByTestId('node-llm').click();
    await page.getByTestId('tab-inspect').click();
    await page.getByTestId('field-persona').fill('Ada');
    expect(await page.getByTestId('problems-count').count()).toBe(0);
    await page.getByTestId('save-button').click();
    await expect
      .poll(() => page.getByTestId('dirty-indicator').textContent())
      .toMatch(/^saved · [0-9a-f]{8}/);

    // What the server stored (the file on disk, through the API and directly).
    const expectedEdges = chain.slice(1).map((id, i) => `${chain[i]}→${id}`);
    const stored = await server.api<{ revision: string; graph: GraphDoc }>(
      'GET',
      '/api/graphs/built-agent',
    );
    expect(stored.status).toBe(200);
    const check = (graph: GraphDoc) => {
      expect(Object.fromEntries(graph.nodes.map((n) => [n.id, n.type]))).toEqual(
        Object.fromEntries(layout.map(([type, id]) => [id, type])),
      );
      expect(graph.edges.map((e) => `${e.source}→${e.target}`).sort()).toEqual(
        [...expectedEdges].sort(),
      );
      expect(graph.nodes.find((n) => n.id === 'llm')?.config).toEqual({ persona: 'Ada' });
    };
    check(stored.body.graph);
    check(
      JSON.parse(
        await readFile(path.join(server.graphsDir, 'built-agent.json'), 'utf8'),
      ) as GraphDoc,
    );

    // Reload: the editor reopens the graph from the URL, intact.
    await page.reload();
    await page.getByTestId('node-llm').waitFor();
    await expect.poll(() => page.getByTestId('graph-picker').inputValue()).toBe('built-agent');
    await expect.poll(nodeCount).toBe(layout.length);
    await expect.poll(edgeCount).toBe(chain.length - 1);
    await page.getByTestId('node-llm').click();
    await page.getByTestId('tab-inspect').click();
    await expect.poll(() => page.getByTestId('field-persona').inputValue()).toBe('Ada');
    expect(await page.getByTestId('dirty-indicator').textContent()).toBe(
      `saved · ${stored.body.revision.slice(0, 8)}`,
    );
  });

  it('(w) talks over WebRTC by default: processed mic track, real media, transcripts both ways', {
    timeout: 60_000,
  }, async () => {
    evidence.screenshotOnFailure('w-webrtc');
    // Keep every RTCPeerConnection the page makes, to read its stats and sender track.
    await page.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      const pcs: RTCPeerConnection[] = [];
      (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = pcs;
      window.RTCPeerConnection = class extends Native {
        constructor(config?: RTCConfiguration) {
          super(config);
          pcs.push(this);
        }
      };
    });
    await page.goto(`${server.url}/?graph=voice-agent`);
    await page.getByTestId('node-vad').waitFor();
    // Opened at a readable zoom (issue 18: ten nodes in a row used to fit at labels a few px
    // high), with the flow's input end on screen.
    const zoom = () =>
      page
        .locator('.react-flow__viewport')
        .evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);
    await expect.poll(zoom).toBeGreaterThanOrEqual(0.65);
    const pane = (await page.locator('.react-flow').boundingBox())!;
    const input = (await page.getByTestId('node-in').boundingBox())!;
    expect(input.x).toBeGreaterThanOrEqual(pane.x);
    expect(input.x + input.width).toBeLessThanOrEqual(pane.x + pane.width);
    await page.getByTestId('tab-talk').click();
    expect(await page.getByTestId('talk-transport').inputValue()).toBe('webrtc');
    await page.getByTestId('talk-button').click();
    await expect
      .poll(() => page.getByTestId('talk-status').textContent(), { timeout: 20_000 })
      .toContain('live view');
    expect(await page.getByTestId('talk-via').textContent()).toContain('WebRTC');
    const sessions = (await server.api<SessionInfo[]>('GET', '/api/sessions')).body;
    expect(sessions).toEqual([
      expect.objectContaining({ graph: 'voice-agent', transport: 'pipecat-webrtc' }),
    ]);

    const peer = () =>
      page.evaluate(async (): Promise<PeerReport | null> => {
        const pc = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.at(-1);
        if (!pc) return null;
        const mic = pc.getSenders().find((s) => s.track?.kind === 'audio')?.track ?? null;
        let packetsReceived = 0;
        let totalAudioEnergy = 0;
        for (const r of (await pc.getStats()).values())
          if (r.type === 'inbound-rtp' && r.kind === 'audio') {
            packetsReceived += r.packetsReceived ?? 0;
            totalAudioEnergy += r.totalAudioEnergy ?? 0;
          }
        return {
          mic: mic?.getSettings() ?? null,
          packetsReceived,
          totalAudioEnergy,
          connectionState: pc.connectionState,
        };
      });
    const first = await peer();
    expect(first?.connectionState).toBe('connected');
    expect(first?.mic).toMatchObject({
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    });

    const userLine = page.locator('[data-testid="transcript-user"]:not(.interim) .text').first();
    const botLine = page.locator('[data-testid="transcript-bot"] .text').first();
    await expect
      .poll(async () => (await userLine.count()) && (await userLine.textContent())?.trim(), {
        timeout: 25_000,
      })
      .toBeTruthy();
    await expect
      .poll(async () => (await botLine.count()) && (await botLine.textContent())?.trim(), {
        timeout: 15_000,
      })
      .toBeTruthy();
    // The bot's reply reached the page as Opus RTP with energy in it (silence packets carry none).
    const heard = await until(
      async () => {
        const report = await peer();
        return report && report.totalAudioEnergy > 0.01 ? report : undefined;
      },
      20_000,
      'bot audio with energy on the inbound WebRTC track',
    );
    expect(heard.packetsReceived).toBeGreaterThan(50);
    await page.locator('[data-testid^="turn-row-"]').first().waitFor({ timeout: 15_000 });
    const said = (await page.locator('[data-testid="transcript"]').textContent()) ?? '';
    expect(said).not.toContain('falling back');
    console.log(
      `[e2e] WebRTC: ${heard.packetsReceived} packets, energy ${heard.totalAudioEnergy.toFixed(3)}; transcript: ${said.slice(0, 200)}`,
    );

    await page.getByTestId('talk-stop').click();
    await until(
      async () => (await server.api<SessionInfo[]>('GET', '/api/sessions')).body.length === 0,
      5000,
      'the WebRTC session to end',
    );
  });

  let session: SessionInfo;

  it('(b) talks to the default agent over WebSocket: transcripts, bot audio and a filled latency waterfall', {
    timeout: 60_000,
  }, async () => {
    evidence.screenshotOnFailure('b-talk');
    await page.goto(`${server.url}/?graph=voice-agent`);
    await page.getByTestId('node-vad').waitFor();
    await page.getByTestId('tab-talk').click();
    await page.getByTestId('talk-transport').selectOption('websocket');
    await page.getByTestId('talk-button').click();
    await expect
      .poll(() => page.getByTestId('talk-status').textContent(), { timeout: 15_000 })
      .toContain('live view');
    const sessions = (await server.api<SessionInfo[]>('GET', '/api/sessions')).body;
    expect(sessions).toHaveLength(1);
    session = sessions[0];
    expect(session.graph).toBe('voice-agent');
    expect(session.transport).not.toBe('pipecat-webrtc');
    expect(await page.getByTestId('talk-via').textContent()).toContain('WebSocket');

    const userLine = page.locator('[data-testid="transcript-user"]:not(.interim) .text').first();
    const botLine = page.locator('[data-testid="transcript-bot"] .text').first();
    await expect
      .poll(async () => (await userLine.count()) && (await userLine.textContent())?.trim(), {
        timeout: 25_000,
      })
      .toBeTruthy();
    await expect
      .poll(async () => (await botLine.count()) && (await botLine.textContent())?.trim(), {
        timeout: 15_000,
      })
      .toBeTruthy();
    // Understood, not merely transcribed: the mic asks for the weather in Tokyo (looping), and
    // the agent answers with Tokyo's weather from the fake Open-Meteo (18 °C, partly cloudy) — not
    // the fallback, not a clarifying question. A first loop clipped while the call connected
    // may be misheard, so any answer in the conversation so far counts.
    const botLines = page.locator('[data-testid="transcript-bot"] .text');
    await expect
      .poll(async () => (await botLines.allTextContents()).join(' | '), { timeout: 30_000 })
      .toMatch(/Tokyo[^|]*\b18\b[^|]*partly cloudy/i);
    const userLines = await page
      .locator('[data-testid="transcript-user"]:not(.interim) .text')
      .allTextContents();
    expect(userLines.join(' | ')).toMatch(/\btokyo\b/i);
    expect(server.weather.requests.some((url) => /[?&]name=tokyo\b/i.test(url))).toBe(true);

    // Bot audio, as the browser received it on the Pipecat socket (decoded here): ≥ 1 s of real signal.
    await until(
      () => tap.some((e) => e.kind === 'rtvi' && e.type === 'bot-stopped-speaking'),
      20_000,
      'the bot to finish a reply',
    );
    const audio = botAudio(tap);
    expect(audio.sampleRate).toBe(24000);
    expect(audio.samples.length / audio.sampleRate).toBeGreaterThan(1);
    expect(rmsOf(audio.samples)).toBeGreaterThan(300);
    // …and the output node's live line showed frames flowing while it played.
    await expect
      .poll(() => page.getByTestId('node-status-out').textContent())
      .toMatch(/→[\d.]+\/s/);

    // The latency panel: a turn row with numbers, and the waterfall of that turn.
    // (A turn can lack a voice-to-voice time — e.g. the first question, clipped while the call
    // was connecting, may go unanswered — so look for any row that has one.)
    await page.locator('[data-testid^="turn-row-"]').first().waitFor({ timeout: 10_000 });
    const answered = await until(
      async () => {
        for (const row of await page.locator('[data-testid^="turn-row-"]').all()) {
          const cells = await row.locator('td.num').allTextContents();
          if (/^\d+$/.test(cells[0] ?? '') && cells.filter((c) => /^\d+$/.test(c)).length >= 4)
            return cells;
        }
        return undefined;
      },
      20_000,
      'a turn row with a voice-to-voice time and hop times',
    );
    expect(Number(answered[0])).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('waterfall-v2v').textContent())
      .toMatch(/voice-to-voice \d+ ms/);
    expect(
      await page.locator('[data-testid="waterfall"] .waterfall-row').count(),
    ).toBeGreaterThanOrEqual(3);

    const said = (await page.locator('[data-testid="transcript"]').textContent()) ?? '';
    console.log(`[e2e] transcript after the first reply: ${said.slice(0, 300)}`);
  });

  it('(c) changes the TTS voice while talking, deploys, and the same session speaks with the new voice', {
    timeout: 50_000,
  }, async () => {
    evidence.screenshotOnFailure('c-deploy');
    expect(session, 'needs the conversation of (b)').toBeDefined();
    const before = (await server.api<{ revision: string }>('GET', '/api/graphs/voice-agent')).body
      .revision;
    expect(session.revision).toBe(before);

    await page.getByTestId('tab-inspect').click();
    await page.getByTestId('node-tts').click();
    await page.getByTestId('field-voice').selectOption({ label: 'rms' });
    const deployClickedAt = Date.now();
    await page.getByTestId('deploy-button').click();
    await expect
      .poll(() => page.getByTestId('outcome-tts').textContent(), { timeout: 10_000 })
      .toBe('updated live');
    // Unchanged nodes get no chip: only the TTS was touched.
    expect(await page.locator('[data-testid^="outcome-"]').count()).toBe(1);
    const deployedAt = Date.now();

    // The conversation was not restarted: same session id, now on the new revision (which the disk has).
    const stored = (
      await server.api<{ revision: string; graph: GraphDoc }>('GET', '/api/graphs/voice-agent')
    ).body;
    expect(stored.revision).not.toBe(before);
    expect(stored.graph.nodes.find((n) => n.id === 'tts')?.config.voice).toBe('rms');
    expect((await server.api<SessionInfo[]>('GET', '/api/sessions')).body).toEqual([
      expect.objectContaining({ id: session.id, revision: stored.revision }),
    ]);

    // Proof the new voice is really what the user hears: the "updated live"
    // chip and the revision only say the settings frame was sent. Flite's
    // voices differ in pitch by almost an octave (slt ≈ 175 Hz, rms ≈ 100 Hz,
    // whatever the sentence), so the median F0 of the audio the browser
    // received before the deploy and of a reply to a question asked entirely
    // after it tells which voice spoke — measured on what reached the client,
    // with no hook into the server or the TTS. A reply to a question asked
    // after the deploy is synthesised after the settings frame reached the
    // TTS (it is queued before the PUT answers), so it cannot be slt. The
    // marker is the user starting to speak, not a final transcript: a final
    // can arrive late, after its turn has already been answered or dropped.
    const asked = await until(
      () =>
        tap.find(
          (e) => e.kind === 'rtvi' && e.type === 'user-started-speaking' && e.at > deployedAt,
        )?.at,
      20_000,
      'a question asked after the deploy',
    );
    const replyStart = await until(
      () =>
        tap.find((e) => e.kind === 'rtvi' && e.type === 'bot-started-speaking' && e.at > asked)?.at,
      20_000,
      'the reply to it',
    );
    const reply = await until(
      () => {
        const end =
          tap.find(
            (e) => e.kind === 'rtvi' && e.type === 'bot-stopped-speaking' && e.at > replyStart,
          )?.at ?? Infinity;
        const a = botAudio(
          tap.filter((e) => e.at < end),
          replyStart - 1,
        );
        return (end < Infinity || a.samples.length > a.sampleRate * 1.5) && a;
      },
      15_000,
      'the reply audio',
    );
    const old = botAudio(tap.filter((e) => e.at < deployClickedAt));
    const pitchBefore = medianF0(old.samples, old.sampleRate);
    const pitchAfter = medianF0(reply.samples, reply.sampleRate);
    console.log(
      `[e2e] median F0 before deploy ${pitchBefore.f0.toFixed(0)} Hz (${pitchBefore.voicedFrames} frames), after ${pitchAfter.f0.toFixed(0)} Hz (${pitchAfter.voicedFrames} frames)`,
    );
    expect(pitchBefore.voicedFrames).toBeGreaterThan(30);
    expect(pitchAfter.voicedFrames).toBeGreaterThan(30);
    expect(pitchBefore.f0).toBeGreaterThan(145);
    expect(pitchAfter.f0).toBeLessThan(135);
    expect((await server.api<SessionInfo[]>('GET', '/api/sessions')).body.map((s) => s.id)).toEqual(
      [session.id],
    );

    await page.getByTestId('tab-talk').click();
    await page.getByTestId('talk-stop').click();
    await until(
      async () => (await server.api<SessionInfo[]>('GET', '/api/sessions')).body.length === 0,
      5000,
      'the session to end',
    );
  });

  it('(f) falls back to WebSocket when the WebRTC offer is refused, and says so', {
    timeout: 30_000,
  }, async () => {
    evidence.screenshotOnFailure('f-fallback');
    await page.route('**/api/offer**', (route) =>
      route.fulfill({ status: 403, contentType: 'application/json', body: '{"error":"blocked"}' }),
    );
    try {
      await page.getByTestId('tab-talk').click();
      await page.getByTestId('talk-transport').selectOption('webrtc');
      await page.getByTestId('talk-button').click();
      await expect
        .poll(() => page.getByTestId('talk-status').textContent(), { timeout: 15_000 })
        .toContain('live view');
      expect(await page.getByTestId('talk-via').textContent()).toContain('WebSocket');
      expect(await page.getByTestId('transcript').textContent()).toMatch(
        /WebRTC did not connect.*falling back to WebSocket/,
      );
      const sessions = (await server.api<SessionInfo[]>('GET', '/api/sessions')).body;
      expect(sessions).toHaveLength(1);
      expect(sessions[0].transport).not.toBe('pipecat-webrtc');
      await page.getByTestId('talk-stop').click();
      await until(
        async () => (await server.api<SessionInfo[]>('GET', '/api/sessions')).body.length === 0,
        5000,
        'the session to end',
      );
    } finally {
      await page.unroute('**/api/offer**');
    }
  });
});
