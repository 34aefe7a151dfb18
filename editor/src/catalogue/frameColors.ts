/**
 * Colours for frame families. Handles and edges are tinted by what they carry
 * so a wrong wire is visible before validation says so.
 */
export interface FrameFamily {
  name: string;
  color: string;
}

const FAMILIES: ReadonlyArray<{ family: FrameFamily; test: (type: string) => boolean }> = [
  { family: { name: 'audio', color: '#2dd4bf' }, test: (t) => t.startsWith('audio.') },
  {
    family: { name: 'speech events', color: '#fbbf24' },
    test: (t) => t.startsWith('user.speaking') || t.startsWith('bot.speaking') || t === 'interrupt',
  },
  {
    family: { name: 'transcripts', color: '#38bdf8' },
    test: (t) => t.startsWith('transcript.') || t === 'text.input',
  },
  { family: { name: 'LLM context', color: '#a78bfa' }, test: (t) => t === 'llm.context' },
  { family: { name: 'tool calls', color: '#fb923c' }, test: (t) => t.startsWith('llm.tool') },
  { family: { name: 'LLM text', color: '#c084fc' }, test: (t) => t.startsWith('llm.') },
  {
    family: { name: 'TTS text', color: '#f472b6' },
    test: (t) => t.startsWith('tts.') || t === 'bot.spoken',
  },
];

const OTHER: FrameFamily = { name: 'other', color: '#94a3b8' };
export const ANY_FRAMES: FrameFamily = { name: 'any', color: '#e2e8f0' };
export const TOOLS_FAMILY: FrameFamily = { name: 'tools', color: '#fb923c' };

export function frameFamily(type: string): FrameFamily {
  if (type === '*') return ANY_FRAMES;
  return FAMILIES.find((f) => f.test(type))?.family ?? OTHER;
}

/** Bookkeeping frames say little about a wire's purpose; they never pick its colour. */
const INCIDENTAL = new Set([
  'metrics',
  'error',
  'llm.response.start',
  'llm.response.end',
  'tts.start',
  'tts.stop',
  'text.input',
]);

/** Position in the voice pipeline; a list is coloured by its latest stage, which is what its node is for (VAD → speech events, TTS → audio). */
function stage(type: string): number {
  if (type === 'audio.out') return 9;
  if (type.startsWith('tts.') || type === 'bot.spoken') return 8;
  if (type === 'llm.text') return 7;
  if (type.startsWith('llm.tool')) return 6;
  if (type === 'llm.context') return 5;
  if (type.startsWith('transcript.')) return 4;
  if (type.startsWith('user.speaking') || type.startsWith('bot.speaking') || type === 'interrupt')
    return 3;
  if (type === 'audio.in') return 1;
  return 0;
}

export function dominantFamily(types: readonly string[]): FrameFamily {
  if (types.includes('*')) return ANY_FRAMES;
  const meaningful = types.filter((t) => !INCIDENTAL.has(t));
  const pick = meaningful.length > 0 ? meaningful : types;
  if (pick.length === 0) return OTHER;
  let best = pick[0];
  for (const t of pick) if (stage(t) > stage(best)) best = t;
  return frameFamily(best);
}
