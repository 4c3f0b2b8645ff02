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
        const due = names.map((d) => dueAt(rotated(d, switchedAt), cfg(d)));
        const counts = perDay(due);
        expect(Math.max(...counts.values())).toBeLessThanOrEqual(bound);
        // The exact bound: a day's count never exceeds its residue class modulo W.
        const classes = new Map<number, number>();
        for (const d of names) classes.set(spreadPhase(d, W), (classes.get(spreadPhase(d, W)) ?? 0) + 1);
        for (const [day, n] of counts) expect(n).toBeLessThanOrEqual(classes.get(day % W) ?? 0);
        // Without the spread every one of them is due the same day.
        const unspread = perDay(names.map((d) => dueAt(rotated(d, switchedAt), cfg(d, 0))));
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
            dueAt(rotated(d, new Date(Date.UTC(2027, 5, 1) + offsets[i]! * DAY_MS).toISOString()), cfg(d)),
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
        const a = names.map((d) => dueAt(rotated(d, at), cfg(d)).toISOString());
        const b = [...names]
          .reverse()
          .map((d) => dueAt(rotated(d, at), cfg(d)).toISOString())
          .reverse();
        expect(a).toEqual(b);
        expect(domainHash('goo.ne.jp')).toBe(domainHash('goo.ne.jp'));
      }),
    );
  });

  it('a key never lives longer than its interval, and at least interval - window + 1 days; the date is 09:00 JST', () => {
    fc.assert(
      fc.property(
        fc.domain().map((d) => d.toLowerCase()),
        fc.integer({ min: 30, max: 730 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (d, interval, spread, minutes) => {
          const at = Date.UTC(2027, 0, 1) + minutes * 60_000;
          const due = dueAt(rotated(d, new Date(at).toISOString()), cfg(d, spread, interval)).getTime();
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
    expect(dueAt(rotated(d, switchedAt, { noticeSentFor: base.toISOString() }), cfg(d))).toEqual(base);
    const spread = dueAt(rotated(d, switchedAt), cfg(d));
    expect(spread.getTime()).toBe(spreadDate(base.getTime(), W, d));
    expect(spread <= base).toBe(true);
    // An announcement of an earlier cycle (before this key's window) does not pin the date.
    const old = new Date(Date.parse(switchedAt) - 2 * DAY_MS).toISOString();
    expect(dueAt(rotated(d, switchedAt, { noticeSentFor: old }), cfg(d))).toEqual(spread);
    // A retry date and an onboarding are not spread.
    expect(
      dueAt(
        rotated(d, switchedAt, { nextRotationKind: 'retry', nextRotationAt: '2027-02-01T00:00:00Z' }),
        cfg(d),
      ),
    ).toEqual(new Date('2027-02-01T00:00:00Z'));
    expect(dueAt(initialState(d), cfg(d)).getTime()).toBe(0);
  });

  it('the window is at most half the interval (a 30-day interval spreads over 15 days)', () => {
    expect(effectiveSpreadDays(cfg('a.jp', 30, 30))).toBe(15);
    expect(effectiveSpreadDays(cfg('a.jp', 30, 365))).toBe(30);
    expect(effectiveSpreadDays({ rotationIntervalDays: 365 })).toBe(0);
  });
});
