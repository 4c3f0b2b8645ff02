/** backtestMain with a mocked CloudWatch client: reports, resolution warnings, usage errors, the HTML file. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { backtestMain } from '../../../scripts/backtest/cli.js';
import { FIXTURE_ENV_DIR, generatedSceptreDir } from '../../support/templates.js';

const cw = mockClient(CloudWatchClient);
const END = Date.UTC(2026, 11, 1, 0, 0);
const SPIKE = Date.UTC(2026, 10, 30, 12, 0);

/** 200 sends per period; 25 bounces in the two periods from 12:00 (12.5 %); nothing else. */
function fakeHistory(input: { MetricDataQueries?: MetricDataQuery[]; StartTime?: Date; EndTime?: Date }) {
  return {
    MetricDataResults: (input.MetricDataQueries ?? []).map((q) => {
      const period = q.MetricStat!.Period! * 1000;
      const name = q.MetricStat!.Metric!.MetricName;
      const ts: Date[] = [];
      const vs: number[] = [];
      for (let t = input.StartTime!.getTime(); t < input.EndTime!.getTime(); t += period) {
        if (name === 'Send' && q.MetricStat!.Metric!.Namespace === 'AWS/SES') {
          ts.push(new Date(t));
          vs.push(200);
        }
        if (name === 'Bounce' && period === 300_000 && t >= SPIKE && t < SPIKE + 2 * period) {
          ts.push(new Date(t));
          vs.push(25);
        }
      }
      return { Id: q.Id, Timestamps: ts, Values: vs };
    }),
  };
}

let callerAccount = '123456789012';

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await backtestMain(
    [
      ...args,
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
      callerAccount: async () => callerAccount,
      cloudwatch: () => new CloudWatchClient({ region: 'ap-northeast-1' }),
      now: () => END,
      sleep: async () => {},
    },
  );
  return { code, stdout, stderr };
}

beforeEach(() => {
  callerAccount = '123456789012';
  cw.reset();
  cw.on(GetMetricDataCommand).callsFake(fakeHistory);
});

describe('backtestMain', () => {
  it('refuses credentials of another account before reading any metric', async () => {
    callerAccount = '999999999999';
    const { code, stderr } = await run(['prod', '--json']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/999999999999[\s\S]*123456789012|123456789012[\s\S]*999999999999/);
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  it('reports the ALARM spans of the P1 bounce path and ses-critical', async () => {
    const { code, stdout, stderr } = await run(['prod', '--json']);
    expect(code, stderr).toBe(0);
    const reports = JSON.parse(stdout) as {
      alarm: string;
      spans: { start: string; end: string }[];
      minutesInAlarm: number;
    }[];
    const by = new Map(reports.map((r) => [r.alarm.replace('ses-migration-production-', ''), r]));
    expect(by.get('bounce-rate-alarm')!.spans).toEqual([
      // Two breaching periods (12:00, 12:05) seen at 12:10; the clean 12:10 period ends it at 12:15.
      { start: '2026-11-30T12:10:00.000Z', end: '2026-11-30T12:15:00.000Z' },
    ]);
    expect(by.get('ses-critical')!.spans).toEqual(by.get('bounce-rate-alarm')!.spans);
    expect(by.get('bounce-rate-alarm')!.minutesInAlarm).toBe(5);
    expect(stderr).toMatch(/GetMetricData request 1\/1 \(\d+ queries\), page 1/);
  });

  it('warns when CloudWatch no longer stores points as fine as an alarm period (60 s points: 15 days)', async () => {
    const { code, stdout } = await run(['prod', '--days', '16', '--json']);
    expect(code).toBe(0);
    const reports = JSON.parse(stdout) as { alarm: string; warnings: string[] }[];
    const rotation = reports.find((r) => r.alarm.endsWith('-byodkim-key-rotation'))!;
    expect(rotation.warnings.join(' ')).toMatch(
      /evaluated on 300-second points \(stored resolution coarser than the alarm's 60-second period\)/,
    );
    const periods = cw
      .commandCalls(GetMetricDataCommand)
      .flatMap((c) => c.args[0].input.MetricDataQueries!.map((q) => q.MetricStat!.Period));
    expect(Math.min(...(periods as number[]))).toBe(300);
    expect(reports.find((r) => r.alarm.endsWith('-bounce-rate-alarm'))!.warnings).toEqual([]);
  });

  it('prints a table without --json and writes one HTML page with --html', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'backtest-')), 'prod.html');
    const { code, stdout } = await run(['prod', '--html', file]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^backtest prod: /);
    expect(stdout).toMatch(/ses-migration-production-bounce-rate-alarm\s+P1\s+1\s+5\s+11-30T12:10\.\.12:15/);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('const CHARTS = ');
    expect(html.indexOf('bounce-rate-alarm')).toBeLessThan(html.indexOf('application-errors'));
  });

  it('refuses bad usage with a one-line message', async () => {
    expect((await run(['prod', '--days', '0'])).stderr).toMatch(
      /--days must be a whole number from 1 to 455/,
    );
    expect((await run([])).code).toBe(64);
    const missing = await run(['nosuchenv', '--json']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/nosuchenv/);
  });
});
