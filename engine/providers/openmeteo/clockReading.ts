/** What a clock shows in one time zone, in words a voice can say. */
export interface ClockReading {
  /** '3:05 pm' */
  time: string;
  /** 'Friday, December 4' */
  date: string;
  /** 'Friday' */
  weekday: string;
  /** The IANA zone read ('Asia/Tokyo'). */
  timezone: string;
  /** Local date and time, 'YYYY-MM-DDTHH:MM', for a program that wants to compute with it. */
  iso: string;
}

/**
 * The date `days` after the reading's, worded as `ClockReading.date` is ('Saturday,
 * December 5'). Counted on the reading's calendar date, not by adding hours, so a
 * daylight-saving change in its zone cannot land it on the same day or skip one.
 */
export function dateAfter(reading: Pick<ClockReading, 'iso'>, days: number): string {
  const [year, month, day] = reading.iso.slice(0, 10).split('-').map(Number);
  const noon = new Date(Date.UTC(year, month - 1, day + days, 12));
  if (Number.isNaN(noon.getTime())) throw new RangeError(`not a clock reading: '${reading.iso}'`);
  return new Intl.DateTimeFormat('en-US', {
    timeZone: 'UTC',
    weekday: 'long',
    month: 'long',
    day: 'numeric',
  }).format(noon);
}

/** The server's own IANA time zone. */
export function serverTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Reads `now` in `timeZone`. Throws a RangeError naming the zone when it is not one Intl knows. */
export function readClock(now: Date, timeZone: string): ClockReading {
  const part = (options: Intl.DateTimeFormatOptions) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, ...options }).formatToParts(now);
    return (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  };
  const clock = part({ hour: 'numeric', minute: '2-digit', hour12: true });
  const calendar = part({ weekday: 'long', month: 'long', day: 'numeric' });
  const numeric = part({
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const weekday = calendar('weekday');
  return {
    time: `${clock('hour')}:${clock('minute')} ${clock('dayPeriod').toLowerCase()}`,
    date: `${weekday}, ${calendar('month')} ${calendar('day')}`,
    weekday,
    timezone: timeZone,
    iso: `${numeric('year')}-${numeric('month')}-${numeric('day')}T${numeric('hour')}:${numeric('minute')}`,
  };
}
