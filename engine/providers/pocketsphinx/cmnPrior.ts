/**
 * Starting points for pocketsphinx's cepstral mean normalisation (CMN), for
 * the stock en-us acoustic model (13 MFCCs, c0 first).
 *
 * A decoder subtracts a running cepstral mean from every frame and only
 * re-estimates it at the end of each utterance, so the first turn of a
 * session is decoded against whatever it starts from. The model's own start
 * (MODEL_CMN_PRIOR with weight 0) is far from our audio, and since it has no
 * weight the first utterance's mean replaces it outright, which makes the
 * second turn depend on how long and how voiced the first one was. The
 * helper now also re-estimates the mean during an utterance
 * (DEFAULT_CMN_ADAPT_FRAMES), so the prior mostly decides a first turn's
 * first second; README.md has the measurements.
 */

/**
 * Measured by engine/providers/pocketsphinx/measureCmn.ts (reproduce with
 * `npx tsx engine/providers/pocketsphinx/measureCmn.ts`): the mean cepstrum of
 * 12 voice-agent sentences that are not in the STT test set, spoken by 4 flite
 * and 10 espeak-ng voices, each voice weighted equally, audio peak-normalised
 * to -3 dBFS. Cold WER on the test set: 70% with the model's start -> see
 * bench/README.md / the pocketsphinx README section for current figures.
 *
 * Caveat: all of this is synthetic speech. Its spectrum is tilted compared
 * with the real voices the model was trained on (c1 and c3 differ most from
 * MODEL_CMN_PRIOR), so for human callers the model's mean may be the better
 * start. The prior weighs DEFAULT_CMN_PRIOR_FRAMES (100 frames, ~1 s of
 * speech), so a real caller pulls it to their own channel within their first
 * turn.
 * c0 is log energy and follows the input level: 6 dB quieter is ~7 lower.
 */
export const DEFAULT_CMN_PRIOR: readonly number[] = [
  44.79, 5.34, -0.44, 19.51, -7.84, -0.72, -0.91, -9.76, -1.24, -4.6, 3.84, -2.0, -0.24,
];

/** -cmninit of the model's feat.params (real read speech, the model's training data). */
export const MODEL_CMN_PRIOR: readonly number[] = [
  41.0, -5.29, -0.12, 5.09, 2.48, -4.07, -1.37, -1.78, -5.08, -2.05, -6.45, -1.42, 1.17,
];
