/**
 * The part of a spoken answer's transcript the user heard, when `fraction`
 * of its audio was played: the Live API gives no word timings, so the
 * transcript is cut in proportion, back to the last whole word. An estimate
 * (speech is not evenly paced, and the transcript can lag the audio), but it
 * keeps the conversation from claiming the bot said what nobody heard.
 */
export function playedPart(transcript: string, fraction: number): string {
  const text = transcript.trim();
  if (fraction >= 1) return text;
  if (fraction <= 0) return '';
  const cut = Math.floor(text.length * fraction);
  if (cut >= text.length || /\s/.test(text[cut] ?? '')) return text.slice(0, cut).trim();
  const lastSpace = text.lastIndexOf(' ', cut);
  return lastSpace < 0 ? '' : text.slice(0, lastSpace).trim();
}
