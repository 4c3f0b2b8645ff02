/** Time helpers: JST rendering for notifications, hour/day arithmetic. */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** `2027-12-01 09:00 JST` (Asia/Tokyo has no DST: UTC+9). */
export function formatJst(at: Date | string): string {
  const d = new Date(typeof at === 'string' ? Date.parse(at) : at.getTime());
  const jst = new Date(d.getTime() + 9 * HOUR_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${jst.getUTCFullYear()}-${p(jst.getUTCMonth() + 1)}-${p(jst.getUTCDate())} ${p(jst.getUTCHours())}:${p(jst.getUTCMinutes())} JST`;
}

/** `20271201`: the JST calendar date, used in selectors. */
export function jstDateStamp(at: Date): string {
  return formatJst(at).slice(0, 10).replaceAll('-', '');
}

export function hoursBetween(from: string, to: Date): number {
  return (to.getTime() - Date.parse(from)) / HOUR_MS;
}

export function daysBetween(from: string, to: Date): number {
  return (to.getTime() - Date.parse(from)) / DAY_MS;
}

export function addHours(at: string | Date, hours: number): Date {
  const base = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return new Date(base + hours * HOUR_MS);
}

export function addDays(at: string | Date, days: number): Date {
  return addHours(at, days * 24);
}
