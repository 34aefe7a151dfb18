/** Talk to the saved graph: connect, mute, hang up, and the live transcript. */
import { useEffect, useRef, useState } from 'react';
import { useTalk } from '../store/talkStore.ts';
import { useLive } from '../store/liveStore.ts';
import { setMuted, stopTalk, stopWatching, watchSession } from '../talk/talkSession.ts';
import { api } from '../api/api.ts';
import type { SessionSummary } from '../api/apiTypes.ts';
import { useEditor } from '../store/editorStore.ts';

function MicMeter() {
  const level = useTalk((s) => s.micLevel);
  const muted = useTalk((s) => s.muted);
  return (
    <span className="mic-meter" title="microphone level">
      <span style={{ width: `${muted ? 0 : Math.min(100, level * 300)}%` }} />
    </span>
  );
}

/** Other live sessions of this graph (phone calls, other tabs) can be watched without talking. */
function OtherSessions() {
  const graph = useEditor((s) => s.target.name);
  const watched = useLive((s) => s.sessionId);
  const [sessions, setSessions] = useState<SessionSummary[]>([]);
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
          {watched === s.id ? (
            <button type="button" className="link-button" onClick={stopWatching}>
              stop watching
            </button>
          ) : (
            <button type="button" className="link-button" onClick={() => watchSession(s.id)} data-testid={`watch-${s.id}`}>
              watch
            </button>
          )}
        </div>
      ))}
    </div>
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
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [transcript]);

  const active = state === 'connecting' || state === 'connected';
  return (
    <div className="talk-panel" data-testid="talk-panel">
      <div className="talk-controls">
        {active ? (
          <>
            <button type="button" className="danger" onClick={() => void stopTalk()} data-testid="talk-stop">
              Hang up
            </button>
            <button type="button" className={muted ? 'active' : ''} onClick={() => setMuted(!muted)} data-testid="talk-mute" aria-pressed={muted}>
              {muted ? 'Unmute' : 'Mute'}
            </button>
            <MicMeter />
          </>
        ) : (
          <button type="button" className="primary" onClick={onStart} data-testid="talk-start">
            Start talking
          </button>
        )}
      </div>
      <div className="talk-status" data-testid="talk-status">
        {state === 'connecting' && 'Connecting… (allow the microphone)'}
        {state === 'connected' && (
          <>
            <span className={`dot${userSpeaking ? ' on user' : ''}`} /> you {userSpeaking ? 'speaking' : 'listening'}
            <span className={`dot${botSpeaking ? ' on bot' : ''}`} /> bot {botSpeaking ? 'speaking' : 'quiet'}
            {sessionId && <code className="muted"> {sessionId.slice(0, 8)}</code>}
            {liveStatus === 'live' && <span className="tag success">live view</span>}
          </>
        )}
        {state === 'idle' && 'Talk uses the saved revision of this graph. Speak over the bot to interrupt it.'}
        {state === 'error' && <span className="field-error">{error}</span>}
      </div>
      {!active && <OtherSessions />}
      <div className="transcript" data-testid="transcript">
        {transcript.map((line) => (
          <div key={line.id} className={`line ${line.role}${line.final ? '' : ' interim'}${line.interrupted ? ' interrupted' : ''}`} data-testid={`transcript-${line.role}`}>
            <span className="who">{line.role === 'user' ? 'You' : line.role === 'bot' ? 'Bot' : ''}</span>
            <span className="text">{line.text}</span>
            {line.interrupted && <span className="tag warning">cut off</span>}
          </div>
        ))}
        <div ref={end} />
      </div>
    </div>
  );
}
