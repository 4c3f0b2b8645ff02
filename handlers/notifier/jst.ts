/**
 * Japan Standard Time formatting (seed 5.2.1: alerts in Japanese time). Asia/Tokyo has been UTC+9 without
 * daylight saving since 1951, so a fixed offset is exact and needs no time-zone database.
 */
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-29 14:05:00 JST` */
export function formatJst(date: Date): string {
  const d = new Date(date.getTime() + JST_OFFSET_MS);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} JST`
  );
}

/**
 * Parses the timestamps CloudWatch puts in alarm messages: ISO 8601 with a `+0000` offset
 * (`2026-11-29T05:05:00.123+0000`), which `Date.parse` does not accept everywhere. Undefined if unreadable.
 */
export function parseAlarmTimestamp(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
