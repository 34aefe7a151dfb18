import type { PlaceIntent } from './understand.ts';

/** How the rule-based responder words its replies. */
export const RESPONDER_STYLES = ['friendly', 'butler'] as const;
export type ResponderStyle = (typeof RESPONDER_STYLES)[number];

/** The weather tool's result, as far as replies read it (either shape). */
export interface WeatherReport {
  location: string;
  unit: string;
  description: string;
  /** Today: the temperature now. */
  temperature?: number;
  /** Tomorrow: the day's range. */
  high?: number;
  low?: number;
}

/** The clock tool's result, as far as replies read it. */
export interface TimeReport {
  time: string;
  date: string;
  location?: string;
}

/** Every sentence the built-in understanding says, for one style. `persona` is the bot's name. */
export interface Phrasebook {
  checkingWeather(place: string, tomorrow: boolean): string;
  weatherNow(report: WeatherReport): string;
  weatherTomorrow(report: WeatherReport): string;
  weatherUnavailable: string;
  placeNotFound(place: string): string;
  noWeatherService: string;
  time(report: TimeReport): string;
  date(report: TimeReport): string;
  /** `report.date` is already tomorrow's. */
  dateTomorrow(report: TimeReport): string;
  /** Asked for tomorrow's date by a clock that gave no calendar to count from. */
  dateToday(report: TimeReport): string;
  clockUnavailable: string;
  /** Said when no clock tool is connected but a place was named: only the server's clock is known. */
  onlyLocalClock(report: TimeReport): string;
  confirm(intent: PlaceIntent, place: string): string;
  askPlace(intent: PlaceIntent): string;
  jokes: readonly string[];
  greeting(persona: string): string;
  identity(persona: string): string;
  capabilities: string;
  thanks: string;
  goodbye: string;
  stop: string;
  fallback: string;
}

const JOKES = [
  'Why do programmers prefer dark mode? Because light attracts bugs.',
  'I told my computer I needed a break. It said: no problem, I will go to sleep.',
  'Why did the scarecrow win an award? He was outstanding in his field.',
  'What do you call a fake noodle? An impasta.',
  'Why can a bicycle not stand on its own? It is two tired.',
];

const topic = (intent: PlaceIntent) =>
  intent === 'weather' ? 'the weather' : intent === 'time' ? 'the time' : 'the date';

const FRIENDLY: Phrasebook = {
  checkingWeather: (place, tomorrow) =>
    tomorrow
      ? `Let me check tomorrow's forecast for ${place}.`
      : `Let me check the weather in ${place}.`,
  weatherNow: (r) => `In ${r.location} it is ${r.temperature} ${r.unit}, ${r.description}.`,
  weatherTomorrow: (r) =>
    `Tomorrow in ${r.location}: ${r.description}, from ${r.low} to ${r.high} ${r.unit}.`,
  weatherUnavailable: 'Sorry, I could not reach the weather service just now.',
  placeNotFound: (place) => `Sorry, I could not find a place called ${place}.`,
  noWeatherService: 'Sorry, I have no weather service to ask.',
  time: (r) => (r.location ? `It is ${r.time} in ${r.location}.` : `It is ${r.time}.`),
  date: (r) => (r.location ? `In ${r.location} it is ${r.date}.` : `It is ${r.date}.`),
  dateTomorrow: (r) =>
    r.location ? `Tomorrow in ${r.location} is ${r.date}.` : `Tomorrow is ${r.date}.`,
  dateToday: (r) => (r.location ? `Today in ${r.location} is ${r.date}.` : `Today is ${r.date}.`),
  clockUnavailable: 'Sorry, I could not read the clock there just now.',
  onlyLocalClock: (r) => `I only have the clock here: it is ${r.time}, ${r.date}.`,
  confirm: (intent, place) => `Did you mean ${topic(intent)} in ${place}?`,
  askPlace: (intent) => (intent === 'weather' ? 'Which city?' : 'Where?'),
  jokes: JOKES,
  greeting: (persona) =>
    `Hello! I am ${persona}. Ask me about the weather or the time anywhere, or for a joke.`,
  identity: (persona) =>
    `I am ${persona}, a rule-based voice assistant running entirely on this machine.`,
  capabilities:
    'I can tell you the weather today or tomorrow, and the time or the date, anywhere in the world. I also know a few jokes.',
  thanks: 'You are welcome.',
  goodbye: 'Goodbye! Talk to you soon.',
  stop: 'Okay.',
  fallback:
    'Sorry, I cannot help with that. I can tell you the weather or the time anywhere, or a joke.',
};

/** The lab's curt British butler: terse, formal, every answer ends in "sir". */
const BUTLER: Phrasebook = {
  checkingWeather: () => 'One moment, sir.',
  weatherNow: (r) => `${r.location}: ${r.temperature} degrees, ${r.description}, sir.`,
  weatherTomorrow: (r) =>
    `${r.location} tomorrow: ${r.description}, ${r.low} to ${r.high} degrees, sir.`,
  weatherUnavailable: 'The weather service is not answering, sir.',
  placeNotFound: (place) => `I know of no ${place}, sir.`,
  noWeatherService: 'I have no weather service, sir.',
  time: (r) => (r.location ? `${r.time} in ${r.location}, sir.` : `${r.time}, sir.`),
  date: (r) => (r.location ? `${r.date} in ${r.location}, sir.` : `${r.date}, sir.`),
  dateTomorrow: (r) =>
    r.location ? `Tomorrow is ${r.date} in ${r.location}, sir.` : `Tomorrow is ${r.date}, sir.`,
  dateToday: (r) =>
    r.location ? `Today is ${r.date} in ${r.location}, sir.` : `Today is ${r.date}, sir.`,
  clockUnavailable: 'The clock eludes me, sir.',
  onlyLocalClock: (r) => `Here it is ${r.time}, ${r.date}, sir. I keep no other clocks.`,
  confirm: (intent, place) => `${capitalise(topic(intent))} in ${place}, sir?`,
  askPlace: () => 'Where, sir?',
  jokes: JOKES.map((joke) => `If you insist, sir. ${joke}`),
  greeting: (persona) => `Good day, sir. ${persona}, at your service.`,
  identity: (persona) =>
    `${persona}, sir. A rule-based assistant, running entirely on this machine.`,
  capabilities: 'The weather, today or tomorrow, and the time anywhere, sir. The occasional joke.',
  thanks: 'Very good, sir.',
  goodbye: 'Good day, sir.',
  stop: 'Sir.',
  fallback: 'I am afraid that is beyond me, sir. The weather, the time, or a joke.',
};

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function phrasebook(style: ResponderStyle): Phrasebook {
  return style === 'butler' ? BUTLER : FRIENDLY;
}

/**
 * The offline (Flite) voice each style is written for: the butler wants a
 * male British-Isles voice, and awb (Scottish male) is the nearest Flite has;
 * the friendly style keeps the default slt. A graph pairs them itself
 * (`tts.flite` config `voice`): the responder cannot reach another node's settings.
 */
const STYLE_VOICES: Record<ResponderStyle, 'slt' | 'awb'> = { friendly: 'slt', butler: 'awb' };

export function personaVoice(style: ResponderStyle): 'slt' | 'awb' {
  return STYLE_VOICES[style];
}
