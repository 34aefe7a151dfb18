/**
 * graphs/voice-agent.json (Silero VAD, pocketsphinx, llm.rules, Flite) with
 * one intent added: "how are you …" calls `get_mood`, a function tool the
 * Realtime client declares in `session.update` and runs itself (the app
 * decides how its bot feels). The rules responder only calls a tool its LLM
 * node has, so this intent works exactly when the client declared the tool
 * (otherwise it says `replyOnError`). "How are you doing today" is a fixture
 * pocketsphinx decodes reliably; "tell me a joke" it often hears as "a dog".
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_INTENTS } from '../../../engine/providers/rules/defaultIntents.ts';
import { withConfig } from './realGraphServer.ts';

export const CLIENT_TOOL = 'get_mood';

export const GET_MOOD_TOOL = {
  type: 'function' as const,
  name: CLIENT_TOOL,
  description: 'How the assistant feels today, as the app decides; say it to the user.',
  parameters: { type: 'object', properties: { day: { type: 'string' } }, required: ['day'] },
};

const moodIntent = {
  name: 'client-mood',
  patterns: ['\\bhow are you\\b'],
  tool: { name: CLIENT_TOOL, arguments: { day: 'today' } },
  replyWithResult: '{result.mood}',
  replyOnError: 'I am not sure how I feel.',
};

export function realtimeAgentGraph(): unknown {
  const root = path.resolve(import.meta.dirname, '../../..');
  const voiceAgent = JSON.parse(
    readFileSync(path.join(root, 'graphs/voice-agent.json'), 'utf8'),
  ) as { nodes: Array<{ id: string; config: Record<string, unknown> }> };
  return withConfig(voiceAgent, { llm: { intents: [moodIntent, ...DEFAULT_INTENTS] } });
}
