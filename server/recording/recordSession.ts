import path from 'node:path';
import { SessionRecorder, writeRecording } from '#engine';
import type { Session } from '../sessions/Session.ts';
import { pruneRecordings } from './pruneRecordings.ts';
import type { RecordingSettings } from './RecordingSettings.ts';

/**
 * Records `session` under `settings.dir/<id>/` from now until it ends, however
 * it ends (a client hanging up, an error, the server closing): the recording
 * holds what was there. Resolves with the directory written, or undefined if
 * it could not be; failures are logged, never thrown into the session.
 */
export function recordSession(
  session: Session,
  settings: RecordingSettings,
): Promise<string | undefined> {
  const id = recordingId(new Date(), session.id);
  const recorder = new SessionRecorder(
    session.runner,
    {
      id,
      sessionId: session.id,
      transport: session.transport,
      graphName: session.graphName,
      revision: session.revision,
    },
    { maxDurationMs: settings.maxDurationMs },
  );
  return new Promise((resolve) => {
    session.once('ended', () => {
      const dir = path.join(settings.dir, id);
      recorder
        .finish()
        .then((recording) => writeRecording(dir, recording))
        .then(async (written) => {
          session.logger.info({ recording: written }, 'recording written');
          const pruned = await pruneRecordings(settings.dir, settings);
          if (pruned.length) session.logger.info({ pruned }, 'old recordings deleted');
          resolve(written);
        })
        .catch((error: unknown) => {
          session.logger.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'recording could not be written',
          );
          resolve(undefined);
        });
    });
  });
}

/** Sorts by time in a directory listing; the session id keeps it unique. */
export function recordingId(at: Date, sessionId: string): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${sessionId.replace(/[^\w.-]+/g, '_')}`;
}
