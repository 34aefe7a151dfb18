/**
 * `#engine`: the engine's Node entry, for the server, the CLI, the benchmarks and any program
 * that runs voice agents in Node. It re-exports everything in `#engine/browser` (graph
 * documents, validation, node type info, latency estimate, turn records) and adds the runtime:
 * frames and processors, the graph runner and hot reload, the registry with the built-in
 * nodes, the service family bases, metrics, audio helpers and the harness that tests a
 * processor alone. It loads Node-only packages (pino, ws, onnxruntime-node): code for a
 * browser imports `#engine/browser` instead.
 */
export * from './browser.ts';

// Frames, processors, time
export * from './core/frames.ts';
export * from './core/FrameProcessor.ts';
export * from './core/Clock.ts';
export * from './core/VirtualClock.ts';
export * from './core/Logger.ts';
export * from './core/ConversationContext.ts';
export { SettingsUpdateError } from './core/settingsUpdate.ts';

// Graphs at run time
export { GraphRunner, type GraphRunnerOptions, type NodeInstance } from './graph/GraphRunner.ts';
export { pipeline, type PipelineOptions } from './graph/pipeline.ts';
export {
  applyGraph,
  diffGraphs,
  type ApplyOptions,
  type ReloadReport,
} from './graph/HotReloader.ts';
export { GRAPH_LIMITS } from './graph/graphBounds.ts';
export { GraphValidationError } from './graph/GraphValidationError.ts';
export {
  EndpointNotAllowedError,
  MissingCredentialError,
  NodeEnvironmentError,
} from './graph/NodeEnvironmentError.ts';

// Node types: the registry, how to define one, and the built-in ones
export {
  NodeRegistry,
  defineProcessorNode,
  defineToolNode,
  isToolHost,
  type NodeCreateContext,
  type NodeEnvironment,
  type NodeType,
  type ProcessorNodeType,
  type SessionServices,
  type ToolHost,
  type ToolNodeType,
} from './graph/NodeRegistry.ts';
export { builtinNodeTypes, createDefaultRegistry } from './builtinNodes.ts';
/** Shared local engines (recogniser pools, model workers) outlive sessions: close them on exit. */
export { closeSharedServices } from './providers/sharedServices.ts';
export type { Tool, ToolExecution } from './tools/Tool.ts';

// Service family bases: what a new provider's processor extends
export {
  LlmProcessor,
  llmSettings,
  type LlmDelta,
  type LlmSettings,
} from './services/llm/LlmProcessor.ts';
export {
  TtsProcessor,
  TTS_CONSUMES,
  TTS_PRODUCES,
  type EmitAudio,
  type SynthesizedAudio,
} from './services/tts/TtsProcessor.ts';
export { SttProcessor, STT_CONSUMES, type FinalDetail } from './services/stt/SttProcessor.ts';
export {
  S2sProcessor,
  s2sSettings,
  type PlaybackPosition,
  type S2sResponse,
  type S2sSession,
  type S2sSettings,
} from './services/s2s/S2sProcessor.ts';
export type { ToolCallResult } from './tools/runToolCalls.ts';
/** Timeouts and retries of a provider request, as every base applies them. */
export type { RequestOptions } from './services/retry/RequestOptions.ts';
export { retrySettings, type RetrySettings } from './services/retry/retrySettings.ts';
export { workerEntry, type WorkerEntry } from './services/workerEntry.ts';

// Generic processors
export { TransportInput } from './processors/transport/TransportInput.ts';
export {
  PacedAudioOutput,
  type PacedAudioOutputOptions,
  type PlaybackEvent,
} from './processors/transport/PacedAudioOutput.ts';
export {
  VadProcessor,
  type SpeechScorer,
  type VadSettings,
} from './processors/vad/VadProcessor.ts';
export { EnergyScorer } from './processors/vad/EnergyScorer.ts';
export {
  UserTurnAggregator,
  type UserTurnSettings,
} from './processors/context/UserTurnAggregator.ts';
export { AssistantTurnAggregator } from './processors/context/AssistantTurnAggregator.ts';
export { SentenceAggregator } from './processors/text/SentenceAggregator.ts';

// Local providers, and the engines beneath them that benchmarks measure directly
export { FliteTts, type FliteSettings } from './providers/flite/FliteTts.ts';
export { FliteSynth } from './providers/flite/FliteSynth.ts';
export { SileroScorer } from './providers/silero/SileroScorer.ts';
export { SILERO_WINDOW_SAMPLES, SileroVadModel } from './providers/silero/SileroVadModel.ts';
export { PocketsphinxStt } from './providers/pocketsphinx/PocketsphinxStt.ts';
export {
  PocketsphinxRecognizer,
  type PocketsphinxMode,
  type PocketsphinxOptions,
} from './providers/pocketsphinx/PocketsphinxRecognizer.ts';

// Metrics
export { LatencyObserver } from './metrics/LatencyObserver.ts';
export { writeTurnJournal } from './metrics/TurnJournal.ts';

// Audio
export { Resampler, resample, type ResamplerQuality } from './audio/Resampler.ts';
export { aLawDecode, aLawEncode, muLawDecode, muLawEncode } from './audio/g711.ts';
export { readWav, writeWav, WavFormatError, type WavAudio } from './audio/wav.ts';
export { dbfs } from './audio/level.ts';
export { corpusWordErrorRate, wordErrorRate } from './audio/wer.ts';

// Testing a processor alone: feed frames in, read frames out, on a virtual clock
export * from './testing/ProcessorHarness.ts';
