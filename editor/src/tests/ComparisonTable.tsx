/**
 * A replay comparison (engine/recording/compareReplays.ts) as a table: per
 * turn, old beside new — what was heard, what was said, tools with their
 * arguments, voice-to-voice and each hop, interruptions — with the rows that
 * differ marked ≠.
 */
import { type DifferenceKind, HOP_ORDER } from '#engine/browser';
import type {
  ComparisonWire,
  ConversationTurnWire,
  LatencyPair,
  TurnComparisonWire,
} from '#server/wire';
import { HOP_LABELS } from '../talk/waterfall.ts';

export function ComparisonTable({
  comparison,
  oldLabel,
}: {
  comparison: ComparisonWire;
  oldLabel: string;
}) {
  return (
    <table className="comparison" data-testid="comparison">
      <thead>
        <tr>
          <th />
          <th />
          <th>
            old <span className="muted">({oldLabel})</span>
          </th>
          <th>
            new <span className="muted">(draft)</span>
          </th>
        </tr>
      </thead>
      {comparison.turns.map((turn) => (
        <TurnRows key={turn.turn} turn={turn} />
      ))}
    </table>
  );
}

function TurnRows({ turn }: { turn: TurnComparisonWire }) {
  const has = (kind: DifferenceKind) => turn.differences.includes(kind);
  const text = (pick: (t: ConversationTurnWire) => string) => [
    turn.old ? pick(turn.old) || '–' : '(no such turn)',
    turn.new ? pick(turn.new) || '–' : '(no such turn)',
  ];
  return (
    <tbody data-testid={`comparison-turn-${turn.turn}`}>
      <tr className="turn-title">
        <th colSpan={4}>
          {turn.turn === 0 ? 'before the first turn' : `turn ${turn.turn}`}
          {turn.differences.length > 0 && (
            <span className="muted"> · differs in {turn.differences.join(', ')}</span>
          )}
        </th>
      </tr>
      <Row label="heard" differs={has('heard') || has('turns')} values={text((t) => t.heard)} />
      <Row label="said" differs={has('said') || has('turns')} values={text((t) => t.said)} />
      <Row
        label="tools"
        differs={has('tools') || has('toolNotInRecording')}
        values={text((t) => t.tools.map(formatTool).join('; '))}
      />
      <LatencyRow label="voice-to-voice" pair={turn.voiceToVoice} />
      {HOP_ORDER.filter(
        (hop) => turn.hops[hop].old !== undefined || turn.hops[hop].new !== undefined,
      ).map((hop) => (
        <LatencyRow key={hop} label={HOP_LABELS[hop]} pair={turn.hops[hop]} indent />
      ))}
      <Row
        label="interrupted"
        differs={has('interrupted')}
        values={text((t) => (t.interrupted ? 'yes' : 'no'))}
      />
      {Boolean(turn.old?.errors.length || turn.new?.errors.length) && (
        <Row label="errors" differs={has('errors')} values={text((t) => t.errors.join('; '))} />
      )}
    </tbody>
  );
}

function Row({ label, differs, values }: { label: string; differs: boolean; values: string[] }) {
  return (
    <tr className={differs ? 'differs' : ''} data-testid={`row-${label}`}>
      <td className="mark">{differs ? '≠' : ''}</td>
      <td className="label">{label}</td>
      <td>{values[0]}</td>
      <td>{values[1]}</td>
    </tr>
  );
}

function LatencyRow({
  label,
  pair,
  indent,
}: {
  label: string;
  pair: LatencyPair;
  indent?: boolean;
}) {
  const ms = (v?: number) => (v === undefined ? '–' : `${Math.round(v)} ms`);
  const delta =
    pair.deltaMs === undefined
      ? ''
      : ` (${pair.deltaMs > 0 ? '+' : ''}${Math.round(pair.deltaMs)} ms)`;
  return (
    <tr className={pair.differs ? 'differs' : ''} data-testid={indent ? undefined : `row-${label}`}>
      <td className="mark">{pair.differs ? '≠' : ''}</td>
      <td className={`label${indent ? ' hop' : ''}`}>{label}</td>
      <td>{ms(pair.old)}</td>
      <td>
        {ms(pair.new)}
        {delta}
      </td>
    </tr>
  );
}

function formatTool(tool: ConversationTurnWire['tools'][number]): string {
  const flag = tool.notInRecording ? '[not in recording] ' : tool.isError ? '[error] ' : '';
  return `${flag}${tool.name}(${tool.arguments})`;
}
