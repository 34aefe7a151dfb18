// @vitest-environment jsdom

import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** Each PipecatClient the session makes: which transport, and what connect() got. */
const made: Array<{ transport: string; params: Record<string, unknown> }> = [];
let webrtcFails = true;

vi.mock('@pipecat-ai/small-webrtc-transport', () => ({
  SmallWebRTCTransport: class {
    kind = 'webrtc';
  },
}));
vi.mock('@pipecat-ai/websocket-transport', () => ({
  WebSocketTransport: class {
    kind = 'websocket';
  },
  WavMediaManager: class {},
}));
vi.mock('@pipecat-ai/client-js', () => ({
  PipecatClient: class {
    constructor(
      private readonly options: {
        transport: { kind: string };
        callbacks: { onDisconnected?(): void };
      },
    ) {}
    async connect(params: Record<string, unknown>) {
      made.push({ transport: this.options.transport.kind, params });
      if (this.options.transport.kind === 'webrtc' && webrtcFails) {
        // As the real client does: a failed connect reports a disconnect before it rejects.
        this.options.callbacks.onDisconnected?.();
        throw new Error('ICE failed');
      }
    }
    async disconnect() {}
  },
}));

const { TalkPanel } = await import('../../editor/src/panels/TalkPanel.tsx');
const { talkStore } = await import('../../editor/src/store/talkStore.ts');
const { uiStore } = await import('../../editor/src/store/uiStore.ts');
const { startTalk, stopTalk } = await import('../../editor/src/talk/talkSession.ts');

beforeEach(() => {
  made.length = 0;
  webrtcFails = true;
  talkStore.getState().setTransport('webrtc');
});
afterEach(async () => {
  cleanup();
  await stopTalk();
});

describe('Talk transport', () => {
  it('offers WebRTC by default and remembers the choice', () => {
    localStorage.clear();
    render(<TalkPanel onStart={() => {}} />);
    const select = screen.getByTestId('talk-transport') as HTMLSelectElement;
    expect(select.value).toBe('webrtc');
    fireEvent.change(select, { target: { value: 'websocket' } });
    expect(talkStore.getState().transport).toBe('websocket');
    expect(localStorage.getItem('parley.talkTransport')).toBe('websocket');
  });

  it('connects over WebRTC to /api/offer with the API headers', async () => {
    webrtcFails = false;
    await startTalk('voice-agent');
    expect(made).toHaveLength(1);
    const request = made[0].params.webrtcRequestParams as { endpoint: string; headers: Headers };
    expect(request.endpoint).toBe('/api/offer?graph=voice-agent');
    expect(request.headers.get('accept')).toBe('application/json');
    expect(talkStore.getState().state).toBe('connecting');
  });

  it('falls back to the WebSocket when WebRTC does not connect, and says so', async () => {
    await startTalk('voice-agent');
    expect(made.map((m) => m.transport)).toEqual(['webrtc', 'websocket']);
    expect(String(made[1].params.wsUrl)).toMatch(/\/ws\/pipecat\?graph=voice-agent$/);
    const notes = talkStore.getState().transcript.map((l) => l.text);
    expect(notes.some((t) => /WebRTC did not connect \(ICE failed\).*WebSocket/.test(t))).toBe(
      true,
    );
    expect(uiStore.getState().toasts.some((t) => t.text.includes('falling back'))).toBe(true);
  });

  it('uses only the WebSocket when that is the choice', async () => {
    talkStore.getState().setTransport('websocket');
    await startTalk('voice-agent');
    expect(made.map((m) => m.transport)).toEqual(['websocket']);
  });
});
