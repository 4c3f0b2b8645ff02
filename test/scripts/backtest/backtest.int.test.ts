/**
 * `npm run backtest` against moto: a seeded day of dev history (PutMetricData), fetched with GetMetricData and
 * replayed through the alarms of the generated dev templates.
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestMain } from '../../../scripts/backtest/cli.js';
import { type Moto, motoClientConfig, startMoto } from '../../support/moto.js';
import { FIXTURE_ENV_DIR, generatedSceptreDir } from '../../support/templates.js';
import { END, seededHistory } from './history.js';

describe('backtest against moto with a seeded day of dev history', () => {
  let moto: Moto;
  let stdout = '';
  let stderr = '';
  let code = -1;

  beforeAll(async () => {
    moto = await startMoto();
    const cw = new CloudWatchClient(motoClientConfig(moto.endpoint));
    const data = seededHistory();
    for (let i = 0; i < data.length; i += 500) {
      const chunk = data.slice(i, i + 500);
      for (const ns of new Set(chunk.map((d) => d.ns))) {
        await cw.send(
          new PutMetricDataCommand({
            Namespace: ns,
            MetricData: chunk
              .filter((d) => d.ns === ns)
              .map((d) => ({ MetricName: d.name, Timestamp: new Date(d.t), Value: d.value, Unit: 'Count' })),
          }),
        );
      }
    }
    code = await backtestMain(
      [
        'dev',
        '--days',
        '1',
        '--json',
        '--end',
        new Date(END).toISOString(),
        '--environments-dir',
        FIXTURE_ENV_DIR,
        '--sceptre-dir',
        generatedSceptreDir(),
      ],
      {
        stdout: (t) => {
          stdout += t;
        },
        stderr: (t) => {
          stderr += t;
        },
        callerAccount: async () => '123456789012',
        cloudwatch: () => new CloudWatchClient(motoClientConfig(moto.endpoint)),
        now: () => END,
        sleep: async () => {},
      },
    );
  }, 120_000);
  afterAll(async () => moto?.stop());

  it('prints one object per alarm of the environment, with severity and ALARM spans', () => {
    expect(code, stderr).toBe(0);
    const reports = JSON.parse(stdout) as {
      alarm: string;
      severity: string;
      spans: { start: string; end: string }[];
    }[];
    expect(reports.length).toBeGreaterThan(20);
    expect(new Set(reports.map((r) => r.alarm)).size).toBe(reports.length);
    for (const r of reports) expect(['P1', 'P2', 'P3']).toContain(r.severity);
    const by = new Map(reports.map((r) => [r.alarm.replace('ses-migration-development-', ''), r]));
    // 12 % bounces 10:00-10:30: two breaching 5-minute periods → ALARM at 10:10, OK once two clean periods follow.
    expect(by.get('bounce-rate-alarm')!.spans).toEqual([
      { start: '2026-11-30T10:10:00.000Z', end: '2026-11-30T10:35:00.000Z' },
    ]);
    expect(by.get('ses-critical')!.spans).toEqual(by.get('bounce-rate-alarm')!.spans);
    // No heartbeat 15:00-15:30: FILL(beat, 0) makes each empty period a 0, so the third one (15:10-15:15) fires.
    expect(by.get('metrics-heartbeat')!.spans).toEqual([
      { start: '2026-11-30T15:15:00.000Z', end: '2026-11-30T15:35:00.000Z' },
    ]);
    expect(by.get('complaint-rate-alarm')!.spans).toEqual([]);
  });

  it('reports GetMetricData progress on stderr', () => {
    expect(stderr).toMatch(/GetMetricData request 1\/1 \(\d+ queries\), page 1/);
  });
});
