import { describe, expect, it } from 'vitest';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import { capAssistantReply } from '../../server/transports/twilio/capAssistantReply.ts';
import { SpokenMarks } from '../../server/transports/twilio/SpokenMarks.ts';

/** What the caller heard, from Twilio's mark echoes, with explicit times (ms). */
describe('SpokenMarks: what the caller heard at a barge-in', () => {
  it('counts segments whose marks came back as heard, and a share of the cut one by how long it played', () => {
    const marks = new SpokenMarks();
    marks.beginReply();
    expect(marks.begin('One two three four.')).toBeUndefined();
    marks.addAudio(1000, 0);
    const first = marks.begin('Five six seven eight.'); // closes the first segment: its mark goes out
    expect(first).toBe('seg-1');
    marks.addAudio(2000, 1000);
    expect(marks.played(first!, 1100)).toEqual({ text: 'One two three four.', audioMs: 1000 }); // caller heard it all at 1100
    // Barge-in at 2100: the second segment has played at the caller for 1000 of its 2000 ms.
    expect(marks.clear(2100)).toEqual({
      planned: 'One two three four. Five six seven eight.',
      heard: 'One two three four. Five six',
    });
  });

  it('treats the echoes that answer a clear as dropped, not played', () => {
    const marks = new SpokenMarks();
    marks.beginReply();
    marks.begin('Hello there.');
    marks.addAudio(800, 0);
    const mark = marks.end()!;
    // The server sent it all (paced), but the caller's phone has not finished it when the user barges in.
    expect(marks.clear(200)).toEqual({ planned: 'Hello there.', heard: '' });
    expect(marks.played(mark, 250)).toEqual({ text: 'Hello there.', audioMs: 800 });
    expect(marks.outstanding).toBe(0);
  });

  it('reports nothing cut when every segment was heard', () => {
    const marks = new SpokenMarks();
    marks.beginReply();
    marks.begin('Done.');
    marks.addAudio(500, 0);
    const mark = marks.end()!;
    marks.played(mark, 600);
    expect(marks.clear(700)).toBeUndefined();
  });
});

describe('capAssistantReply', () => {
  it('shortens the cut reply to what was heard, never lengthens it, and never touches an older reply', () => {
    const conversation = new ConversationContext();
    conversation.add({ role: 'assistant', content: 'Earlier answer.' });
    conversation.add({ role: 'user', content: 'and now' });
    conversation.add({ role: 'assistant', content: 'One two three four. Five six seven' });
    const planned = 'One two three four. Five six seven eight.';
    expect(
      capAssistantReply(conversation, { planned, heard: 'One two three four. Five six' }),
    ).toBe(true);
    expect(conversation.lastAssistant()?.content).toBe('One two three four. Five six');
    expect(
      capAssistantReply(conversation, {
        planned,
        heard: 'One two three four. Five six seven eight.',
      }),
    ).toBe(false);
    expect(conversation.lastAssistant()?.content).toBe('One two three four. Five six');
    // Nothing heard: the reply goes; then the older one is not "this reply" and stays.
    expect(capAssistantReply(conversation, { planned, heard: '' })).toBe(true);
    expect(capAssistantReply(conversation, { planned, heard: '' })).toBe(false);
    expect(conversation.messages.map((m) => m.content)).toEqual(['Earlier answer.', 'and now']);
  });
});
