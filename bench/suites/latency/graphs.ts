/** The graphs the latency bench runs: the offline default and its fake-cloud variants. */
import { readFileSync } from 'node:fs';
import type { GraphDocument } from '#engine';

export interface FakeCloudUrls {
  openai: string;
  deepgram: string;
}

/** The fake providers' fixed time to first token / first audio byte. */
export const LLM_TTFB_MS = 200;
export const TTS_TTFB_MS = 100;

/**
 * The server environment for the fake-cloud graphs: keys the fakes accept
 * (never real ones), and the fakes' URLs allowed as endpoints, as a server
 * would allow a local gateway (the graphs name them as their baseUrl).
 */
export function fakeCloudEnv(urls: FakeCloudUrls): Record<string, string> {
  return {
    OPENAI_API_KEY: 'sk-fake-bench',
    DEEPGRAM_API_KEY: 'fake-bench',
    PARLEY_ALLOWED_ENDPOINTS: `${urls.openai},${urls.deepgram}`,
  };
}

type Node = GraphDocument['nodes'][number];

function load(): GraphDocument {
  return JSON.parse(readFileSync('graphs/voice-agent.json', 'utf8')) as GraphDocument;
}

function setConfig(graph: GraphDocument, id: string, config: Record<string, unknown>): void {
  const node = graph.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`graphs/voice-agent.json has no node '${id}'`);
  node.config = { ...node.config, ...config };
}

function replace(
  graph: GraphDocument,
  id: string,
  replacement: Omit<Node, 'id' | 'position'>,
): void {
  const node = graph.nodes.find((n) => n.id === id)!;
  Object.assign(node, replacement);
}

/** graphs/voice-agent.json as shipped, with the weather tool pointed at a local fake Open-Meteo. */
export function offlineGraph(
  weatherUrl: string,
  userConfig: Record<string, unknown> = {},
): GraphDocument {
  const graph = load();
  setConfig(graph, 'weather', { baseUrl: weatherUrl, geocodingBaseUrl: weatherUrl });
  for (const clock of graph.nodes.filter((n) => n.type === 'tool.clock'))
    clock.config = { ...clock.config, geocodingBaseUrl: weatherUrl };
  setConfig(graph, 'user', userConfig);
  return graph;
}

/** The fake cascade's latency settings for the headline figure: the LLM starts on the VAD's pause (`pauseMs` 100, its default). */
export const PREEMPTIVE = { preemptiveGeneration: true };

/** The same cascade (Silero, pocketsphinx, sentences, paced output) with llm.openai and tts.openai on the fake server. */
export function fakeCascadeGraph(
  urls: FakeCloudUrls,
  userConfig: Record<string, unknown> = {},
): GraphDocument {
  const graph = load();
  setConfig(graph, 'user', userConfig);
  // No tools: the fake LLM never calls them, and the clock would reach for the real geocoder.
  const tools = new Set(['weather', 'clock']);
  graph.edges = graph.edges.filter((e) => !tools.has(e.source));
  graph.nodes = graph.nodes.filter((n) => !tools.has(n.id));
  setConfig(graph, 'vad', { stopMs: 300 });
  replace(graph, 'llm', { type: 'llm.openai', config: { baseUrl: urls.openai, maxRetries: 0 } });
  replace(graph, 'tts', { type: 'tts.openai', config: { baseUrl: urls.openai, maxRetries: 0 } });
  return graph;
}

/**
 * Everything but the VAD remote: stt.deepgram, llm.openai, tts.openai, all on the fakes.
 * Without the offline graph's audio front end: a cloud recogniser does its own noise
 * handling, and RNNoise alone (audio.denoise) costs a session ~45 ms of CPU per second —
 * four times the rest of a cloud session — so a cloud deployment leaves it out.
 */
export function fakeCloudGraph(urls: FakeCloudUrls): GraphDocument {
  const cascade = fakeCascadeGraph(urls);
  const graph = cascade.nodes
    .filter((n) => FRONT_END_TYPES.has(n.type))
    .reduce((g, n) => bypass(g, n.id), cascade);
  replace(graph, 'stt', { type: 'stt.deepgram', config: { baseUrl: urls.deepgram } });
  return graph;
}

/** Node types that sit in front of the VAD to condition the microphone. */
export const FRONT_END_TYPES = new Set(['audio.denoise', 'audio.normalize']);

/** `graph` with node `id` removed and its input wired straight to its output. */
export function bypass(graph: GraphDocument, id: string): GraphDocument {
  const into = graph.edges.filter((e) => e.target === id);
  const out = graph.edges.filter((e) => e.source === id);
  const rest = graph.edges.filter((e) => e.source !== id && e.target !== id);
  const joined = into.flatMap((a) =>
    out.map((b) => ({ ...b, id: `${a.source}-${b.target}`, source: a.source })),
  );
  return { ...graph, nodes: graph.nodes.filter((n) => n.id !== id), edges: [...rest, ...joined] };
}
