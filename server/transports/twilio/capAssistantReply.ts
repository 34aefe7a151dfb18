import type { ConversationContext } from '#engine';

/** The bot's reply that a barge-in cut: everything it was going to say, and what the caller heard of it. */
export interface CutReply {
  /** The reply's spoken segments so far, joined as the assistant aggregator joins them. */
  planned: string;
  heard: string;
}

/**
 * After a barge-in, makes the interrupted reply in the conversation no longer
 * than what the caller heard according to Twilio's marks. transport.output
 * already wrote what it had played by the server's clock; the caller's phone
 * lags that by the network and Twilio's buffer, so the marks can only shorten
 * it, never lengthen it. Only the newest message is touched, and only when it
 * is this reply (a prefix of what was planned), so an older reply is never
 * rewritten. Returns whether the conversation changed.
 */
export function capAssistantReply(conversation: ConversationContext, reply: CutReply): boolean {
  const message = conversation.lastAssistant();
  if (!message || message.toolCalls?.length) return false;
  const content = message.content;
  const heard = reply.heard.trim();
  if (
    !reply.planned.startsWith(content) ||
    content.length <= heard.length ||
    !content.startsWith(heard)
  )
    return false;
  if (heard) message.content = heard;
  else conversation.remove(message);
  return true;
}
