/**
 * The metrics function at 1, 200 and 1,000 sending domains (issue #14, item 6): one run of its real service
 * (`collectAndPublish`) against mocked CloudWatch and CloudWatch Logs clients whose calls take modelled time on a
 * virtual clock, so the figure is the run's wall time in Lambda, not this machine's. Also measured for real: the
 * CPU time of the run's own work (parsing the Insights rows, rating, choosing, planning the documents).
 *
 * Modelled latencies (assumptions, not measurements of AWS): GetMetricData 150 ms; StartQuery 80 ms;
 * GetQueryResults 60 ms per call plus 0.1 ms per result row; the query itself runs 1.5 s plus 0.3 s per MB of
 * events scanned (5 minutes of events at the given sends per day, 1.5 KB each, 2.05 events per send). The two
 * reads run in parallel in the function; here their times are added (an upper bound).
 *
 * Quotas the run relies on (per account and region): GetMetricData 500 metrics per request (the run asks 5, in
 * 1 request; CloudWatch quotas page), 50 requests per second; StartQuery 30 concurrent Logs Insights queries
 * including dashboard widgets (StartQuery API reference), 5 StartQuery and 5 GetQueryResults requests per second
 * (CloudWatch Logs quotas page, docs.aws.amazon.com/general/latest/gr/cwl_region.html; the run makes 1 and at most
 * ~10 over 40 s); 10,000 result rows (3 per domain). PutMetricData is not used (EMF: no API call). The TPS values
 * are as we know them, not re-read today: check the Service Quotas console of the account.
 */
import { performance } from 'node:perf_hooks';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { METRICS_TIMEOUT_SECONDS, type MetricsConfig } from '../contracts/functions/metrics.js';
import { collectAndPublish } from '../handlers/metrics/service.js';

const SIZES = [1, 200, 1000];
const VOLUMES = [100_000, 1_000_000];
const LATENCY_MS = { getMetricData: 150, startQuery: 80, getQueryResults: 60, perRow: 0.1 };
const QUERY_MS = (mbScanned: number) => 1500 + 300 * mbScanned;

function rows(domains: number) {
  const out: { field: string; value: string }[][] = [];
  for (let i = 0; i < domains; i++) {
    const domain = `mail${String(i).padStart(4, '0')}.tenant-platform.example-mail.co.jp`;
    for (const [type, n] of [
      ['Send', 150 + (i % 50)],
      ['Bounce', i % 7],
      ['Complaint', i % 3 === 0 ? 1 : 0],
    ] as const) {
      out.push([
        { field: 'domain', value: domain },
        { field: 'eventType', value: type },
        { field: 'events', value: String(n) },
      ]);
    }
  }
  return out;
}

async function oneRun(domains: number, sendsPerDay: number) {
  let clock = 0;
  const cw = mockClient(CloudWatchClient);
  const logs = mockClient(CloudWatchLogsClient);
  const answer = rows(domains);
  const mb = ((sendsPerDay / 288) * 2.05 * 1500) / 1024 ** 2;
  let queryDoneAt = 0;
  let calls = 0;
  cw.on(GetMetricDataCommand).callsFake(async () => {
    clock += LATENCY_MS.getMetricData;
    calls++;
    return { MetricDataResults: [{ Id: 'send', Values: [sendsPerDay / 288] }] };
  });
  logs.on(StartQueryCommand).callsFake(async () => {
    clock += LATENCY_MS.startQuery;
    calls++;
    queryDoneAt = clock + QUERY_MS(mb);
    return { queryId: 'q' };
  });
  logs.on(GetQueryResultsCommand).callsFake(async () => {
    calls++;
    if (clock < queryDoneAt) {
      clock += LATENCY_MS.getQueryResults;
      return { status: 'Running' };
    }
    clock += LATENCY_MS.getQueryResults + LATENCY_MS.perRow * answer.length;
    return { status: 'Complete', results: answer };
  });
  logs.on(StopQueryCommand).resolves({ success: true });
  const config: MetricsConfig = {
    namespace: 'ses-migration/production/Monitoring',
    sesEventsLogGroup: '/aws/ses/events',
    minimumSendVolume: 100,
    domainLagMinutes: 2,
    domainQueryTimeoutSeconds: 40,
    lagMinutes: 10,
    windowMinutes: 15,
  };
  let cpu = 0;
  const t0 = performance.now();
  const summary = await collectAndPublish(
    config,
    {
      cloudwatch: new CloudWatchClient({ region: 'ap-northeast-1' }),
      logs: new CloudWatchLogsClient({ region: 'ap-northeast-1' }),
      emit: () => {},
      warn: () => {},
      error: () => {},
      record: () => {},
      timing: {
        pollMs: 500,
        maxPollMs: 4000,
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
      },
    },
    new Date('2026-11-29T05:12:00Z'),
  );
  cpu = performance.now() - t0;
  cw.restore();
  logs.restore();
  if (!summary.domains.ok) throw new Error(`bench run failed: ${summary.domains.error}`);
  return { virtualMs: clock, cpuMs: cpu, calls, rated: summary.domains.rated, rows: answer.length };
}

export async function run(): Promise<void> {
  console.log(
    `metrics function, one run (virtual clock, modelled latencies; timeout ${METRICS_TIMEOUT_SECONDS} s, query limit 40 s)`,
  );
  console.log('domains  sends/day   result rows  API calls  run time (modelled)  own CPU ms  rated domains');
  for (const sendsPerDay of VOLUMES) {
    for (const n of SIZES) {
      await oneRun(n, sendsPerDay); // warm-up (module and mock set-up)
      const r = await oneRun(n, sendsPerDay);
      console.log(
        `${String(n).padStart(7)}  ${String(sendsPerDay).padStart(9)}  ${String(r.rows).padStart(11)}  ${String(r.calls).padStart(9)}  ` +
          `${`${(r.virtualMs / 1000).toFixed(2)} s`.padStart(19)}  ${r.cpuMs.toFixed(1).padStart(10)}  ${String(r.rated).padStart(13)}`,
      );
    }
  }
  console.log(
    'GetMetricData: 5 account-wide metrics, 1 request whatever the domains (was 5 × (1 + domains) metrics, 11 requests at 1,000 domains)',
  );
}
