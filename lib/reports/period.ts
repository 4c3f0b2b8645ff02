/**
 * Reporting periods in Japan Standard Time. Asia/Tokyo is UTC+9 without daylight saving, so a fixed offset is
 * exact. Daily: one calendar day; weekly: Monday to Sunday; monthly: a calendar month. Without a date, a run
 * reports the last complete period before `now` (09:00 JST on Tuesday reports Monday; Monday the past week).
 */
import type { Cadence, Period } from './types.js';

const JST_MS = 9 * 3600_000;
const DAY_MS = 86_400_000;
const WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土'];
const pad = (n: number) => String(n).padStart(2, '0');

/** JST calendar date of an instant: YYYY-MM-DD. */
export function jstDate(d: Date): string {
  const j = new Date(d.getTime() + JST_MS);
  return `${j.getUTCFullYear()}-${pad(j.getUTCMonth() + 1)}-${pad(j.getUTCDate())}`;
}

/** `2026-11-30 14:05 JST` */
export function jstTime(d: Date): string {
  const j = new Date(d.getTime() + JST_MS);
  return `${jstDate(d)} ${pad(j.getUTCHours())}:${pad(j.getUTCMinutes())} JST`;
}

/** Midnight JST of a YYYY-MM-DD date, as an instant. */
export function jstMidnight(date: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`date "${date}" must be YYYY-MM-DD (a JST calendar date)`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = Date.UTC(y, mo - 1, d);
  if (new Date(utc).getUTCDate() !== d || mo < 1 || mo > 12) throw new Error(`date "${date}" does not exist`);
  return new Date(utc - JST_MS);
}

function label(cadence: Cadence, start: Date, end: Date): string {
  const s = new Date(start.getTime() + JST_MS);
  const ymd = (d: Date) => `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
  if (cadence === 'daily') return `${ymd(s)} (${WEEKDAYS[s.getUTCDay()]})`;
  if (cadence === 'monthly') return `${s.getUTCFullYear()}年${s.getUTCMonth() + 1}月`;
  const e = new Date(end.getTime() + JST_MS - DAY_MS);
  return `${ymd(s)} (月) 〜 ${ymd(e)} (日)`;
}

/** The period of `cadence` that contains the JST date `date`. */
export function periodContaining(cadence: Cadence, date: string): Period {
  const midnight = jstMidnight(date);
  let start = midnight;
  let end: Date;
  if (cadence === 'daily') {
    end = new Date(start.getTime() + DAY_MS);
  } else if (cadence === 'weekly') {
    const weekday = new Date(midnight.getTime() + JST_MS).getUTCDay();
    start = new Date(midnight.getTime() - ((weekday + 6) % 7) * DAY_MS);
    end = new Date(start.getTime() + 7 * DAY_MS);
  } else {
    const [y, m] = date.split('-').map(Number) as [number, number];
    start = jstMidnight(`${y}-${pad(m)}-01`);
    end = jstMidnight(m === 12 ? `${y + 1}-01-01` : `${y}-${pad(m + 1)}-01`);
  }
  return { cadence, key: jstDate(start), start, end, label: label(cadence, start, end) };
}

/** The last complete period before `now`. */
export function lastCompletePeriod(cadence: Cadence, now: Date): Period {
  const today = periodContaining(cadence, jstDate(now));
  return periodContaining(cadence, jstDate(new Date(today.start.getTime() - 1)));
}

/** The `count` periods before `period`, oldest first (weekly trend: the previous four weeks). */
export function previousPeriods(period: Period, count: number): Period[] {
  const out: Period[] = [];
  let p = period;
  for (let i = 0; i < count; i++) {
    p = periodContaining(p.cadence, jstDate(new Date(p.start.getTime() - 1)));
    out.unshift(p);
  }
  return out;
}

/** Resolves a report's period from an optional `--date`/event date (any day inside the period). */
export function resolvePeriod(cadence: Cadence, date: string | undefined, now: Date): Period {
  if (date === undefined) return lastCompletePeriod(cadence, now);
  const p = periodContaining(cadence, date);
  if (p.end.getTime() > now.getTime()) {
    throw new Error(
      `the ${cadence} period of ${date} (${p.label}) is not over yet: report a finished period`,
    );
  }
  return p;
}
