/**
 * Rotation at scale (issue #14 item 5): the spread of scheduled rotations over their window, the per-day bound
 * at 1,000 domains, determinism, and what happens to a domain whose date was announced before the spread.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueAt } from '../../../handlers/byodkim/core/rotation/decision.js';
import {
  DAY_MS,
  domainHash,
  effectiveSpreadDays,
  spreadDate,
  spreadPhase,
} from '../../../handlers/byodkim/core/rotation/spread.js';
import type { DomainConfig, DomainState } from '../../../handlers/byodkim/core/types.js';
import { initialState } from '../../../handlers/byodkim/core/types.js';

const W = 30;
const INTERVAL = 365;

function rotated(domain: string, switchedAt: string, extra: Partial<DomainState> = {}): DomainState {
  return {
    ...initialState(domain),
    current: { selector: 'ses20271201', privateKeyCiphertext: 'x', publicKey: 'y', createdAt: switchedAt },
    switchedAt,
    nextRotationKind: 'schedule',
    ...extra,
  };
}
const cfg = (domain: string, spread = W, interval = INTERVAL): DomainConfig => ({
  domain,
  rotationIntervalDays: interval,
  rotationSpreadDays: spread,
});

/** Distinct domain names, as operators write them (label.label.tld). */
const domains = (n: number) =>
  fc.uniqueArray(
    fc
      .tuple(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/),
        fc.constantFrom('co.jp', 'ne.jp', 'jp', 'com', 'net', 'example.org'),
      )
      .map(([a, b]) => `${a}.${b}`),
    { minLength: n, maxLength: n },
  );

/** A tick long before any notice is owed (at the switch): the date is the plain spread date. */
const long = (switchedAt: string | number) => ({ now: new Date(switchedAt), noticeDays: 30 });

function perDay(dates: Date[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const d of dates) {
    const day = Math.floor(d.getTime() / DAY_MS);
    m.set(day, (m.get(day) ?? 0) + 1);
  }
  return m;
}

describe('rotation spread (issue #14 item 5)', () => {
  it('1,000 domains onboarded on one day: at most 2 × ceil(1000/30) = 68 scheduled starts on any day (unspread: 1,000)', () => {
    const bound = 2 * Math.ceil(1000 / W);
    fc.assert(
      fc.property(domains(1000), fc.integer({ min: 0, max: 3000 }), (names, dayOffset) => {
        const switchedAt = new Date(Date.UTC(2027, 0, 1) + dayOffset * DAY_MS + 3_600_000 * 5).toISOString();
        const due = names.map((d) => dueAt(rotated(d, switchedAt), cfg(d), long(switchedAt)));
        const counts = perDay(due);
        expect(Math.max(...counts.values())).toBeLessThanOrEqual(bound);
        // The exact bound: a day's count never exceeds its residue class modulo W.
        const classes = new Map<number, number>();
        for (const d of names) classes.set(spreadPhase(d, W), (classes.get(spreadPhase(d, W)) ?? 0) + 1);
        for (const [day, n] of counts) expect(n).toBeLessThanOrEqual(classes.get(day % W) ?? 0);
        // Without the spread every one of them is due the same day.
        const unspread = perDay(names.map((d) => dueAt(rotated(d, switchedAt), cfg(d, 0), long(switchedAt))));
        expect(Math.max(...unspread.values())).toBe(1000);
      }),
      { numRuns: 5 },
    );
  });

  it('1,000 domains switched on random days: the per-day count stays within the residue bound', () => {
    fc.assert(
      fc.property(
        domains(1000).chain((names) =>
          fc.tuple(
            fc.constant(names),
            fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1000, maxLength: 1000 }),
          ),
        ),
        ([names, offsets]) => {
          const due = names.map((d, i) =>
            dueAt(
              rotated(d, new Date(Date.UTC(2027, 5, 1) + offsets[i]! * DAY_MS).toISOString()),
              cfg(d),
              long(Date.UTC(2027, 5, 1)),
            ),
          );
          expect(Math.max(...perDay(due).values())).toBeLessThanOrEqual(2 * Math.ceil(1000 / W));
        },
      ),
      { numRuns: 5 },
    );
  });

  it('is deterministic and per domain: the same inputs give the same date, whatever the other domains', () => {
    fc.assert(
      fc.property(domains(20), fc.integer({ min: 0, max: 5000 }), (names, off) => {
        const at = new Date(Date.UTC(2027, 0, 1) + off * 3_600_000).toISOString();
        const a = names.map((d) => dueAt(rotated(d, at), cfg(d), long(at)).toISOString());
        const b = [...names]
          .reverse()
          .map((d) => dueAt(rotated(d, at), cfg(d), long(at)).toISOString())
          .reverse();
        expect(a).toEqual(b);
        expect(domainHash('goo.ne.jp')).toBe(domainHash('goo.ne.jp'));
      }),
    );
  });

  // Intervals of 60+ days: seen from the switch, every spread date is then beyond the 30-day notice. Shorter
  // intervals, where the notice and the lifetime conflict (the notice wins), are in the property test below.
  it('a key never lives longer than its interval, and at least interval - window + 1 days; the date is 09:00 JST', () => {
    fc.assert(
      fc.property(
        fc.domain().map((d) => d.toLowerCase()),
        fc.integer({ min: 60, max: 730 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (d, interval, spread, minutes) => {
          const at = Date.UTC(2027, 0, 1) + minutes * 60_000;
          const due = dueAt(
            rotated(d, new Date(at).toISOString()),
            cfg(d, spread, interval),
            long(at),
          ).getTime();
          const base = at + interval * DAY_MS;
          const w = effectiveSpreadDays(cfg(d, spread, interval));
          expect(due).toBeLessThanOrEqual(base);
          if (w === 0) expect(due).toBe(base);
          else {
            expect(due).toBeGreaterThan(base - w * DAY_MS);
            expect(due % DAY_MS).toBe(0); // 00:00 UTC = 09:00 JST
            expect(Math.floor(due / DAY_MS) % w).toBe(spreadPhase(d, w));
          }
        },
      ),
    );
  });

  it('a date announced before the spread (30-day notice sent) is kept; an unannounced one moves earlier, never later', () => {
    const d = 'goo.ne.jp';
    const switchedAt = '2027-01-10T03:00:00.000Z';
    const base = new Date(Date.parse(switchedAt) + INTERVAL * DAY_MS);
    expect(
      dueAt(rotated(d, switchedAt, { noticeSentFor: base.toISOString() }), cfg(d), long(switchedAt)),
    ).toEqual(base);
    const spread = dueAt(rotated(d, switchedAt), cfg(d), long(switchedAt));
    expect(spread.getTime()).toBe(spreadDate(base.getTime(), W, d));
    expect(spread <= base).toBe(true);
    // An announcement of an earlier cycle (before this key's window) does not pin the date.
    const old = new Date(Date.parse(switchedAt) - 2 * DAY_MS).toISOString();
    expect(dueAt(rotated(d, switchedAt, { noticeSentFor: old }), cfg(d), long(switchedAt))).toEqual(spread);
    // A retry date and an onboarding are not spread.
    expect(
      dueAt(
        rotated(d, switchedAt, { nextRotationKind: 'retry', nextRotationAt: '2027-02-01T00:00:00Z' }),
        cfg(d),
        long(switchedAt),
      ),
    ).toEqual(new Date('2027-02-01T00:00:00Z'));
    expect(dueAt(initialState(d), cfg(d), long(switchedAt)).getTime()).toBe(0);
  });

  // Review finding (MAJOR): turning the spread on gave unannounced domains ~2 days of notice instead of 30.
  const NOTICE = 30;
  const HOUR_MS = 3_600_000;
  /** The hourly tick that can send the notice at `now` (cron(0 * * * ? *)): the hour `now` falls in. */
  const tickHour = (now: number) => Math.floor(now / HOUR_MS) * HOUR_MS;

  it('a domain not yet announced is never due before (the tick that can send its notice) + noticeDays', () => {
    fc.assert(
      fc.property(
        fc.domain().map((d) => d.toLowerCase()),
        fc.integer({ min: 30, max: 730 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 5_000_000 }),
        fc.integer({ min: 0, max: 800 * 24 * 60 }),
        fc.integer({ min: 7, max: 30 }),
        fc.boolean(),
        (d, interval, spread, switchMin, nowMin, noticeDays, olderNotice) => {
          const at = Date.UTC(2027, 0, 1) + switchMin * 60_000;
          // A notice of the previous cycle (before this key's switch) does not announce this cycle's date.
          const extra = olderNotice ? { noticeSentFor: new Date(at - 3 * DAY_MS).toISOString() } : {};
          const s = rotated(d, new Date(at).toISOString(), extra);
          const now = new Date(at + nowMin * 60_000);
          const due = dueAt(s, cfg(d, spread, interval), { now, noticeDays }).getTime();
          // The notice goes out at the first tick >= due - noticeDays: now, if that is already past.
          const earliestNotice = Math.max(tickHour(now.getTime()), due - noticeDays * DAY_MS);
          expect(due).toBeGreaterThanOrEqual(earliestNotice + noticeDays * DAY_MS);
          // Where the notice does not conflict, the key-lifetime bound holds (never later than the interval).
          const base = at + interval * DAY_MS;
          const w = effectiveSpreadDays(cfg(d, spread, interval));
          const earliest = tickHour(now.getTime()) + noticeDays * DAY_MS;
          if (spreadDate(base, w, d) >= earliest) expect(due).toBe(spreadDate(base, w, d));
          // Where it conflicts, the notice wins, but by less than one window (+1 day): still on the domain's day.
          else expect(due).toBeLessThan(earliest + (w + 1) * DAY_MS);
          expect(Math.floor(due / DAY_MS) % w).toBe(spreadPhase(d, w));
          // Deterministic: same state, same now, same date.
          expect(dueAt(s, cfg(d, spread, interval), { now, noticeDays }).getTime()).toBe(due);
        },
      ),
    );
  });

  it('999 domains, spread first deployed 31 days before their unspread date: every one gets the full notice', () => {
    const now = Date.UTC(2027, 5, 1, 0, 0, 5); // the 09:00 JST tick, 5 s late
    const switchedAt = new Date(now + 31 * DAY_MS - 365 * DAY_MS).toISOString();
    const names = Array.from({ length: 999 }, (_, i) => `d${i}.example.jp`);
    const due = names.map((d) =>
      dueAt(rotated(d, switchedAt), cfg(d), { now: new Date(now), noticeDays: NOTICE }),
    );
    const earliest = tickHour(now) + NOTICE * DAY_MS;
    expect(Math.min(...due.map((x) => x.getTime()))).toBeGreaterThanOrEqual(earliest);
    // Still spread: no day carries more than its residue class (not all the moved domains on one day).
    const classes = new Map<number, number>();
    for (const d of names) classes.set(spreadPhase(d, W), (classes.get(spreadPhase(d, W)) ?? 0) + 1);
    for (const [day, n] of perDay(due)) expect(n).toBeLessThanOrEqual(classes.get(day % W) ?? 0);
    expect(Math.max(...perDay(due).values())).toBeLessThanOrEqual(2 * Math.ceil(999 / W));
  });

  it('a normal cycle keeps its spread date: the notice goes out at its 09:00 JST tick and pins it', () => {
    const d = 'goo.ne.jp';
    const switchedAt = '2027-01-10T03:00:00.000Z';
    const base = Date.parse(switchedAt) + INTERVAL * DAY_MS;
    const spread = spreadDate(base, W, d);
    for (const late of [0, 5_000, 59 * 60_000]) {
      const now = new Date(spread - NOTICE * DAY_MS + late);
      expect(dueAt(rotated(d, switchedAt), cfg(d), { now, noticeDays: NOTICE }).getTime()).toBe(spread);
    }
    // One hour before the notice tick and long before: the same date.
    for (const early of [HOUR_MS, 100 * DAY_MS]) {
      const now = new Date(spread - NOTICE * DAY_MS - early);
      expect(dueAt(rotated(d, switchedAt), cfg(d), { now, noticeDays: NOTICE }).getTime()).toBe(spread);
    }
    // A tick missed (outage of a day): the date moves to the domain's next day of the window, never nearer.
    const late = new Date(spread - NOTICE * DAY_MS + DAY_MS);
    expect(dueAt(rotated(d, switchedAt), cfg(d), { now: late, noticeDays: NOTICE }).getTime()).toBe(
      spread + W * DAY_MS,
    );
    // Announced: kept, whatever now is (also after the notice moved it past the interval).
    const announced = (spread + W * DAY_MS) as number;
    const s = rotated(d, switchedAt, { noticeSentFor: new Date(announced).toISOString() });
    expect(dueAt(s, cfg(d), { now: new Date(announced + DAY_MS), noticeDays: NOTICE }).getTime()).toBe(
      announced,
    );
  });

  it('the window is at most half the interval (a 30-day interval spreads over 15 days)', () => {
    expect(effectiveSpreadDays(cfg('a.jp', 30, 30))).toBe(15);
    expect(effectiveSpreadDays(cfg('a.jp', 30, 365))).toBe(30);
    expect(effectiveSpreadDays({ rotationIntervalDays: 365 })).toBe(0);
  });
});
