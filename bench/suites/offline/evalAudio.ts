/** The audio of one eval item in one condition, made once and then read from the cache. */
import type { AudioCache } from './audioCache.ts';
import { applyCondition, type Condition, hashToInt } from './conditions.ts';
import type { EvalItem } from './evalItems.ts';
import { speak, voiceId } from './voices.ts';

const BABBLE_TALKERS = 5;

export class EvalAudio {
  constructor(
    private readonly cache: AudioCache,
    private readonly items: readonly EvalItem[],
  ) {}

  /** The talker alone, trimmed, at the eval's speech level. */
  clean(item: EvalItem): Promise<Int16Array> {
    return this.cache.get({ text: item.text, voice: voiceId(item.voice) }, () =>
      speak(item.text, item.voice),
    );
  }

  /** What the microphone hears of `item` in `condition`. */
  async mic(item: EvalItem, condition: Condition): Promise<Int16Array> {
    const talkers =
      condition.kind === 'noise' && condition.noise === 'babble' ? this.babbleTalkers(item) : [];
    const key = {
      text: item.text,
      voice: voiceId(item.voice),
      condition,
      seed: item.id,
      babble: talkers.map((t) => [t.text, voiceId(t.voice)]),
    };
    return this.cache.get(key, async () =>
      applyCondition(condition, {
        speech: await this.clean(item),
        seed: item.id,
        babbleSources: await Promise.all(talkers.map((t) => this.clean(t))),
      }),
    );
  }

  /** Other people in the room: a fixed pick, per item, of utterances with other words. */
  babbleTalkers(item: EvalItem): EvalItem[] {
    return this.items
      .filter((other) => other.text !== item.text)
      .map((other) => ({ other, rank: hashToInt(`${item.id}|${other.id}`) }))
      .sort((a, b) => a.rank - b.rank)
      .slice(0, BABBLE_TALKERS)
      .map(({ other }) => other);
  }
}
