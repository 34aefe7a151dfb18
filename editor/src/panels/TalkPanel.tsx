/** Talk to the saved graph: connect, mute, hang up, and the live transcript. */
import { useEffect, useRef, useState } from 'react';
import type { GraphSummary, SessionInfo } from '#server/wire';
import { ApiError } from '../api/ApiError.ts';
import { api } from '../api/api.ts';
import { useEditor } from '../store/editorStore.ts';
import { liveStore, useLive } from '../store/liveStore.ts';
import { type TalkTransport, talkStore, useTalk } from '../store/talkStore.ts';
import { uiStore } from '../store/uiStore.ts';
import { setMuted, stopTalk, stopWatching, watchSession } from '../talk/talkSession.ts';
import { SaveAsScenario } from '../tests/SaveAsScenario.tsx';

function MicMeter() {
  const level = useTalk((s) => s.micLevel);
  const muted = useTalk((s) => s.muted);
  return (
    <span className="mic-meter" title="microphone level">
      <span style={{ width: `${muted ? 0 : Math.min(100, level * 300)}%` }} />
    </span>
  );
}

const TRANSPORT_LABEL: Record<TalkTransport, string> = { webrtc: 'WebRTC', websocket: 'WebSocket' };

/** WebRTC by default; the WebSocket for networks that block UDP (WebRTC also falls back by itself). */
function TransportChoice() {
  const transport = useTalk((s) => s.transport);
  return (
    <label title="How Talk reaches the server. WebRTC falls back to WebSocket if it cannot connect.">
      <select
        value={transport}
        onChange={(e) => talkStore.getState().setTransport(e.target.value as TalkTransport)}
        data-testid="talk-transport"
      >
        {(Object.keys(TRANSPORT_LABEL) as TalkTransport[]).map((t) => (
          <option key={t} value={t}>
            {TRANSPORT_LABEL[t]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Other live sessions of this graph (phone calls, other tabs) can be watched without talking. */
function OtherSessions() {
  const graph = useEditor((s) => s.target.name);
  const watched = useLive((s) => s.sessionId);
  const [sessions, setSessions] = useState<SessionInfo[]>([]);
  useEffect(() => {
    let cancelled = false;
    const load = () =>
      api.sessions().then(
        (list) => !cancelled && setSessions(list.filter((s) => s.graph === graph)),
        () => {},
      );
    void load();
    const timer = setInterval(load, 5000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [graph]);
  if (sessions.length === 0) return null;
  return (
    <div className="other-sessions" data-testid="other-sessions">
      <div className="section-title">Live sessions of this graph</div>
      {sessions.map((s) => (
        <div key={s.id} className="other-session">
          <code>{s.id.slice(0, 8)}</code>
          <span className="muted">{s.transport}</span>
          {s.worker && <span className="muted">on {s.worker}</span>}
          {watched === s.id ? (
            <button type="button" className="link-button" onClick={stopWatching}>
              stop watching
            </button>
          ) : (
            <button
              type="button"
              className="link-button"
              onClick={() => {
                watchSession(s.id);
                // Its turns show in the latency dock, as a Talk session's do.
                uiStore.getState().set({ bottomTab: 'latency', bottomOpen: true });
              }}
              data-testid={`watch-${s.id}`}
            >
              watch
            </button>
          )}
        </div>
      ))}
    </div>
  );
}

/**
 * "Continue on graph…": the live conversation goes on on another saved graph
 * (same session, same conversation, applied by hot reload), e.g. from the
 * cascade to the speech-to-speech node, so both can be compared on one talk.
 */
export function ContinueOnGraph({ sessionId }: { sessionId: string }) {
  const current = useTalk((s) => s.graph);
  const [graphs, setGraphs] = useState<GraphSummary[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let cancelled = false;
    api.listGraphs().then(
      (list) => !cancelled && setGraphs(list),
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, []);
  const others = graphs.filter((g) => g.name !== current);
  if (others.length === 0) return null;
  const switchTo = async (name: string) => {
    if (!name) return;
    setBusy(true);
    const talk = talkStore.getState();
    try {
      const result = await api.switchGraph(sessionId, name);
      talk.set({ graph: result.graph });
      liveStore.getState().setOutcomes(result.nodes);
      talk.system(`Continuing on graph '${result.graph}' — same conversation.`);
    } catch (error) {
      const body =
        error instanceof ApiError
          ? (error.body as { error?: unknown; nodes?: Array<{ reason?: string }> })
          : undefined;
      const reason = body?.nodes?.find((n) => n.reason)?.reason;
      talk.system(
        `Could not continue on '${name}': ${reason ?? (error instanceof Error ? error.message : String(error))}`,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <label
      className="continue-on-graph"
      title="Switch this live conversation to another saved graph, keeping what was said"
    >
      <select
        value=""
        disabled={busy}
        onChange={(e) => void switchTo(e.target.value)}
        data-testid="talk-continue-on"
      >
        <option value="">{busy ? 'Switching…' : 'Continue on graph…'}</option>
        {others.map((g) => (
          <option key={g.name} value={g.name}>
            {g.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function TalkPanel({ onStart }: { onStart(): void }) {
  const state = useTalk((s) => s.state);
  const muted = useTalk((s) => s.muted);
  const transcript = useTalk((s) => s.transcript);
  const error = useTalk((s) => s.error);
  const userSpeaking = useTalk((s) => s.userSpeaking);
  const botSpeaking = useTalk((s) => s.botSpeaking);
  const sessionId = useTalk((s) => s.sessionId);
  const liveStatus = useLive((s) => s.status);
  const via = useTalk((s) => s.via);
  const end = useRef<HTMLDivElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever the transcript grows
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [transcript]);

  const active = state === 'connecting' || state === 'connected';
  return (
    <div className="talk-panel" data-testid="talk-panel">
      <div className="talk-controls">
        {active ? (
          <>
            <button
              type="button"
              className="danger"
              onClick={() => void stopTalk()}
              data-testid="talk-stop"
            >
              Hang up
            </button>
            <button
              type="button"
              className={muted ? 'active' : ''}
              onClick={() => setMuted(!muted)}
              data-testid="talk-mute"
              aria-pressed={muted}
            >
              {muted ? 'Unmute' : 'Mute'}
            </button>
            <MicMeter />
            {state === 'connected' && sessionId && <ContinueOnGraph sessionId={sessionId} />}
          </>
        ) : (
          <>
            <button type="button" className="primary" onClick={onStart} data-testid="talk-start">
              Start talking
            </button>
            <TransportChoice />
          </>
        )}
      </div>
      <div className="talk-status" data-testid="talk-status">
        {state === 'connecting' && 'Connecting… (allow the microphone)'}
        {state === 'connected' && (
          <>
            <span className={`dot${userSpeaking ? ' on user' : ''}`} /> you{' '}
            {userSpeaking ? 'speaking' : 'listening'}
            <span className={`dot${botSpeaking ? ' on bot' : ''}`} /> bot{' '}
            {botSpeaking ? 'speaking' : 'quiet'}
            {sessionId && <code className="muted"> {sessionId.slice(0, 8)}</code>}
            {via && (
              <span className="muted" data-testid="talk-via">
                {' '}
                {TRANSPORT_LABEL[via]}
              </span>
            )}
            {liveStatus === 'live' && <span className="tag success">live view</span>}
          </>
        )}
        {state === 'idle' &&
          'Talk uses the saved revision of this graph. Speak over the bot to interrupt it.'}
        {state === 'error' && <span className="field-error">{error}</span>}
      </div>
      {!active && <SaveAsScenario />}
      {!active && <OtherSessions />}
      <div className="transcript" data-testid="transcript">
        {transcript.map((line) => (
          <div
            key={line.id}
            className={`line ${line.role}${line.final ? '' : ' interim'}${line.interrupted ? ' interrupted' : ''}`}
            data-testid={`transcript-${line.role}`}
          >
            <span className="who">
              {line.role === 'user' ? 'You' : line.role === 'bot' ? 'Bot' : ''}
            </span>
            <span className="text">{line.text}</span>
            {line.interrupted && <span className="tag warning">cut off</span>}
          </div>
        ))}
        <div ref={end} />
      </div>
    </div>
  );
}
