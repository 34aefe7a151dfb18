import type { HopName } from '../metrics/TurnRecord.ts';
import type { Comparison, LatencyComparison, TurnComparison } from './compareReplays.ts';
import type { ConversationTurn } from './conversationTurns.ts';

const HOP_LABELS: Record<HopName, string> = {
  vadEndOfSpeechMs: '  vad end of speech',
  sttFinalMs: '  stt final',
  llmFirstTokenMs: '  llm first token',
  firstSentenceMs: '  first sentence',
  ttsFirstAudioMs: '  tts first audio',
  firstAudioOutMs: '  first audio out',
};

const LABEL = 22;
const COLUMN = 44;
/** Marks a row whose old and new differ (beyond noise, for times). */
const MARK = '≠';

/**
 * The comparison as a table for a terminal: per turn, old beside new, rows
 * that differ marked `≠` in the first column, times with their change, long
 * text wrapped within its column.
 */
export function renderComparison(comparison: Comparison): string {
  const lines = [
    `old: ${comparison.old.graph}@${comparison.old.revision}   new: ${comparison.new.graph}@${comparison.new.revision}`,
    comparison.differences.length === 0
      ? `no differences (latency noise band ±${comparison.latencyNoiseMs} ms)`
      : `differences: ${comparison.differences.join(', ')} (latency noise band ±${comparison.latencyNoiseMs} ms)`,
  ];
  if (comparison.medianVoiceToVoiceDeltaMs !== undefined)
    lines.push(`median voice-to-voice change: ${signed(comparison.medianVoiceToVoiceDeltaMs)} ms`);
  for (const turn of comparison.turns) lines.push('', ...renderTurn(turn));
  return `${lines.join('\n')}\n`;
}

function renderTurn(t: TurnComparison): string[] {
  const has = (kind: TurnComparison['differences'][number]) => t.differences.includes(kind);
  const title = t.turn === 0 ? 'before the first turn' : `turn ${t.turn}`;
  const lines = [
    row(has('turns'), title, t.old ? 'old' : '(no such turn)', t.new ? 'new' : '(no such turn)'),
  ];
  const text = (pick: (c: ConversationTurn) => string) => [
    t.old ? pick(t.old) || '–' : '',
    t.new ? pick(t.new) || '–' : '',
  ];
  lines.push(row(has('heard'), 'heard', ...text((c) => c.heard)));
  lines.push(row(has('said'), 'said', ...text((c) => c.said)));
  lines.push(
    row(
      has('tools') || has('toolNotInRecording'),
      'tools',
      ...text((c) => c.tools.map(formatTool).join('; ')),
    ),
  );
  lines.push(latencyRow('voice-to-voice', t.voiceToVoice));
  for (const [hop, label] of Object.entries(HOP_LABELS) as Array<[HopName, string]>)
    if (t.hops[hop].old !== undefined || t.hops[hop].new !== undefined)
      lines.push(latencyRow(label, t.hops[hop]));
  lines.push(
    row(has('interrupted'), 'interrupted', ...text((c) => (c.interrupted ? 'yes' : 'no'))),
  );
  if (t.old?.errors.length || t.new?.errors.length)
    lines.push(row(has('errors'), 'errors', ...text((c) => c.errors.join('; '))));
  return lines;
}

function formatTool(tool: ConversationTurn['tools'][number]): string {
  const flag = tool.notInRecording ? '[not in recording] ' : tool.isError ? '[error] ' : '';
  return `${flag}${tool.name}(${tool.arguments})`;
}

function latencyRow(label: string, l: LatencyComparison): string {
  const ms = (v?: number) => (v === undefined ? '–' : `${Math.round(v)} ms`);
  const delta = l.deltaMs === undefined ? '' : `  (${signed(l.deltaMs)} ms)`;
  return row(l.differs, label, ms(l.old), `${ms(l.new)}${delta}`);
}

/** One table row; long text wraps within its column onto further lines, so nothing is cut. */
function row(differs: boolean, label: string, old = '', now = ''): string {
  const left = wrap(old);
  const right = wrap(now);
  const lines: string[] = [];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const head = i === 0 ? `${differs ? MARK : ' '} ${label.padEnd(LABEL)}` : ' '.repeat(LABEL + 2);
    lines.push(`${head} ${(left[i] ?? '').padEnd(COLUMN)} ${right[i] ?? ''}`.trimEnd());
  }
  return lines.join('\n');
}

/** Splits text into lines of at most COLUMN characters, at spaces where it can. */
function wrap(text: string): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > COLUMN) {
    const space = rest.lastIndexOf(' ', COLUMN);
    const cut = space > COLUMN / 2 ? space : COLUMN;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}

function signed(ms: number): string {
  const rounded = Math.round(ms);
  return rounded > 0 ? `+${rounded}` : `${rounded}`;
}
