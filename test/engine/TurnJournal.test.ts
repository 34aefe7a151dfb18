import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import type { Logger } from '../../engine/core/Logger.ts';
import { silentLogger } from '../../engine/core/Logger.ts';
import { turnJournalPath, writeTurnJournal } from '../../engine/metrics/TurnJournal.ts';
import type { TurnRecord } from '../../engine/metrics/TurnRecord.ts';
import { Session } from '../../server/sessions/Session.ts';

const record = (turn: number): TurnRecord => ({
  turn,
  hops: { firstAudioOutMs: 500 },
  nodes: {},
  ttfbMs: { llm: 200 },
  tools: [],
  interrupted: false,
  voiceToVoiceMs: 500,
});

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('turn journal (JSONL)', () => {
  it('appends one JSON object per turn, with the session fields, and writes nothing for a session without turns', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-turns-'));
    const file = await writeTurnJournal(
      path.join(dir, 'nested'),
      'abc/../x',
      [record(1), record(2)],
      { graph: 'voice-agent' },
    );
    expect(file).toBe(turnJournalPath(path.join(dir, 'nested'), 'abc/../x'));
    expect(path.dirname(file!)).toBe(path.join(dir, 'nested')); // the id cannot leave the directory
    const lines = (await readFile(file!, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { graph: 'voice-agent', ...record(1) },
      { graph: 'voice-agent', ...record(2) },
    ]);
    expect(await writeTurnJournal(dir, 'empty', [])).toBeUndefined();
  });

  it('a session logs one structured line per turn and writes its turns when it ends, if configured', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-turns-'));
    const lines: Array<{ fields: Record<string, unknown>; msg: string }> = [];
    const logger: Logger = {
      ...silentLogger,
      child: () => logger,
      info: (fields: Record<string, unknown>, msg: string) => void lines.push({ fields, msg }),
    } as Logger;
    const graph = {
      version: 1,
      name: 't',
      nodes: [
        { id: 'in', type: 'transport.input', config: {} },
        { id: 'user', type: 'context.user', config: {} },
        { id: 'out', type: 'transport.output', config: {} },
      ],
      edges: [
        { id: 'a', source: 'in', target: 'user' },
        { id: 'b', source: 'user', target: 'out' },
      ],
    };
    const session = new Session(graph, {
      id: 's-1',
      graphName: 't',
      revision: 'r',
      transport: 'test',
      registry: createDefaultRegistry(),
      env: {},
      logger,
      quietTimeoutMs: 100,
      turnLogDir: dir,
    });
    await session.start();
    session.push(session.runner.createFrame('user.speaking.started', {}));
    session.push(session.runner.createFrame('transcript.final', { text: 'hello' }));
    session.push(session.runner.createFrame('user.speaking.stopped', {}));
    session.close('done');
    const file = turnJournalPath(dir, 's-1');
    let text = '';
    for (let i = 0; i < 50 && !text; i++) {
      text = await readFile(file, 'utf8').catch(() => '');
      if (!text) await new Promise((r) => setTimeout(r, 10));
    }
    const [line] = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(line).toMatchObject({ session: 's-1', graph: 't', turn: 1, userText: 'hello' });
    expect(lines.filter((l) => l.msg === 'turn')).toEqual([
      { msg: 'turn', fields: { turn: expect.objectContaining({ turn: 1, userText: 'hello' }) } },
    ]);
  });
});
