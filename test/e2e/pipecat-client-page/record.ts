/** What the Pipecat client page records for the test, on `window.__pipecatPage` (epoch ms). */
export interface PageRecord {
  /** The first getUserMedia resolved: the fake microphone's file starts playing about then. */
  micStartedAt: number | null;
  connectStartedAt: number | null;
  botReadyAt: number | null;
  /** RTVI messages as they came off the "chat" data channel (ping excluded). */
  rtvi: Array<{ at: number; type: string; data?: unknown }>;
  /** The client's callbacks, as an app sees them. */
  callbacks: Array<{ at: number; name: string; text?: string; final?: boolean }>;
  /** RMS (0–1) of the bot's remote audio track through a WebAudio AnalyserNode, every ~10 ms. */
  bot: { at: number[]; rms: number[] };
  /** The same for the microphone track the transport sends: when the page's own mic speaks. */
  mic: { at: number[]; rms: number[] };
  botTrack: { id: string; at: number; audioContext: string } | null;
  errors: string[];
  state: string;
}

export type PageWindow = Window & { __pipecatPage: PageRecord };
