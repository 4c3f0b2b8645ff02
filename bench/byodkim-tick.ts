/**
 * Rotation tick at scale (issue #14 item 5): one hourly orchestrator tick at 1, 200 and 1,000 domains, on a
 * virtual clock, with a mocked latency per AWS call (below) and the client-side pacing at the rates of
 * contracts/limits.ts API_RATE_LIMITS (SES 1/s, KMS RSA key pairs 1/s, Route 53 5/s, ...; each with its AWS
 * quota page). The engine, the decisions and the pacing are the production code; only the AWS services are
 * fakes (test/handlers/byodkim/support.ts). Prints the tick's (virtual) time against the orchestrator's
 * Lambda timeout (300 s, generators/stacks/byodkim.ts) and, when one tick cannot reach every domain, how many
 * ticks drain the backlog (the cursor: each tick starts where the last stopped).
 */
import { performance } from 'node:perf_hooks';
import { API_RATE_LIMITS } from '../contracts/limits.js';
import { DEFAULT_TIMINGS } from '../handlers/byodkim/core/config.js';
import { dkimTxtRecord } from '../handlers/byodkim/core/dkim.js';
import { RotationEngine } from '../handlers/byodkim/core/engine.js';
import { createBuckets, pacePorts, type Timer } from '../handlers/byodkim/core/pacing.js';
import type { Ports } from '../handlers/byodkim/core/ports.js';
import { InMemoryStateStore } from '../handlers/byodkim/core/state-store.js';
import type { DomainConfig, DomainState } from '../handlers/byodkim/core/types.js';
import {
  FakeClock,
  FakeDns,
  FakeSes,
  FakeVault,
  Recorder,
  testConfig,
} from '../test/handlers/byodkim/support.js';

/** Mocked service latency per call (ms): typical in-Region figures, stated here as the bench's assumption. */
export const LATENCY_MS = {
  dynamodb: 8,
  ses: 60,
  kmsGenerate: 250,
  kmsDecrypt: 15,
  route53: 120,
  sns: 30,
  dnsLookup: 20,
} as const;

const TIMEOUT_S = 300;
const MARGIN_MS = 10_000; // as the orchestrator handler
const DAY = 86_400_000;

function virtualTimer(clock: FakeClock): Timer {
  return {
    now: () => clock.t.getTime(),
    sleep: async (ms) => {
      clock.t = new Date(clock.t.getTime() + ms);
    },
  };
}

/** Each method of `obj` first spends `ms` of virtual time. */
function slow<T extends object>(obj: T, timer: Timer, ms: (method: string) => number, names: string[]): T {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const fn = (obj as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!.bind(obj);
    out[name] = async (...a: unknown[]) => {
      await timer.sleep(ms(name));
      return fn(...a);
    };
  }
  return out as T;
}

interface Scenario {
  readonly name: string;
  readonly domains: number;
  /** Domains due (rotation starts this tick); the rest idle, not due. */
  readonly due: number;
  readonly route53: boolean;
}

async function runScenario(s: Scenario) {
  const clock = new FakeClock(new Date('2028-06-01T00:00:00Z'));
  const timer = virtualTimer(clock);
  const store = new InMemoryStateStore();
  const ses = new FakeSes();
  const dns = new FakeDns();
  const vault = new FakeVault();
  const rec = new Recorder();
  const domains: DomainConfig[] = Array.from({ length: s.domains }, (_, i) => ({
    domain: `mail${String(i).padStart(4, '0')}.tenant-platform.example-mail.co.jp`,
    rotationIntervalDays: 365,
    rotationSpreadDays: 30,
    ...(s.route53 ? { hostedZoneId: 'Z0123456789ABCDEFGHIJ' } : {}),
  }));
  // Every domain signs with a published key; `due` of them switched more than a year ago and were announced
  // (the notice went out noticeDays ago for a date an hour past: due now, as the scheduler sees them on their
  // day), the others recently (not due, nothing owed). Without the announcement a due domain only gets its
  // notice this tick and rotates noticeDays later (decision.ts dueAt), and the bench would time notices.
  for (const [i, d] of domains.entries()) {
    const k = await vault.generateKeyPair({ domain: d.domain, selector: 'ses20270101' });
    const publicKey = Buffer.from(k.publicKeyDer).toString('base64');
    const switchedAt = new Date(clock.t.getTime() - (i < s.due ? 400 : 10) * DAY).toISOString();
    const state: DomainState = {
      domain: d.domain,
      version: 0,
      stage: 'IDLE',
      sent: [],
      attempts: {},
      completedRotations: 1,
      current: {
        selector: 'ses20270101',
        privateKeyCiphertext: Buffer.from(k.privateKeyCiphertext).toString('base64'),
        publicKey,
        createdAt: switchedAt,
      },
      switchedAt,
      nextRotationKind: 'schedule',
      ...(i < s.due ? { noticeSentFor: new Date(clock.t.getTime() - 3_600_000).toISOString() } : {}),
    };
    await store.put(state);
    ses.identities.set(d.domain, { origin: 'EXTERNAL', selector: 'ses20270101', status: 'SUCCESS' });
    const r = dkimTxtRecord('ses20270101', d.domain, publicKey);
    dns.publish(r.name, r.strings);
  }
  const L = LATENCY_MS;
  const raw: Ports = {
    store: slow(store, timer, () => L.dynamodb, [
      'get',
      'put',
      'acquireLock',
      'releaseLock',
      'getCursor',
      'putCursor',
    ]),
    vault: slow(vault, timer, (m) => (m === 'generateKeyPair' ? L.kmsGenerate : L.kmsDecrypt), [
      'generateKeyPair',
      'decryptPrivateKey',
      'keyState',
    ]),
    ses: slow(ses, timer, () => L.ses, ['getDkim', 'putExternal', 'putEasyDkim']),
    dns: slow(dns, timer, () => L.dnsLookup, ['resolveTxt']),
    dnsPublisher: slow(dns, timer, () => L.route53, ['upsertTxt', 'deleteTxt']),
    notifier: slow(rec, timer, () => L.sns, ['publish']),
    metrics: rec,
    clock,
    log: { info() {}, warn() {}, error() {} },
  };
  const buckets = createBuckets(timer);
  const engine = new RotationEngine({
    config: testConfig(domains),
    ports: pacePorts(raw, buckets),
    functionName: 'orchestrator',
    orchestratorName: 'orchestrator',
    timings: DEFAULT_TIMINGS,
  });
  const ticks: { seconds: number; processed: number; deferred: number }[] = [];
  const reached = new Set<string>();
  for (let t = 0; t < 200 && reached.size < domains.length; t++) {
    const start = clock.t.getTime();
    const out = await engine.tick({ deadlineMs: start + TIMEOUT_S * 1000 - MARGIN_MS });
    const deferred = out.filter((o) => o.outcome === 'deferred').length;
    for (const o of out) if (o.outcome !== 'deferred') reached.add(o.domain);
    ticks.push({ seconds: (clock.t.getTime() - start) / 1000, processed: out.length - deferred, deferred });
    clock.t = new Date(start + 3_600_000); // the next hourly tick
  }
  let started = 0;
  for (const d of domains) if ((await store.get(d.domain))?.stage !== 'IDLE') started++;
  return { ticks, started, reachedAll: reached.size === domains.length };
}

export async function run(): Promise<void> {
  const t0 = performance.now();
  console.log(
    `mocked latency (ms): ${Object.entries(LATENCY_MS)
      .map(([k, v]) => `${k} ${v}`)
      .join(
        ', ',
      )}; pace (req/s): SES ${API_RATE_LIMITS.sesApi.pacePerSecond}, KMS RSA key pair ${API_RATE_LIMITS.kmsGenerateDataKeyPairRsa2048.pacePerSecond}, Route 53 ${API_RATE_LIMITS.route53.pacePerSecond}, SNS ${API_RATE_LIMITS.sns.pacePerSecond}, DynamoDB ${API_RATE_LIMITS.dynamodb.pacePerSecond}`,
  );
  console.log(
    'domains  mode     due now  first tick s / timeout s  processed  deferred  ticks to reach all  longest tick s  rotations started',
  );
  const scenarios: Scenario[] = [];
  for (const n of [1, 200, 1000]) {
    scenarios.push({ name: 'idle', domains: n, due: 0, route53: false });
    // The spread's bound for one day at 1,000 domains (2 x ceil(n / 30), property test), at least 1.
    scenarios.push({
      name: 'due',
      domains: n,
      due: Math.max(1, Math.min(n, 2 * Math.ceil(n / 30))),
      route53: false,
    });
    scenarios.push({
      name: 'due',
      domains: n,
      due: Math.max(1, Math.min(n, 2 * Math.ceil(n / 30))),
      route53: true,
    });
  }
  // Without the spread (or on the first deploy: every domain onboarding at once).
  scenarios.push({ name: 'all due', domains: 1000, due: 1000, route53: false });
  scenarios.push({ name: 'all due', domains: 1000, due: 1000, route53: true });
  let over = 0;
  const notStarted: string[] = [];
  for (const s of scenarios) {
    const r = await runScenario(s);
    const first = r.ticks[0]!;
    const longest = Math.max(...r.ticks.map((t) => t.seconds));
    if (longest > TIMEOUT_S || !r.reachedAll) over++;
    // A due domain that did not start its rotation means the bench no longer times rotations (say so).
    if (r.started !== s.due)
      notStarted.push(`${s.domains}/${s.route53 ? 'route53' : 'manual'}/${s.due} due: ${r.started} started`);
    console.log(
      `${String(s.domains).padStart(7)}  ${(s.route53 ? 'route53' : 'manual').padEnd(7)}  ${String(s.due).padStart(7)}  ${first.seconds.toFixed(1).padStart(12)} / ${TIMEOUT_S}  ${String(first.processed).padStart(9)}  ${String(first.deferred).padStart(8)}  ${String(r.ticks.length).padStart(18)}  ${longest.toFixed(1).padStart(14)}  ${String(r.started).padStart(17)}`,
    );
  }
  console.log(
    `rotation tick bench: ${scenarios.length} scenarios in ${((performance.now() - t0) / 1000).toFixed(1)} s real time; ticks over the timeout or domains never reached: ${over}`,
  );
  if (notStarted.length)
    console.log(`MISS: due domains that did not start a rotation: ${notStarted.join('; ')}`);
  if (over > 0 || notStarted.length) process.exitCode = 1;
}
