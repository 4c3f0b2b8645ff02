/**
 * Review finding (MAJOR) on the rotation spread (issue #14 item 5): turned on for a fleet whose dates were not yet
 * announced, the spread moved most domains to within days of today, so the 30-day notice went out ~2 days before
 * the rotation. Through the engine with the hourly tick: every domain's rotation starts at least noticeDays after
 * its notice was sent, and the starts stay spread.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS } from '../../../handlers/byodkim/core/config.js';
import { DAY_MS, spreadDate } from '../../../handlers/byodkim/core/rotation/spread.js';
import { formatJst } from '../../../handlers/byodkim/core/time.js';
import { initialState } from '../../../handlers/byodkim/core/types.js';
import { publishPending, signingWithA, T0, world } from './support.js';

const N = 40;
const names = Array.from({ length: N }, (_, i) => `d${i}.example.jp`);

describe('the spread first deployed on a fleet 31 days before its unspread date', () => {
  it('every domain gets the full notice before its rotation starts (hourly ticks over 70 days)', async () => {
    const w = world(names.map((domain) => ({ domain, rotationIntervalDays: 365, rotationSpreadDays: 30 })));
    const switchedAt = new Date(T0.getTime() + 31 * DAY_MS - 365 * DAY_MS).toISOString();
    for (const domain of names) {
      await w.store.put({
        ...initialState(domain),
        current: {
          selector: 'ses20261201',
          publicKey: 'p',
          privateKeyCiphertext: 'c',
          createdAt: switchedAt,
        },
        switchedAt,
        nextRotationKind: 'schedule',
      });
      w.ses.identities.set(domain, {
        origin: 'EXTERNAL',
        selector: 'ses20261201',
        status: 'SUCCESS',
        privateKey: 'A',
      });
    }
    const noticed = new Map<string, number>();
    const started = new Map<string, number>();
    let seen = 0;
    for (let h = 0; h < 70 * 24; h++) {
      await w.engine().tick();
      for (const n of w.rec.notifications.slice(seen)) {
        if (!n.domain) continue;
        if (n.kind === 'notice-30d' && !noticed.has(n.domain)) noticed.set(n.domain, w.clock.now().getTime());
        if (n.kind === 'rotation-started' && !started.has(n.domain))
          started.set(n.domain, w.clock.now().getTime());
      }
      seen = w.rec.notifications.length;
      w.clock.advanceHours(1);
    }
    expect(started.size).toBe(N); // every domain rotated within the 70 days
    const leads = names.map((d) => (started.get(d)! - noticed.get(d)!) / DAY_MS);
    expect(Math.min(...leads)).toBeGreaterThanOrEqual(DEFAULT_TIMINGS.noticeDays);
    // Still spread: no more than 2 × ceil(N / 30) starts on one day.
    const perDay = new Map<number, number>();
    for (const t of started.values())
      perDay.set(Math.floor(t / DAY_MS), (perDay.get(Math.floor(t / DAY_MS)) ?? 0) + 1);
    expect(Math.max(...perDay.values())).toBeLessThanOrEqual(2 * Math.ceil(N / 30));
  }, 60_000);
});

describe('the completion notice with the spread', () => {
  it('tells the next date the engine will use (the domain spread day), not switch + interval', async () => {
    const D = 'goo.ne.jp';
    const w = world([{ domain: D, rotationIntervalDays: 365, rotationSpreadDays: 30 }]);
    const a = await signingWithA(w, D);
    await w.engine().tick(); // due at T0 (announced): the rotation starts, DNS request
    w.clock.advanceHours(1);
    await publishPending(w, D);
    await w.engine().tick(); // switch
    w.ses.identities.get(D)!.status = 'SUCCESS';
    w.clock.advanceHours(1);
    await w.engine().tick(); // verified, removal request
    w.dns.records.delete(a.record.name);
    w.clock.advanceHours(49);
    await w.engine().tick();
    const s = (await w.store.get(D))!;
    expect(s.completedRotations).toBe(1);
    const spread = spreadDate(Date.parse(s.switchedAt!) + 365 * DAY_MS, 30, D);
    expect(spread).not.toBe(Date.parse(s.switchedAt!) + 365 * DAY_MS);
    const done = w.rec.notifications.find((n) => n.kind === 'rotation-completed')!;
    expect(done.body).toContain(formatJst(new Date(spread)));
    expect(s.nextRotationAt).toBe(new Date(spread).toISOString());
    const [st] = await w.engine().status(D);
    expect(st!.nextRotationAt).toBe(new Date(spread).toISOString());
  });
});
