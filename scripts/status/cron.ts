/**
 * Next fire time of an EventBridge Scheduler expression: `cron(min hour day-of-month month day-of-week year)`
 * with `?`, `*`, lists, ranges, steps and names (no `L`, `W`, `#`), `at(yyyy-mm-ddThh:mm:ss)`, in an IANA
 * time zone. `rate(...)` has no fixed phase without the schedule's start date, so it returns undefined.
 */

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export class UnsupportedScheduleError extends Error {
  override readonly name = 'UnsupportedScheduleError';
}

function field(
  text: string,
  min: number,
  max: number,
  names: readonly string[] = [],
  nameBase = min,
): Set<number> | null {
  if (text === '*' || text === '?') return null;
  const out = new Set<number>();
  const value = (v: string) => {
    const i = names.indexOf(v.toUpperCase());
    const n = i >= 0 ? i + nameBase : Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new UnsupportedScheduleError(`'${v}' is outside ${min}-${max}`);
    return n;
  };
  for (const part of text.split(',')) {
    if (part.includes('#') || /^(\d*L|L-\d+|\d+W|LW)$/i.test(part))
      throw new UnsupportedScheduleError(`cron field '${part}' (L, W, #) is not supported`);
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new UnsupportedScheduleError(`bad step in '${part}'`);
    let [lo, hi] = [min, max];
    if (range !== '*') {
      const [a = '', b] = range.split('-');
      lo = value(a);
      hi = b === undefined ? (stepText === undefined ? lo : max) : value(b);
    }
    for (let n = lo; n <= hi; n += step) out.add(n);
  }
  return out;
}

/** Milliseconds to add to UTC to get the wall-clock time in `timeZone` at `instant`. */
function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The UTC instant of a wall-clock time in `timeZone`. */
function fromWall(wallUtc: number, timeZone: string): number {
  const guess = wallUtc - offsetMs(wallUtc, timeZone);
  return wallUtc - offsetMs(guess, timeZone);
}

/** Next run strictly after `from`, or undefined when none within `horizonDays` or the expression has no phase. */
export function nextRun(
  expression: string,
  timeZone = 'UTC',
  from = new Date(),
  horizonDays = 800,
): Date | undefined {
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression.trim());
  if (at) {
    const [, y, mo, d, h, mi, s] = at.map(Number) as number[];
    const when = fromWall(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!), timeZone);
    return when > from.getTime() ? new Date(when) : undefined;
  }
  if (/^rate\(/.test(expression.trim())) return undefined;
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron?.[1])
    throw new UnsupportedScheduleError(`'${expression}' is not a cron(), at() or rate() expression`);
  const f = cron[1].trim().split(/\s+/);
  if (f.length !== 6) throw new UnsupportedScheduleError(`cron needs 6 fields, '${cron[1]}' has ${f.length}`);
  const minutes = field(f[0]!, 0, 59) ?? new Set(Array.from({ length: 60 }, (_, i) => i));
  const hours = field(f[1]!, 0, 23) ?? new Set(Array.from({ length: 24 }, (_, i) => i));
  const dom = field(f[2]!, 1, 31);
  const months = field(f[3]!, 1, 12, MONTHS, 1);
  const dow = field(f[4]!, 1, 7, DAYS, 1); // AWS: 1 = SUN
  const years = field(f[5]!, 1970, 2199);
  const sortedH = [...hours].sort((a, b) => a - b);
  const sortedM = [...minutes].sort((a, b) => a - b);
  const startWall = from.getTime() + offsetMs(from.getTime(), timeZone);
  const start = new Date(startWall);
  for (let i = 0; i <= horizonDays; i++) {
    const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + i));
    if (years && !years.has(day.getUTCFullYear())) continue;
    if (months && !months.has(day.getUTCMonth() + 1)) continue;
    if (dom && !dom.has(day.getUTCDate())) continue;
    if (dow && !dow.has(day.getUTCDay() + 1)) continue;
    for (const h of sortedH) {
      for (const m of sortedM) {
        const when = fromWall(day.getTime() + (h * 60 + m) * 60_000, timeZone);
        if (when > from.getTime()) return new Date(when);
      }
    }
  }
  return undefined;
}
