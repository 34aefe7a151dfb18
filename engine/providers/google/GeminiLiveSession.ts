import {
  type FunctionResponse,
  GoogleGenAI,
  type LiveConnectConfig,
  type LiveServerMessage,
  type Session,
} from '@google/genai';
import { redactSecret } from '../../services/redactSecret.ts';
import type { S2sSession } from '../../services/s2s/S2sProcessor.ts';
import { guardLiveSockets } from './GuardedLiveSocket.ts';

export interface GeminiLiveConnectOptions {
  apiKey: string;
  /** The API's base URL (https://generativelanguage.googleapis.com); the SDK derives wss://. */
  baseUrl: string;
  model: string;
  config: LiveConnectConfig;
  /** Give up when the socket has not opened and answered `setup` within this (ms). */
  connectTimeoutMs: number;
}

export interface GeminiLiveHandlers {
  onMessage(message: LiveServerMessage): void;
  /** `onMessage` threw on a message whose fields are not what the protocol says (redacted). */
  onMessageFailed(message: string): void;
  /** The socket closed without `close()` being called; `reason` is redacted. */
  onClosed(code: number, reason: string): void;
}

/**
 * One Live API session through the official SDK (`ai.live.connect`). The
 * SDK's connect waits for the socket to open and then for `setupComplete`,
 * but never fails by itself: a refused handshake (a wrong key is an HTTP
 * error on the upgrade) or a server that never answers `setup` would leave it
 * pending forever. So the socket's own error and close callbacks, and a
 * deadline, settle it here. The key travels in the URL's query (`?key=`), so
 * every text that leaves this class is redacted.
 */
export class GeminiLiveSession implements S2sSession {
  private open = true;
  private closing = false;

  private constructor(
    private readonly sdk: Session,
    private readonly apiKey: string,
  ) {}

  static connect(
    options: GeminiLiveConnectOptions,
    handlers: GeminiLiveHandlers,
  ): Promise<GeminiLiveSession> {
    const { apiKey, baseUrl, model, config } = options;
    const redact = (text: string) => redactSecret(text, apiKey);
    const ai = new GoogleGenAI({ vertexai: false, apiKey, httpOptions: { baseUrl } });
    guardLiveSockets(ai.live);
    let live: GeminiLiveSession | undefined;
    let settled = false;
    return new Promise((resolve, reject) => {
      const fail = (message: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        reject(new Error(redact(message)));
      };
      const deadline = setTimeout(
        () => fail(`Gemini Live connection timed out after ${options.connectTimeoutMs} ms`),
        options.connectTimeoutMs,
      );
      ai.live
        .connect({
          model,
          config,
          callbacks: {
            onmessage: (message) => {
              try {
                handlers.onMessage(message);
              } catch (error) {
                // Thrown here it would be an unhandled rejection in the SDK: costs the turn only.
                handlers.onMessageFailed(redact(errorText(error)));
              }
            },
            onerror: (event) => {
              // Before the session exists this is the refused or failed handshake.
              if (!live) fail(`Gemini Live connection failed: ${event.message || 'socket error'}`);
            },
            onclose: (event) => {
              if (!live) {
                fail(`Gemini Live connection closed before it was set up (code ${event.code})`);
                return;
              }
              live.open = false;
              if (!live.closing) handlers.onClosed(event.code, redact(String(event.reason ?? '')));
            },
          },
        })
        .then((sdk) => {
          live = new GeminiLiveSession(sdk, apiKey);
          if (settled) {
            live.close(); // too late: the caller has moved on
            return;
          }
          settled = true;
          clearTimeout(deadline);
          resolve(live);
        })
        .catch((error: unknown) => fail(`Gemini Live connection failed: ${errorText(error)}`));
    });
  }

  get isOpen(): boolean {
    return this.open && !this.closing;
  }

  sendAudio(base64Pcm: string, sampleRate: number): void {
    if (!this.isOpen) return;
    this.sdk.sendRealtimeInput({
      audio: { data: base64Pcm, mimeType: `audio/pcm;rate=${sampleRate}` },
    });
  }

  /** Client turn detection: the user started or stopped speaking. */
  sendActivity(activity: 'start' | 'end'): void {
    if (!this.isOpen) return;
    this.sdk.sendRealtimeInput(activity === 'start' ? { activityStart: {} } : { activityEnd: {} });
  }

  /** Turns into the model's context; `turnComplete` asks it to answer. */
  sendTurns(turns: Array<{ role: 'user' | 'model'; text: string }>, turnComplete: boolean): void {
    if (!this.isOpen) return;
    this.sdk.sendClientContent({
      turns: turns.map(({ role, text }) => ({ role, parts: [{ text }] })),
      turnComplete,
    });
  }

  sendToolResponse(functionResponses: FunctionResponse[]): void {
    if (!this.isOpen || functionResponses.length === 0) return;
    this.sdk.sendToolResponse({ functionResponses });
  }

  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.sdk.close();
  }

  /** For server texts that may echo the request URL. */
  redact(text: string): string {
    return redactSecret(text, this.apiKey);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
