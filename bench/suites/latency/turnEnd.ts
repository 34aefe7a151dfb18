/**
 * Turn-end delay with and without the smart end-of-turn check: the real
 * Silero VAD, pocketsphinx and UserTurnAggregator on a virtual clock, fed the
 * spoken fixtures 20 ms at a time (each chunk is processed completely before
 * the clock moves on, so the run is faster than real time and deterministic in
 * its timing). Delay = the turn's `llm.context` − the VAD's end of speech; the
 * recogniser's own final delay is left out (it is the same in every mode and
 * is measured by the offline suite). A hesitation set — espeak-ng sentences
 * with a 600 ms pause after "to", "and", "for" … — counts turns cut in two.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ConversationContext,
  PocketsphinxStt,
  pipeline,
  readWav,
  SileroScorer,
  UserTurnAggregator,
  type UserTurnSettings,
  VadProcessor,
  VirtualClock,
} from '#engine';
import { loadAllSpeechFixtures } from '../../../test/fixtures/speech/speechFixtures.ts';

export interface TurnEndConfig {
  name: string;
  stopMs: number;
  endOfTurn: 'vad' | 'smart';
  incompleteExtraMs: number;
}

interface RunOutcome {
  /** ms from the VAD's end of speech to each llm.context. */
  turnEnds: number[];
  texts: string[];
}

const USER: Partial<UserTurnSettings> = {
  interruption: 'immediate',
  minDurationMs: 300,
  minWords: 2,
  finalTimeoutMs: 1000,
};
const CHUNK = 320;
const TAIL_MS = 2000;

/** Runs one utterance through VAD → STT → user turns on a virtual clock. */
async function runUtterance(samples: Int16Array, config: TurnEndConfig): Promise<RunOutcome> {
  const clock = new VirtualClock(10_000);
  const vad = new VadProcessor('vad', new SileroScorer(), {
    confidence: 0.6,
    startMs: 150,
    stopMs: config.stopMs,
    pauseMs: 0,
    minVolume: -55,
    prePaddingMs: 200,
    muteWhileBotSpeaking: false,
  });
  const user = new UserTurnAggregator('user', new ConversationContext(), {
    ...USER,
    endOfTurn: config.endOfTurn,
    incompleteExtraMs: config.incompleteExtraMs,
  });
  const runner = pipeline([vad, new PocketsphinxStt('stt'), user], { clock });
  let speechEndedAt: number | undefined;
  /** The VAD stopped and the recogniser has not answered yet. */
  let awaitingStt = false;
  const outcome: RunOutcome = { turnEnds: [], texts: [] };
  runner.observeHops(({ frame, from, at }) => {
    if (from === 'vad' && frame.type === 'user.speaking.stopped') {
      speechEndedAt = frame.speechEndedAt ?? at;
      awaitingStt = true;
    }
    // The recogniser reports its finalisation time whether or not it heard words.
    if (from === 'stt' && frame.type === 'metrics') awaitingStt = false;
    if (from === 'user' && frame.type === 'llm.context' && speechEndedAt !== undefined) {
      outcome.turnEnds.push(at - speechEndedAt);
      outcome.texts.push(String(frame.messages[frame.messages.length - 1]?.content ?? ''));
    }
  });
  await runner.start();
  const audio = new Int16Array(samples.length + 16 * TAIL_MS);
  audio.set(samples);
  for (let i = 0; i < audio.length; i += CHUNK) {
    await clock.advance(20);
    runner.push(
      runner.createFrame('audio.in', { audio: audio.subarray(i, i + CHUNK), sampleRate: 16000 }),
    );
    await runner.idle();
    // The decoder runs in its own process, in real time: virtual time stands still until it has
    // answered, so its delay counts as zero in every mode.
    for (let waited = 0; awaitingStt && waited < 3000; waited += 5)
      await new Promise((r) => setTimeout(r, 5));
  }
  runner.cancel();
  return outcome;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length === 0
    ? NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export interface TurnEndFigures {
  /** Median turn-end delay per config over the fixture set (one turn per fixture). */
  medianMs: Record<string, number>;
  /** Fixtures whose only turn the smart check held open (all fixtures are complete sentences: these are false holds). */
  heldFixtures: Record<string, number>;
  /** Hesitation sentences that became two turns (cut off mid-sentence), per config; undefined without espeak-ng. */
  hesitationCuts?: Record<string, number>;
  hesitationCount?: number;
}

/** Sentences with a pause where a speaker gathers their thoughts. */
const HESITATIONS = [
  'remind me to <break time="600ms"/> buy milk tomorrow',
  'turn off the lights and <break time="600ms"/> the music',
  'set a timer for <break time="600ms"/> ten minutes',
  'call my mother because <break time="600ms"/> it is her birthday',
  'send an email to <break time="600ms"/> John',
  'book a table for <break time="600ms"/> two people',
];

function synthesiseHesitations(): Int16Array[] | undefined {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-hesitation-'));
  try {
    return HESITATIONS.map((text, i) => {
      const raw = path.join(dir, `${i}-raw.wav`);
      const wav = path.join(dir, `${i}.wav`);
      execFileSync(
        'espeak-ng',
        ['-v', 'en-us', '-s', '165', '-m', '-w', raw, `<speak>${text}</speak>`],
        { stdio: 'pipe' },
      );
      execFileSync('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', wav, 'pad', '0.3', '0.3'], {
        stdio: 'pipe',
      });
      return readWav(readFileSync(wav)).samples;
    });
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureTurnEnd(
  configs: TurnEndConfig[],
  log: (line: string) => void,
  hesitationConfigs: string[] = configs.map((c) => c.name),
): Promise<TurnEndFigures> {
  const fixtures = loadAllSpeechFixtures();
  const figures: TurnEndFigures = { medianMs: {}, heldFixtures: {} };
  for (const config of configs) {
    const delays: number[] = [];
    let held = 0;
    for (const fixture of fixtures) {
      const { turnEnds } = await runUtterance(fixture.samples, config);
      if (turnEnds.length === 0) continue; // nothing recognised: no turn in any mode
      delays.push(turnEnds[turnEnds.length - 1]);
      if (config.endOfTurn === 'smart' && turnEnds[turnEnds.length - 1] >= config.incompleteExtraMs)
        held++;
    }
    figures.medianMs[config.name] = median(delays);
    figures.heldFixtures[config.name] = held;
    log(
      `  turn end ${config.name}: median ${median(delays).toFixed(0)} ms over ${delays.length} fixtures, ${held} held`,
    );
  }
  const hesitations = synthesiseHesitations();
  if (hesitations) {
    figures.hesitationCuts = {};
    figures.hesitationCount = hesitations.length;
    for (const config of configs.filter((c) => hesitationConfigs.includes(c.name))) {
      let cuts = 0;
      for (const samples of hesitations) {
        const { turnEnds, texts } = await runUtterance(samples, config);
        if (turnEnds.length > 1) cuts++;
        log(`    ${config.name}: ${JSON.stringify(texts)}`);
      }
      figures.hesitationCuts[config.name] = cuts;
    }
  }
  return figures;
}
