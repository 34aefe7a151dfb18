/** One glyph per category; no icon font to load. */
export const CATEGORY_ICONS: Record<string, string> = {
  transport: '⇄',
  vad: '◉',
  stt: '✎',
  llm: '✦',
  tool: '⚒',
  tts: '♪',
  s2s: '⟳',
  utility: '⚙',
};

export const CATEGORY_ORDER = [
  'transport',
  'vad',
  'stt',
  'llm',
  'tool',
  'tts',
  's2s',
  'utility',
] as const;

export const CATEGORY_LABELS: Record<string, string> = {
  transport: 'Transport',
  vad: 'Voice activity',
  stt: 'Speech to text',
  llm: 'LLM',
  tool: 'Tools',
  tts: 'Text to speech',
  s2s: 'Speech to speech',
  utility: 'Utility',
};

export const CATEGORY_COLORS: Record<string, string> = {
  transport: '#64748b',
  vad: '#fbbf24',
  stt: '#38bdf8',
  llm: '#a78bfa',
  tool: '#fb923c',
  tts: '#f472b6',
  s2s: '#34d399',
  utility: '#94a3b8',
};
