/** Every turn of the session with p50/p90 per hop (is it one slow turn or every turn?), its tokens and cost. */
import { memo } from 'react';
import type { TurnRecord } from '#engine/browser';
import { percentile } from '../talk/percentile.ts';
import { HOP_ORDER } from '../talk/waterfall.ts';
import { formatMs, HopHeaderCells, HopValueCells } from './HopCells.tsx';
import { UsageCells } from './UsageCells.tsx';

export interface TurnsTableProps {
  turns: readonly TurnRecord[];
  selected: number | null;
  onSelect(turn: number): void;
}

export const TurnsTable = memo(function TurnsTable({ turns, selected, onSelect }: TurnsTableProps) {
  const stat = (p: number) => [
    percentile(
      turns.map((t) => t.voiceToVoiceMs),
      p,
    ),
    ...HOP_ORDER.map((hop) =>
      percentile(
        turns.map((t) => t.hops[hop]),
        p,
      ),
    ),
  ];
  return (
    <table className="turns-table" data-testid="turns-table">
      <thead>
        <tr>
          <th>#</th>
          <th>user said</th>
          <th title="voice-to-voice">V2V ms</th>
          <HopHeaderCells />
          <th title="tokens of every model node; ~ marks an estimate">tokens</th>
          <th title="at the session's prices">cost</th>
        </tr>
      </thead>
      <tbody>
        {turns.map((t) => (
          <tr
            key={t.turn}
            className={t.turn === selected ? 'selected' : ''}
            onClick={() => onSelect(t.turn)}
            data-testid={`turn-row-${t.turn}`}
          >
            <td>
              {t.turn}
              {t.interrupted ? ' ✂' : ''}
            </td>
            <td className="turn-text">{t.userText ?? ''}</td>
            <td className="num strong">{formatMs(t.voiceToVoiceMs)}</td>
            <HopValueCells hops={t.hops} />
            <UsageCells turn={t} />
          </tr>
        ))}
      </tbody>
      {turns.length > 1 && (
        <tfoot>
          {[50, 90].map((p) => (
            <tr key={p} data-testid={`turns-p${p}`}>
              <th colSpan={2}>p{p}</th>
              {stat(p).map((v, i) => (
                <td key={i} className="num">
                  {formatMs(v)}
                </td>
              ))}
              <td colSpan={2} />
            </tr>
          ))}
        </tfoot>
      )}
    </table>
  );
});
