/** A turn's tokens and cost, for the turns table: the figure and, on hover, node by node. */
import { type NodeUsage, type TurnRecord, totalTokens } from '#engine/browser';

/** Dollars to the cent, or finer for the fractions of a cent a turn usually costs. */
export function formatUsd(value: number | undefined): string {
  if (value === undefined) return '—';
  if (value === 0) return '$0';
  return value >= 0.01 ? `$${value.toFixed(2)}` : `$${value.toPrecision(2)}`;
}

function describeNode(id: string, u: NodeUsage): string {
  const parts = [
    u.inputTextTokens && `${u.inputTextTokens} in`,
    u.outputTextTokens && `${u.outputTextTokens} out`,
    u.inputAudioTokens && `${u.inputAudioTokens} audio in`,
    u.outputAudioTokens && `${u.outputAudioTokens} audio out`,
    u.cachedTokens && `${u.cachedTokens} cached`,
    u.ttsCharacters && `${u.ttsCharacters} chars`,
    u.sttAudioSeconds && `${u.sttAudioSeconds} s audio`,
    u.costUsd !== undefined && formatUsd(u.costUsd),
  ].filter(Boolean);
  return `${id}: ${parts.join(', ')}${u.estimated ? ' (estimated)' : ''}`;
}

export function UsageCells({ turn }: { turn: TurnRecord }) {
  const usage = turn.usage ?? {};
  const estimated = Object.values(usage).some((u) => u.estimated);
  const title = Object.entries(usage)
    .map(([id, u]) => describeNode(id, u))
    .join('\n');
  const tokens = totalTokens(usage);
  return (
    <>
      <td className="num" title={title} data-testid={`turn-tokens-${turn.turn}`}>
        {turn.usage ? `${estimated ? '~' : ''}${tokens}` : '—'}
      </td>
      <td className="num" title={title} data-testid={`turn-cost-${turn.turn}`}>
        {formatUsd(turn.costUsd)}
      </td>
    </>
  );
}
