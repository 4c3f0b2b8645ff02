/**
 * What on-call expects of the alarms of the generated templates (prod and dev fixture configs), evaluated with
 * lib/alarm-eval over modelled traffic (delays and inputs: test/scenarios/model.ts). `npm run bench` prints the
 * same scenarios as a table.
 */
import { describe, expect, it } from 'vitest';
import type { MetricAlarmDef, MetricRef } from '../../lib/alarm-eval/index.js';
import {
  bounceSpike,
  complaintSpike,
  domainSpike,
  pipelineStops,
  quietNight,
  SPIKE_AT,
  sendSuccessDrop,
  VOLUMES,
  zeroTrafficDay,
} from './catalogue.js';
import {
  alarmName,
  delivered,
  MIN,
  pages,
  recoveries,
  runScenario,
  type Scenario,
  T0,
  timeToDetect,
} from './model.js';

/** The same scenario with the incident `phase` minutes later within the 5-minute period. */
const shifted = (s: Scenario, phase: number): Scenario => ({
  ...s,
  traffic: (m) => s.traffic(m - phase),
  incidentAt: (s.incidentAt ?? 0) + phase,
  minutes: s.minutes + phase,
});

/**
 * Seed 3.1.1/3.2.1: 2 evaluations of 5 minutes. From the first bounce, the worst case is the rest of the period
 * it falls in (< 5 min, diluted by normal traffic), two full periods, and 2 minutes until CloudWatch has them.
 */
const SEED_WINDOW_MINUTES = 5 + 2 * 5 + 2;
/** Issue #10: a clear spike (10 % bounces, 1 % complaints) pages within 15 minutes. */
const FAST_MINUTES = 15;

describe.each(['prod', 'dev'] as const)('quiet night (%s): a few sends, one bounce', (env) => {
  it('the bounce/complaint paths page nobody, although one bounce in a handful of sends is far above 5 %', () => {
    const r = runScenario(quietNight(env));
    expect(pages(r).filter((p) => !p.alarm.includes('-ses-send-failure'))).toEqual([]);
  });
  it('pages nobody at all (no P1 or P2)', () => {
    const r = runScenario(quietNight(env));
    expect(pages(r)).toEqual([]);
  });
});

describe('sustained bounce spike (prod)', () => {
  describe.each(VOLUMES)('%i sends per 5 minutes', (volume) => {
    it.each([0.06, 0.1])('%s bounces: the P1 and ses-critical fire within the seed window', (rate) => {
      for (const phase of [0, 2]) {
        const r = runScenario(shifted(bounceSpike(volume, rate), phase));
        const p1 = timeToDetect(r, alarmName(r, 'bounce-rate-alarm'));
        const composite = timeToDetect(r, alarmName(r, 'ses-critical'));
        expect(p1, `phase ${phase}`).toBeDefined();
        expect(p1!).toBeLessThanOrEqual(rate >= 0.1 ? FAST_MINUTES : SEED_WINDOW_MINUTES);
        expect(composite).toBe(p1);
      }
    });
  });
});

describe('complaint spike (prod, 1 % complaints)', () => {
  it.each(VOLUMES)(
    '%i sends per 5 minutes: the P1 and ses-critical fire within 15 minutes of the first complaint',
    (volume) => {
      for (const phase of [0, 2]) {
        const r = runScenario(shifted(complaintSpike(volume), phase));
        const p1 = timeToDetect(r, alarmName(r, 'complaint-rate-alarm'));
        expect(p1, `phase ${phase}`).toBeLessThanOrEqual(FAST_MINUTES);
        expect(timeToDetect(r, alarmName(r, 'ses-critical'))).toBe(p1);
      }
    },
  );
});

describe('one domain goes bad among quiet ones (prod, issue #14 item 4)', () => {
  const worst = (r: ReturnType<typeof runScenario>, s: string) => alarmName(r, `worst-domain-${s}`);
  it('6 % bounces at 150 sends per 5 min among 20 quiet domains: the worst-domain P1 pages within the account-wide window; the account-wide tiers stay quiet', () => {
    for (const phase of [0, 2]) {
      const r = runScenario(shifted(domainSpike(150, 0.06), phase));
      const p1 = timeToDetect(r, worst(r, 'bounce-rate-p1'));
      expect(p1, `phase ${phase}`).toBeDefined();
      expect(p1!, `phase ${phase}`).toBeLessThanOrEqual(SEED_WINDOW_MINUTES);
      const fired = new Set(pages(r, ['P1', 'P2', 'P3']).map((p) => p.alarm));
      for (const quiet of ['bounce-rate-alarm', 'bounce-rate-p2', 'bounce-rate-p3', 'ses-critical']) {
        expect(fired.has(alarmName(r, quiet)), quiet).toBe(false);
      }
    }
  });

  it('a domain below minimumSendVolume (50 sends per 5 min at 20 % bounces) pages nobody', () => {
    const r = runScenario(domainSpike(50, 0.2));
    expect(pages(r, ['P1', 'P2', 'P3'])).toEqual([]);
  });

  it('1 % complaints from one domain of 21: the worst-domain complaint P1 pages within 15 minutes of the first complaint', () => {
    const r = runScenario(domainSpike(1000, 0.01, 'complaint'));
    const p1 = timeToDetect(r, worst(r, 'complaint-rate-p1'));
    expect(p1).toBeDefined();
    expect(p1!).toBeLessThanOrEqual(FAST_MINUTES);
  });

  it('before the spike the quiet domains page nobody', () => {
    const r = runScenario({ ...domainSpike(150, 0.06), minutes: SPIKE_AT });
    expect(pages(r, ['P1', 'P2', 'P3'])).toEqual([]);
  });
});

describe('send-success drop (prod, 10 % of 1,000 sends per 5 min neither delivered nor bounced)', () => {
  it('fires the P1 ses-send-failure and no bounce or complaint alarm', () => {
    const r = runScenario(sendSuccessDrop());
    expect(timeToDetect(r, alarmName(r, 'ses-send-failure'))).toBeDefined();
    const fired = new Set(pages(r, ['P1', 'P2', 'P3']).map((p) => p.alarm));
    for (const quiet of ['bounce-rate-alarm', 'complaint-rate-alarm', 'ses-critical', 'bounce-rate-p2']) {
      expect(fired.has(alarmName(r, quiet)), quiet).toBe(false);
    }
  });
});

describe('the metrics pipeline stops (prod)', () => {
  it('fires only the heartbeat alarm (the rate alarms do not read a dead pipeline as a failure)', () => {
    const r = runScenario(pipelineStops());
    expect([...new Set(pages(r, ['P1', 'P2', 'P3']).map((p) => p.alarm))]).toEqual([
      alarmName(r, 'metrics-heartbeat'),
    ]);
    // Three empty 5-minute periods, the last one seen once it has ended.
    expect(timeToDetect(r, alarmName(r, 'metrics-heartbeat'))).toBeLessThanOrEqual(20);
  });
});

describe('zero traffic all day (dev)', () => {
  it('is silent: no notice of any severity, and no recovery', () => {
    const r = runScenario(zeroTrafficDay());
    expect(pages(r, ['P1', 'P2', 'P3'])).toEqual([]);
    for (const name of r.timelines.keys()) expect(recoveries(r, name), name).toEqual([]);
  });
});

describe('event alarms (non-BYODKIM): one notice per event, never a false recovery', () => {
  const metricOfAlarm = (defs: readonly { name: string }[], name: string): MetricRef => {
    const def = defs.find((d) => d.name === name) as MetricAlarmDef;
    const q = def.queries[0]!;
    if (q.kind !== 'stat') throw new Error(`${name} is not a single-metric alarm`);
    return q.metric;
  };
  it('a failed masking batch and a notifier error each send one ALARM notice and no 復旧', () => {
    const masking = 'ses-migration-production-firehose-masking-failure';
    const notifier = 'ses-migration-production-notifier-errors';
    const s: Scenario = {
      ...pipelineStops(),
      id: 'event-alarms',
      pipelineStopsAt: undefined,
      minutes: 120,
      extra: (defs) => [
        {
          metric: metricOfAlarm(defs, masking),
          // One batch of 20 fails at minute 30; every other minute all records succeed.
          samples: Array.from({ length: 120 }, (_, m) => ({ t: T0 + m * MIN, value: m === 30 ? 0 : 1 })),
        },
        { metric: metricOfAlarm(defs, notifier), samples: [{ t: T0 + 61 * MIN, value: 1 }] },
      ],
    };
    const r = runScenario(s);
    for (const name of [masking, notifier]) {
      const tl = r.timelines.get(name)!;
      expect(
        tl.transitions.some((t) => t.from === 'ALARM' && t.to === 'OK'),
        name,
      ).toBe(true);
      const sent = delivered(r, name);
      expect(
        sent.map((n) => n.state),
        name,
      ).toEqual(['ALARM']);
      expect(recoveries(r, name).every((n) => n.actions.length === 0)).toBe(true);
    }
  });
});
