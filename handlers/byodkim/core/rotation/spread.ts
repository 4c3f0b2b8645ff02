/**
 * Rotation spread (issue #14 item 5, seed 6.5.3 "ローテーション時期分散"): a domain's scheduled rotation falls on
 * ITS day of a window of W days that ends on the date the interval gives, never later. The day is a stable
 * hash of the domain name modulo W, counted in days since the epoch at 00:00 UTC (= 09:00 JST, so the rotation
 * starts with the 09:00 JST tick, in the DNS team's working day). Pure and deterministic: a domain's day
 * depends on nothing but its name, its switch date, its interval and W; adding or removing other domains
 * changes nothing.
 *
 * Bound: on any one day, the rotations that start on schedule are at most the number of domains whose hash
 * falls in that day's residue class modulo W (each domain has one scheduled date per window, on its residue).
 * With 1,000 domains and W = 30 that is about 33 (max ≈ 50 for a random hash; property test).
 */

export const DAY_MS = 86_400_000;

/** FNV-1a (32 bit) of the domain name: stable across runtimes and versions (never change it: dates move). */
export function domainHash(domain: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < domain.length; i++) {
    h ^= domain.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The domain's residue class modulo `windowDays` (0 .. windowDays-1). */
export function spreadPhase(domain: string, windowDays: number): number {
  return domainHash(domain) % windowDays;
}

/** The spread window that applies to a domain: the configured days, at most half its interval. */
export function effectiveSpreadDays(cfg: { rotationIntervalDays: number; rotationSpreadDays?: number }) {
  return Math.max(0, Math.min(cfg.rotationSpreadDays ?? 0, Math.floor(cfg.rotationIntervalDays / 2)));
}

/**
 * The domain's day in the window (base - W days, base]: 00:00 UTC of the latest day d <= day(base) with
 * d ≡ phase (mod W). Always <= base (a key never lives longer than the interval), > base - W days.
 */
export function spreadDate(baseMs: number, windowDays: number, domain: string): number {
  if (windowDays <= 0) return baseMs;
  const day = Math.floor(baseMs / DAY_MS);
  const back = (((day - spreadPhase(domain, windowDays)) % windowDays) + windowDays) % windowDays;
  return (day - back) * DAY_MS;
}

export const HOUR_MS = 3_600_000;

/**
 * The domain's spread date, but never earlier than (the hourly tick that can send its notice) + noticeDays:
 * `spreadDate` when that is far enough, else the domain's first day of its residue class at or after the
 * hour `nowMs` falls in + noticeDays. The tick runs at every hour (cron(0 * * * ? *)), so the hour of `nowMs` is
 * that tick's scheduled time: on a normal cycle the notice tick is 09:00 JST of the day `spreadDate - noticeDays`
 * and the date stays put; when the spread is first deployed or changed (or ticks were missed), the date moves
 * forward by whole windows, keeping the per-day residue bound. Always on the domain's day, at 00:00 UTC.
 */
export function noticeSafeSpreadDate(
  baseMs: number,
  windowDays: number,
  domain: string,
  nowMs: number,
  noticeDays: number,
): number {
  const spread = spreadDate(baseMs, windowDays, domain);
  const earliest = Math.floor(nowMs / HOUR_MS) * HOUR_MS + noticeDays * DAY_MS;
  if (windowDays <= 0 || spread >= earliest) return spread;
  const day = Math.ceil(earliest / DAY_MS);
  const ahead = (((spreadPhase(domain, windowDays) - day) % windowDays) + windowDays) % windowDays;
  return (day + ahead) * DAY_MS;
}
