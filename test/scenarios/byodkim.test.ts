/**
 * BYODKIM events (seed 3.1.6, 3.2.5, 3.2.6, 6.2): each one fires exactly its alarm, and no "復旧" that recovers
 * nothing. The metrics are what handlers/byodkim publishes (validation-monitor every 15 minutes, the orchestrator's
 * hourly tick with the age metrics), evaluated over the alarms of the generated prod templates.
 *
 * Three of these were written as `it.fails` before the BYODKIM fixes of issue #17 reached main (a false 復旧 for a
 * key-generation failure, an unreachable pending alarm, three mails for a successful rotation); they turned red
 * when the fixes landed and are plain tests now.
 */
import { describe, expect, it } from 'vitest';
import type { RawSeries } from '../../lib/alarm-eval/index.js';
import { zeroTrafficDay } from './catalogue.js';
import { delivered, MIN, metricOf, pages, recoveries, runScenario, type Scenario, T0 } from './model.js';

const P = 'ses-migration-production-';
const quietProd = (): Scenario => ({ ...zeroTrafficDay(), env: 'prod', id: 'byodkim', minutes: 6 * 60 });
const every = (minutes: number, from: number, to: number) =>
  Array.from({ length: Math.floor((to - from) / minutes) }, (_, i) => from + i * minutes);
/** Notices that reach people, per alarm: state names in order. */
const sent = (r: ReturnType<typeof runScenario>, alarm: string) =>
  delivered(r, P + alarm).map((n) => n.state);

describe('BYODKIM verification FAILED for two hours, then SUCCESS again', () => {
  const s: Scenario = {
    ...quietProd(),
    extra: (defs): RawSeries[] => [
      {
        metric: metricOf(defs, 'BYODKIMVerificationFailed'),
        samples: every(15, 0, 360).map((m) => ({ t: T0 + m * MIN, value: m >= 60 && m < 180 ? 1 : 0 })),
      },
    ],
  };
  it('pages the P1 byodkim-verification-failed once, recovers when SUCCESS returns, and pages nothing else', () => {
    const r = runScenario(s);
    expect(sent(r, 'byodkim-verification-failed')).toEqual(['ALARM', 'OK']);
    expect(new Set(pages(r).map((p) => p.alarm))).toEqual(new Set([`${P}byodkim-verification-failed`]));
  });
});

describe('KMS key-pair generation fails once', () => {
  const s: Scenario = {
    ...quietProd(),
    extra: (defs): RawSeries[] => [
      { metric: metricOf(defs, 'BYODKIMKeyGenerationStatus'), samples: [{ t: T0 + 61 * MIN, value: 0 }] },
    ],
  };
  it('pages the P1 kms-key-generation-failed and nothing else', () => {
    const r = runScenario(s);
    expect(sent(r, 'kms-key-generation-failed')[0]).toBe('ALARM');
    expect(new Set(pages(r).map((p) => p.alarm))).toEqual(new Set([`${P}kms-key-generation-failed`]));
  });
  // #17: the alarm returns to OK one period later; it used to send 復旧 although nothing was fixed.
  it('sends exactly one notice: no 復旧 for an event', () => {
    const r = runScenario(s);
    expect(sent(r, 'kms-key-generation-failed')).toEqual(['ALARM']);
  });
});

describe('a successful rotation', () => {
  const s: Scenario = {
    ...quietProd(),
    extra: (defs): RawSeries[] => [
      { metric: metricOf(defs, 'BYODKIMKeyRotation'), samples: [{ t: T0 + 61 * MIN, value: 1 }] },
    ],
  };
  // #17: the alarm shows the rotation on the dashboards but has no actions: the function's completion notice
  // is the one message (before: "[P2 ALARM]", then "復旧" a minute later, then the completion notice).
  it('sends no alarm mail: the alarm records the rotation, the completion notice is the one message', () => {
    const r = runScenario(s);
    expect(r.timelines.get(`${P}byodkim-key-rotation`)!.transitions.some((t) => t.to === 'ALARM')).toBe(true);
    expect(sent(r, 'byodkim-key-rotation')).toEqual([]);
  });
});

describe('SES verification still PENDING after the switch (seed 3.2.5: P2 past 72 hours)', () => {
  // The orchestrator publishes the hours since the switch on every hourly tick and rolls back at 72 h.
  const rollbackAt = 72 * 60;
  const s: Scenario = {
    ...quietProd(),
    minutes: 80 * 60,
    stepSeconds: 300,
    byodkimAges: (m) => ({ BYODKIMPendingHours: m < rollbackAt ? m / 60 : 0 }),
  };
  // #17: "> 72 for two hourly periods" could only be seen after 74 h, and the rollback at 72 h reset the age, so
  // the P2 could never fire; the threshold now comes from the configured deadline and fires before the rollback.
  it('pages the P2 byodkim-pending-72h before the rollback', () => {
    const r = runScenario(s);
    const fired = r.timelines.get(`${P}byodkim-pending-72h`)!.notices.find((n) => n.state === 'ALARM');
    expect(fired).toBeDefined();
    expect(fired!.t).toBeLessThanOrEqual(T0 + rollbackAt * MIN);
  });
});

describe('old DKIM record not removed (seed 3.2.6: P2 after 7 days)', () => {
  const s: Scenario = {
    ...quietProd(),
    minutes: 8 * 24 * 60,
    stepSeconds: 300,
    byodkimAges: (m) => ({ OldRecordAgeDays: m / 1440 }),
  };
  it('pages the P2 byodkim-old-record-7d once, within two hours of day 7, and nothing else', () => {
    const r = runScenario(s);
    const fired = r.timelines.get(`${P}byodkim-old-record-7d`)!.notices.filter((n) => n.state === 'ALARM');
    expect(fired).toHaveLength(1);
    expect(fired[0]!.t - (T0 + 7 * 1440 * MIN)).toBeLessThanOrEqual(2 * 60 * MIN);
    expect(new Set(pages(r).map((p) => p.alarm))).toEqual(new Set([`${P}byodkim-old-record-7d`]));
    expect(recoveries(r, `${P}byodkim-old-record-7d`)).toEqual([]);
  });
});
