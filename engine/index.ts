/**
 * `#engine`: the engine's Node entry, for the server, the CLI, the benchmarks and any program
 * that runs voice agents in Node. It re-exports everything in `#engine/browser` (graph
 * documents, validation, node type info, latency estimate, turn records) and adds the runtime:
 * frames and processors, the graph runner and hot reload, the registry with the built-in
 * nodes, the service family bases, metrics, audio helpers and the harness that tests a
 * processor alone. It loads Node-only packages (pino, ws, onnxruntime-node): code for a
 * browser imports `#engine/browser` instead.
 */

export { aLawDecode, aLawEncode, muLawDecode, muLawEncode } from './audio/g711.ts';
export { dbfs } from './audio/level.ts';
export {
  OPUS_FRAME,
  OPUS_PCM_RATES,
  OPUS_RATE,
  OPUS_SILENCE_FRAME,
  OpusCodec,
} from './audio/opus/OpusCodec.ts';
// Audio
export { Resampler, type ResamplerQuality, resample } from './audio/Resampler.ts';
export { readWav, type WavAudio, WavFormatError, writeWav } from './audio/wav.ts';
export { corpusWordErrorRate, wordErrorRate } from './audio/wer.ts';
export * from './browser.ts';
export { builtinNodeTypes, createDefaultRegistry } from './builtinNodes.ts';
export * from './core/Clock.ts';
export * from './core/ConversationContext.ts';
export * from './core/FrameProcessor.ts';
// Frames, processors, time
export * from './core/frames.ts';
export * from './core/Logger.ts';
export { SettingsUpdateError } from './core/settingsUpdate.ts';
export * from './core/VirtualClock.ts';
// Graphs at run time
export { GraphRunner, type GraphRunnerOptions, type NodeInstance } from './graph/GraphRunner.ts';
export { GraphValidationError } from './graph/GraphValidationError.ts';
export { GRAPH_LIMITS } from './graph/graphBounds.ts';
export {
  type ApplyOptions,
  applyGraph,
  diffGraphs,
  type ReloadReport,
} from './graph/HotReloader.ts';
export {
  EndpointNotAllowedError,
  MissingCredentialError,
  NodeEnvironmentError,
} from './graph/NodeEnvironmentError.ts';
// Node types: the registry, how to define one, and the built-in ones
export {
  defineProcessorNode,
  defineToolNode,
  isToolHost,
  type NodeCreateContext,
  type NodeEnvironment,
  NodeRegistry,
  type NodeType,
  type ProcessorNodeType,
  type SessionServices,
  type ToolHost,
  type ToolNodeType,
} from './graph/NodeRegistry.ts';
export { type PipelineOptions, pipeline } from './graph/pipeline.ts';
// Metrics
export { LatencyObserver } from './metrics/LatencyObserver.ts';
export { summarizeUsage, type UsageSummary } from './metrics/sessionUsage.ts';
export { writeTurnJournal } from './metrics/TurnJournal.ts';
export {
  LevelNormalizeProcessor,
  type LevelNormalizeSettings,
} from './processors/audio/LevelNormalizeProcessor.ts';
export {
  LevelNormalizer,
  type LevelNormalizerOptions,
} from './processors/audio/LevelNormalizer.ts';
export { AssistantTurnAggregator } from './processors/context/AssistantTurnAggregator.ts';
export {
  UserTurnAggregator,
  type UserTurnSettings,
} from './processors/context/UserTurnAggregator.ts';
export { SentenceAggregator } from './processors/text/SentenceAggregator.ts';
export {
  PacedAudioOutput,
  type PacedAudioOutputOptions,
  type PlaybackEvent,
} from './processors/transport/PacedAudioOutput.ts';
// Generic processors
export { TransportInput } from './processors/transport/TransportInput.ts';
export { EnergyScorer } from './processors/vad/EnergyScorer.ts';
export {
  type SpeechScorer,
  VadProcessor,
  type VadSettings,
} from './processors/vad/VadProcessor.ts';
export { FliteSynth } from './providers/flite/FliteSynth.ts';
// Local providers, and the engines beneath them that benchmarks measure directly
export { type FliteSettings, FliteTts } from './providers/flite/FliteTts.ts';
export {
  type PocketsphinxMode,
  type PocketsphinxOptions,
  PocketsphinxRecognizer,
} from './providers/pocketsphinx/PocketsphinxRecognizer.ts';
export { PocketsphinxStt } from './providers/pocketsphinx/PocketsphinxStt.ts';
export { RnnoiseDenoiser } from './providers/rnnoise/RnnoiseDenoiser.ts';
export { RnnoiseProcessor, type RnnoiseSettings } from './providers/rnnoise/RnnoiseProcessor.ts';
/** What the rule-based responder makes of a transcript: the same decision llm.rules acts on. */
export {
  type DialogueState,
  INTENTS,
  type Intent,
  isPlaceIntent,
  type Understanding,
  understand,
} from './providers/rules/understand.ts';
/** Shared local engines (recogniser pools, model workers) outlive sessions: close them on exit. */
export { closeSharedServices } from './providers/sharedServices.ts';
export { SileroScorer } from './providers/silero/SileroScorer.ts';
export { SILERO_WINDOW_SAMPLES, SileroVadModel } from './providers/silero/SileroVadModel.ts';
// Recording conversations and replaying them against a graph (docs/recording.md)
export {
  type CompareOptions,
  type Comparison,
  compareReplays,
  type DifferenceKind,
  type LatencyComparison,
  type TurnComparison,
} from './recording/compareReplays.ts';
export {
  type ConversationToolCall,
  type ConversationTurn,
  conversationTurns,
} from './recording/conversationTurns.ts';
export * from './recording/RecordingFormat.ts';
export { RecordingFormatError } from './recording/RecordingFormatError.ts';
export type { ReplayMode } from './recording/ReplayPacer.ts';
export { parseRecordingMeta, readRecording } from './recording/readRecording.ts';
export { renderComparison } from './recording/renderComparison.ts';
export {
  answeringFrom,
  NOT_IN_RECORDING,
  RecordedToolAnswers,
  type ToolAnswers,
  withRecordedTools,
} from './recording/replayedTools.ts';
export {
  type ReplayOptions,
  type ReplayResult,
  replayRecording,
} from './recording/replayRecording.ts';
export {
  SessionRecorder,
  type SessionRecorderInfo,
  type SessionRecorderOptions,
} from './recording/SessionRecorder.ts';
export { writeRecording } from './recording/writeRecording.ts';
// Scenario tests: conversations with expectations, run against a graph (docs/scenarios.md)
export { clockModeFor } from './scenarios/clockModeFor.ts';
export {
  evaluateScenario,
  type ScenarioOutcome,
  type TurnOutcome,
} from './scenarios/evaluateScenario.ts';
export type { ExpectationCheck } from './scenarios/expectations.ts';
export {
  type LoadedSuite,
  loadScenarios,
  parseScenario,
  readScenarioFile,
} from './scenarios/loadScenarios.ts';
export { renderSuiteText } from './scenarios/renderSuiteText.ts';
export { runScenario, type ScenarioRun, type ScenarioRunOptions } from './scenarios/runScenario.ts';
export {
  runScenarioSuite,
  type ScenarioGraph,
  type ScenarioResult,
  type SuiteOptions,
  type SuiteReport,
  type TimedOutcome,
} from './scenarios/runScenarioSuite.ts';
export * from './scenarios/ScenarioFormat.ts';
export { ScenarioFormatError } from './scenarios/ScenarioFormatError.ts';
export { NOT_IN_SCENARIO, ScriptedToolAnswers } from './scenarios/ScriptedToolAnswers.ts';
export {
  EVAL_REPORT_FORMAT,
  EVAL_REPORT_VERSION,
  suiteReportJson,
} from './scenarios/suiteReportJson.ts';
export { suiteReportJunit } from './scenarios/suiteReportJunit.ts';
export { userSpeech } from './scenarios/userSpeech.ts';
// Service family bases: what a new provider's processor extends
export {
  type LlmDelta,
  LlmProcessor,
  type LlmSettings,
  llmSettings,
} from './services/llm/LlmProcessor.ts';
/** Timeouts and retries of a provider request, as every base applies them. */
export type { RequestOptions } from './services/retry/RequestOptions.ts';
export { type RetrySettings, retrySettings } from './services/retry/retrySettings.ts';
export {
  type PlaybackPosition,
  S2sProcessor,
  type S2sResponse,
  type S2sSession,
  type S2sSettings,
  s2sSettings,
} from './services/s2s/S2sProcessor.ts';
export { type FinalDetail, STT_CONSUMES, SttProcessor } from './services/stt/SttProcessor.ts';
export {
  type EmitAudio,
  type SynthesizedAudio,
  TTS_CONSUMES,
  TTS_PRODUCES,
  TtsProcessor,
} from './services/tts/TtsProcessor.ts';
export { type WorkerEntry, workerEntry } from './services/workerEntry.ts';
// Testing a processor alone: feed frames in, read frames out, on a virtual clock
export * from './testing/ProcessorHarness.ts';
export type { ToolCallResult } from './tools/runToolCalls.ts';
export type { Tool, ToolExecution } from './tools/Tool.ts';
