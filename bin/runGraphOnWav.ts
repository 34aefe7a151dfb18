import { readFileSync, writeFileSync } from 'node:fs';
import {
  closeSharedServices,
  createDefaultRegistry,
  type Frame,
  GraphRunner,
  GraphValidationError,
  LatencyObserver,
  migrateGraph,
  readWav,
  resample,
  type TurnRecord,
  writeWav,
} from '#engine';

export interface RunOnWavOptions {
  graphPath: string;
  inPath: string;
  outPath?: string;
  /** `node.key=value` config overrides; values are parsed as JSON when they can be. */
  overrides?: string[];
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface RunOnWavResult {
  userText: string[];
  botText: string[];
  turns: TurnRecord[];
  errors: string[];
  audio: { samples: Int16Array; sampleRate: number };
}

const CHUNK_MS = 20;

/** Feeds a WAV through a graph in real time and collects what comes out. */
export async function runGraphOnWav(options: RunOnWavOptions): Promise<RunOnWavResult> {
  const log = options.log ?? (() => {});
  // Migrated before the overrides, so `--set` names today's keys whatever format the file is in.
  const saved = migrateGraph(JSON.parse(readFileSync(options.graphPath, 'utf8'))) as GraphJson;
  const doc = applyOverrides(saved, options.overrides ?? []);
  const wav = readWav(readFileSync(options.inPath), { mixToMono: true });
  let runner: GraphRunner;
  try {
    runner = new GraphRunner(doc, {
      registry: createDefaultRegistry(),
      env: process.env,
      audioInSampleRate: wav.sampleRate,
    });
  } catch (error) {
    if (error instanceof GraphValidationError)
      throw new Error(
        `${options.graphPath} is not a valid graph:\n  ${error.issues.map((i) => `${i.path}: ${i.message}`).join('\n  ')}`,
      );
    throw error;
  }
  const result: RunOnWavResult = {
    userText: [],
    botText: [],
    turns: [],
    errors: [],
    audio: { samples: new Int16Array(0), sampleRate: 0 },
  };
  const observer = new LatencyObserver();
  runner.observeHops(observer.observe);
  observer.onTurn((turn) => {
    result.turns.push(turn);
    log(formatTurn(turn));
  });
  const audioOut: Array<{ samples: Int16Array; sampleRate: number }> = [];
  let lastActivity = performance.now();
  runner.onOutput((frame: Frame) => {
    lastActivity = performance.now();
    if (frame.type === 'audio.out')
      audioOut.push({ samples: frame.audio, sampleRate: frame.sampleRate });
    if (frame.type === 'tts.text') {
      result.botText.push(frame.text);
      log(`bot:  ${frame.text}`);
    }
  });
  const transcripts = new Set<number>();
  runner.observeHops(({ frame }) => {
    if (frame.type !== 'transcript.final' || transcripts.has(frame.id) || !frame.text) return;
    transcripts.add(frame.id); // a frame is seen at every hop; count it once
    result.userText.push(frame.text);
  });
  runner.onUpstream((frame) => {
    if (frame.type === 'error') {
      result.errors.push(`${frame.source}: ${frame.message}`);
      log(`error: ${frame.source}: ${frame.message}`);
    }
  });
  await runner.start();

  const chunk = Math.round((wav.sampleRate * CHUNK_MS) / 1000);
  const trailingSilence = new Int16Array(wav.sampleRate); // lets the VAD hear the end of speech
  const input = concat([wav.samples, trailingSilence]);
  const t0 = performance.now();
  for (let i = 0, n = 0; i < input.length; i += chunk, n++) {
    runner.push(
      runner.createFrame('audio.in', {
        audio: input.slice(i, i + chunk),
        sampleRate: wav.sampleRate,
      }),
    );
    const due = t0 + (n + 1) * CHUNK_MS;
    await sleep(Math.max(0, due - performance.now()));
  }
  const deadline = performance.now() + (options.timeoutMs ?? 30_000);
  while (
    performance.now() < deadline &&
    (runner.isBotSpeaking || performance.now() - lastActivity < 1500)
  )
    await sleep(50);
  await runner.stop();
  observer.flush();
  await closeSharedServices();

  for (const text of result.userText) log(`user: ${text}`);
  result.audio = await joinAudio(audioOut);
  if (options.outPath) {
    writeFileSync(
      options.outPath,
      writeWav(result.audio.samples, result.audio.sampleRate || 16000),
    );
    log(
      `wrote ${options.outPath} (${(result.audio.samples.length / (result.audio.sampleRate || 16000)).toFixed(2)} s)`,
    );
  }
  return result;
}

interface GraphJson {
  nodes: Array<{ id: string; config?: Record<string, unknown> }>;
}

function applyOverrides(doc: GraphJson, overrides: string[]): GraphJson {
  for (const override of overrides) {
    const match = /^([^.=]+)\.([^=]+)=(.*)$/.exec(override);
    if (!match) throw new Error(`--set ${override}: expected node.key=value`);
    const [, nodeId, key, raw] = match;
    const node = doc.nodes.find((n) => n.id === nodeId);
    if (!node) throw new Error(`--set ${override}: the graph has no node '${nodeId}'`);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a bare string
    }
    node.config = { ...node.config, [key]: value };
  }
  return doc;
}

export function formatTurn(turn: TurnRecord): string {
  const h = turn.hops;
  const ms = (v?: number) => (v === undefined ? '–' : `${Math.round(v)}`);
  const parts = [
    `turn ${turn.turn}:`,
    `vad ${ms(h.vadEndOfSpeechMs)}`,
    `stt ${ms(h.sttFinalMs)}`,
    `llm ${ms(h.llmFirstTokenMs)}`,
    `sentence ${ms(h.firstSentenceMs)}`,
    `tts ${ms(h.ttsFirstAudioMs)}`,
    `out ${ms(h.firstAudioOutMs)}`,
    `| voice-to-voice ${ms(turn.voiceToVoiceMs)} ms`,
  ];
  if (turn.tools.length)
    parts.push(
      `| tools ${turn.tools.map((t) => `${t.name} ${ms((t.endMs ?? NaN) - t.startMs)} ms${t.isError ? ' (error)' : ''}`).join(', ')}`,
    );
  if (turn.interrupted) parts.push('| interrupted');
  return parts.join(' ');
}

async function joinAudio(
  parts: Array<{ samples: Int16Array; sampleRate: number }>,
): Promise<{ samples: Int16Array; sampleRate: number }> {
  if (parts.length === 0) return { samples: new Int16Array(0), sampleRate: 0 };
  const rate = parts[0].sampleRate;
  const same = await Promise.all(
    parts.map((p) => (p.sampleRate === rate ? p.samples : resample(p.samples, p.sampleRate, rate))),
  );
  return { samples: concat(same), sampleRate: rate };
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
