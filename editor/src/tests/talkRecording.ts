/**
 * Recording the editor's Talk sessions for "Save as scenario". When a Talk
 * session has its id, the editor asks the server to record it (in memory,
 * for a bounded time: server/scenarios/TalkRecordings.ts). When the session
 * ends, the recording becomes ready and the Talk panel offers to save it.
 */

import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { type TalkStoreState, talkStore } from '../store/talkStore.ts';
import { describeFailure, testsApi } from './testsApi.ts';

export interface TalkRecordingState {
  sessionId: string | null;
  state: 'off' | 'requested' | 'recording' | 'ready' | 'failed';
  error: string | null;
}

export const talkRecordingStore = createStore<TalkRecordingState>()(() => ({
  sessionId: null,
  state: 'off',
  error: null,
}));

export function useTalkRecording<T>(selector: (state: TalkRecordingState) => T): T {
  return useStore(talkRecordingStore, selector);
}

const READY_POLL_MS = 300;
const READY_ATTEMPTS = 40;

/** Starts following Talk sessions; returns the function that stops it. */
export function recordTalkSessions(talk = talkStore, api = testsApi): () => void {
  return talk.subscribe((now: TalkStoreState, before: TalkStoreState) => {
    if (now.sessionId && now.sessionId !== before.sessionId && now.state === 'connected')
      void start(now.sessionId, api);
    const ended = before.state === 'connected' && now.state !== 'connected';
    const mine = talkRecordingStore.getState();
    if (ended && mine.sessionId && mine.state === 'recording') void awaitReady(mine.sessionId, api);
  });
}

async function start(sessionId: string, api: typeof testsApi): Promise<void> {
  talkRecordingStore.setState({ sessionId, state: 'requested', error: null });
  try {
    const status = await api.recordTalk(sessionId);
    if (talkRecordingStore.getState().sessionId !== sessionId) return;
    talkRecordingStore.setState({ state: status.state === 'failed' ? 'failed' : status.state });
    // The session may have ended while the request was on its way.
    if (talkStore.getState().state !== 'connected') void awaitReady(sessionId, api);
  } catch (error) {
    if (talkRecordingStore.getState().sessionId === sessionId)
      talkRecordingStore.setState({ state: 'failed', error: describeFailure(error).join(' ') });
  }
}

/** The server finishes a recording when the session has ended: ask until it says so. */
async function awaitReady(sessionId: string, api: typeof testsApi): Promise<void> {
  for (let i = 0; i < READY_ATTEMPTS; i++) {
    if (talkRecordingStore.getState().sessionId !== sessionId) return;
    try {
      const status = await api.talkRecording(sessionId);
      if (status.state !== 'recording') {
        talkRecordingStore.setState({ state: status.state, error: status.error ?? null });
        return;
      }
    } catch (error) {
      talkRecordingStore.setState({ state: 'failed', error: describeFailure(error).join(' ') });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
}
