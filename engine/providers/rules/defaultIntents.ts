import type { RulesIntent } from './RulesLlm.ts';

/**
 * The pattern intents `llm.rules` shipped with before its built-in
 * understanding (understand.ts) existed: an example of graph-defined intents,
 * kept for graphs and tests that set them explicitly. New graphs need none —
 * the built-in understanding covers these and far more phrasings. Patterns
 * are RE2 syntax, matched case-insensitively (IntentPattern.ts).
 */
export const DEFAULT_INTENTS: RulesIntent[] = [
  {
    name: 'weather',
    patterns: [
      "weather (?:like )?(?:in|at|for) (?<location>[a-z][a-z .'-]*?)(?: today| now| right now)?[?.!]*$",
      "(?:how|what) is it (?:like )?(?:in|at) (?<location>[a-z][a-z .'-]*?)[?.!]*$",
      "weather.*\\b(?:in|at|for) (?<location>[a-z][a-z'-]*)",
    ],
    reply: 'Let me check the weather in {location}.',
    tool: { name: 'get_weather', arguments: { location: '{location}' } },
    replyWithResult:
      'In {result.location} it is {result.temperature} {result.unit}, {result.description}.',
    replyOnError: 'Sorry, I could not reach the weather service just now.',
  },
  {
    name: 'joke',
    patterns: ['\\bjoke\\b', 'make me laugh', 'something funny'],
    reply: 'Why do programmers prefer dark mode? Because light attracts bugs.',
  },
  {
    name: 'greeting',
    patterns: ['^(?:hi|hello|hey|good (?:morning|afternoon|evening))\\b'],
    reply: 'Hello! I am {persona}. Ask me about the weather anywhere, or for a joke.',
  },
  {
    name: 'identity',
    patterns: ['who are you', "what(?:'s| is) your name", 'what are you'],
    reply: 'I am {persona}, a rule-based voice assistant running entirely on this machine.',
  },
  { name: 'stop', patterns: ['^(?:stop|quiet|shush|be quiet|enough)\\b'], reply: 'Okay.' },
  { name: 'thanks', patterns: ['\\bthank(?:s| you)\\b'], reply: 'You are welcome.' },
  {
    name: 'goodbye',
    patterns: ['\\b(?:bye|goodbye|see you)\\b'],
    reply: 'Goodbye! Talk to you soon.',
  },
];
