import { z } from 'zod';
import { dateAfter, readClock, serverTimeZone } from '../openmeteo/clockReading.ts';
import type { Phrasebook, TimeReport } from './phrasebook.ts';
import type { DialogueState, PlaceIntent, Understanding } from './understand.ts';

/** What the built-in understanding needs to know about its surroundings to answer. */
export interface ReplyContext {
  book: Phrasebook;
  persona: string;
  /** The graph's own fallback text, when it sets one; otherwise the style's. */
  fallback?: string;
  hasTool(name: string): boolean;
  /** The wall clock, for the time without a clock tool. */
  now(): Date;
}

/** A tool call the reply waits for, and what its answer will be worded from. */
export interface PendingToolReply {
  intent: PlaceIntent;
  place?: string;
  day?: Understanding['day'];
}

export interface PlannedReply {
  /** Said at once (before the tool call, if there is one). */
  text?: string;
  call?: {
    name: 'get_weather' | 'get_time';
    args: Record<string, string>;
    pending: PendingToolReply;
  };
}

/** The reply to what was understood: words, a tool call, or both. */
export function planReply(
  heard: Understanding,
  state: DialogueState,
  context: ReplyContext,
): PlannedReply {
  const { book, persona } = context;
  switch (heard.intent) {
    case 'weather':
    case 'time':
    case 'date':
      return planPlaceReply(heard as Understanding & { intent: PlaceIntent }, context);
    case 'joke':
      return { text: book.jokes[state.jokesTold % book.jokes.length] };
    case 'greeting':
      return { text: book.greeting(persona) };
    case 'identity':
      return { text: book.identity(persona) };
    case 'capabilities':
      return { text: book.capabilities };
    case 'thanks':
      return { text: book.thanks };
    case 'goodbye':
      return { text: book.goodbye };
    case 'stop':
      return { text: book.stop };
    default:
      return { text: context.fallback ?? book.fallback };
  }
}

function planPlaceReply(
  heard: Understanding & { intent: PlaceIntent },
  context: ReplyContext,
): PlannedReply {
  const { book } = context;
  const { intent, place, day } = heard;
  if (heard.clarify) return { text: place ? book.confirm(intent, place) : book.askPlace(intent) };
  if (intent === 'weather') {
    if (!place || !context.hasTool('get_weather')) return { text: book.noWeatherService };
    const tomorrow = day === 'tomorrow';
    return {
      text: book.checkingWeather(place, tomorrow),
      call: {
        name: 'get_weather',
        // Today's call keeps the arguments it always had: any weather tool understands them.
        args: tomorrow ? { location: place, day: 'tomorrow' } : { location: place },
        pending: { intent, place, day },
      },
    };
  }
  if (context.hasTool('get_time')) {
    return {
      call: {
        name: 'get_time',
        args: place ? { location: place } : {},
        pending: { intent, place, day },
      },
    };
  }
  // No clock tool: the server's own clock still answers "what time is it".
  const reading = readClock(context.now(), serverTimeZone());
  if (place) return { text: book.onlyLocalClock(reading) };
  if (intent === 'time') return { text: book.time(reading) };
  return { text: day === 'tomorrow' ? book.dateTomorrow(tomorrowOf(reading)) : book.date(reading) };
}

const weatherReport = z.object({
  location: z.string(),
  unit: z.string(),
  description: z.string(),
  temperature: z.number().optional(),
  high: z.number().optional(),
  low: z.number().optional(),
});

const timeReport = z.object({
  time: z.string(),
  date: z.string(),
  location: z.string().optional(),
  /** 'YYYY-MM-DDTHH:MM' local: tomorrow's date is counted from it (tool.clock sends it). */
  iso: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T/)
    .optional(),
});

/** The reading with tomorrow's date in its place, on the reading's own calendar. */
function tomorrowOf<R extends TimeReport & { iso: string }>(reading: R): R {
  return { ...reading, date: dateAfter(reading, 1) };
}

/**
 * The words for a tool's answer. `result` is what the tool returned, parsed
 * from JSON; a client-side tool of the same name may return anything, so it
 * is checked, not trusted.
 */
export function replyToToolResult(
  pending: PendingToolReply,
  result: unknown,
  book: Phrasebook,
): string {
  const error =
    typeof result === 'object' && result !== null && 'error' in result
      ? String((result as { error: unknown }).error)
      : undefined;
  if (error !== undefined) {
    if (/no place called/.test(error) && pending.place) return book.placeNotFound(pending.place);
    return pending.intent === 'weather' ? book.weatherUnavailable : book.clockUnavailable;
  }
  if (pending.intent === 'weather') {
    const report = weatherReport.safeParse(result);
    if (!report.success) return book.weatherUnavailable;
    const tomorrow = pending.day === 'tomorrow' && report.data.high !== undefined;
    return tomorrow ? book.weatherTomorrow(report.data) : book.weatherNow(report.data);
  }
  const report = timeReport.safeParse(result);
  if (!report.success) return book.clockUnavailable;
  if (pending.intent === 'time') return book.time(report.data);
  if (pending.day !== 'tomorrow') return book.date(report.data);
  // A clock that does not say its calendar date cannot be counted on from: say today's, as today's.
  const { iso } = report.data;
  return iso ? book.dateTomorrow(tomorrowOf({ ...report.data, iso })) : book.dateToday(report.data);
}
