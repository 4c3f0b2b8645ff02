/**
 * Rotation at scale (issue #14 item 5): the tick's time budget and cursor (nothing skipped for ever), idle
 * domains settled without SES, client-side pacing per API, and throttling injected with aws-sdk-client-mock
 * through the real adapters: a throttled domain is recorded and retried by the next tick, never lost.
 */

import { DecryptCommand, GenerateDataKeyPairWithoutPlaintextCommand, KMSClient } from '@aws-sdk/client-kms';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import {
  GetEmailIdentityCommand,
  PutEmailIdentityDkimSigningAttributesCommand,
  SESv2Client,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { API_RATE_LIMITS } from '../../../contracts/limits.js';
import { KmsKeyVault, Route53Publisher, SesV2Port, SnsNotifier } from '../../../handlers/byodkim/core/aws.js';
import { RotationEngine, TICK_RESERVE_MS } from '../../../handlers/byodkim/core/engine.js';
import { createBuckets, pacePorts, type Timer, TokenBucket } from '../../../handlers/byodkim/core/pacing.js';
import type { Ports } from '../../../handlers/byodkim/core/ports.js';
import { InMemoryStateStore } from '../../../handlers/byodkim/core/state-store.js';
import type { DomainConfig, DomainState } from '../../../handlers/byodkim/core/types.js';
import {
  FakeClock,
  FakeDns,
  fakeDecrypt,
  fakeEncrypt,
  Recorder,
  realKeyPair,
  testConfig,
  world,
} from './support.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => `d${String(i).padStart(4, '0')}.example.jp`);

/** A virtual timer driving a FakeClock: sleeping advances the clock (the bench uses the same idea). */
function virtualTimer(clock: FakeClock): Timer {
  return {
    now: () => clock.t.getTime(),
    sleep: async (ms) => {
      clock.t = new Date(clock.t.getTime() + ms);
    },
  };
}

describe('token bucket', () => {
  it('spaces requests at the pace and serves them in order', async () => {
    const clock = new FakeClock();
    const b = new TokenBucket(5, 1, virtualTimer(clock));
    const at: number[] = [];
    await Promise.all(Array.from({ length: 6 }, () => b.take().then(() => at.push(clock.t.getTime()))));
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps.every((g) => g >= 200)).toBe(true);
    expect(at.at(-1)! - at[0]!).toBe(1000);
  });
});

describe('tick at scale', () => {
  it('an idle domain that is not due is settled from its state: no lock, no SES call, ages still published', async () => {
    const domains: DomainConfig[] = names(50).map((domain) => ({ domain, rotationIntervalDays: 365 }));
    const w = world(domains);
    let sesCalls = 0;
    const ses = w.ports.ses;
    const ports: Ports = {
      ...w.ports,
      ses: {
        ...ses,
        getDkim: (d) => {
          sesCalls += 1;
          return ses.getDkim(d);
        },
      },
    };
    for (const { domain } of domains) {
      const s: DomainState = {
        domain,
        version: 0,
        stage: 'IDLE',
        sent: [],
        attempts: {},
        completedRotations: 1,
        current: {
          selector: 's1',
          privateKeyCiphertext: 'c',
          publicKey: 'p',
          createdAt: w.clock.now().toISOString(),
        },
        switchedAt: w.clock.now().toISOString(),
        nextRotationKind: 'schedule',
      };
      await w.store.put(s);
    }
    const engine = new RotationEngine({
      config: testConfig(domains),
      ports,
      functionName: 'f',
      orchestratorName: 'f',
    });
    const out = await engine.tick();
    expect(out.every((o) => o.outcome === 'idle')).toBe(true);
    expect(sesCalls).toBe(0);
    expect(w.store.locks.size).toBe(0);
    expect(w.rec.values('DNSRequestAgeHours').length).toBe(50);
  });

  it('with a time budget, the tick defers what it cannot reach and the next tick starts there: every domain is reached', async () => {
    const domains: DomainConfig[] = names(12).map((domain) => ({ domain, rotationIntervalDays: 365 }));
    const w = world(domains);
    for (const { domain } of domains) w.ses.identities.set(domain, { origin: 'AWS_SES', status: 'SUCCESS' });
    // Every SES call takes 40 s of (virtual) time: about three onboarding runs fit in a tick.
    const ses = w.ports.ses;
    const slow: Ports = {
      ...w.ports,
      ses: {
        ...ses,
        getDkim: async (d) => {
          w.clock.t = new Date(w.clock.t.getTime() + 40_000);
          return ses.getDkim(d);
        },
      },
    };
    const engine = new RotationEngine({
      config: testConfig(domains),
      ports: slow,
      functionName: 'f',
      orchestratorName: 'f',
    });
    const reached = new Set<string>();
    const firstOfTick: string[] = [];
    for (let tick = 0; tick < 12 && reached.size < domains.length; tick++) {
      const deadlineMs = w.clock.t.getTime() + TICK_RESERVE_MS + 120_000;
      const out = await engine.tick({ deadlineMs }).catch((e) => {
        throw e;
      });
      const done = out.filter((o) => o.outcome !== 'deferred');
      firstOfTick.push(done[0]!.domain);
      for (const o of done) reached.add(o.domain);
      expect(done.length).toBeLessThan(domains.length); // the budget is real: not all in one tick
      if (out.some((o) => o.outcome === 'deferred')) {
        // The cursor names the first deferred domain, and the next tick starts with it.
        expect(w.store.cursor).toBe(out.find((o) => o.outcome === 'deferred')!.domain);
      }
      w.clock.advanceHours(1);
    }
    expect(reached.size).toBe(domains.length);
    // Each reached domain got its DNS request (onboarding went as far as it can go).
    for (const { domain } of domains) expect((await w.store.get(domain))?.stage).toBe('AWAITING_DNS');
    expect(new Set(firstOfTick).size).toBe(firstOfTick.length);
  });
});

const kms = mockClient(KMSClient);
const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const r53 = mockClient(Route53Client);

describe('throttling injected through the AWS adapters (aws-sdk-client-mock)', () => {
  beforeEach(() => {
    kms.reset();
    ses.reset();
    sns.reset();
    r53.reset();
  });

  it('paced calls, throttles on SES, KMS, Route 53 and SNS: every domain still switches to its new key, none FAILED or lost', async () => {
    const N = 15;
    const domains: DomainConfig[] = names(N).map((domain) => ({
      domain,
      rotationIntervalDays: 365,
      hostedZoneId: 'Z0123456789ABC',
    }));
    const clock = new FakeClock();
    const timer = virtualTimer(clock);
    const dns = new FakeDns();
    const identities = new Map<string, { origin: string; selector?: string }>();
    const throttle = () =>
      new TooManyRequestsException({ $metadata: {}, message: 'Rate exceeded' }) as unknown as Error;
    const named = (name: string) => Object.assign(new Error('Rate exceeded'), { name });
    const callTimes: Record<string, number[]> = { ses: [], kms: [], r53: [] };
    let n = 0;
    // Every 4th call of each API is throttled.
    ses.on(GetEmailIdentityCommand).callsFake((input) => {
      callTimes.ses!.push(clock.t.getTime());
      if (++n % 4 === 0) throw throttle();
      const i = identities.get(input.EmailIdentity) ?? { origin: 'AWS_SES' };
      return {
        DkimAttributes: {
          Status: 'SUCCESS',
          SigningAttributesOrigin: i.origin,
          SigningEnabled: true,
          Tokens: i.selector ? [i.selector] : ['t1', 't2', 't3'],
        },
      };
    });
    ses.on(PutEmailIdentityDkimSigningAttributesCommand).callsFake((input) => {
      callTimes.ses!.push(clock.t.getTime());
      if (++n % 4 === 0) throw throttle();
      identities.set(input.EmailIdentity, {
        origin: 'EXTERNAL',
        selector: input.SigningAttributes.DomainSigningSelector,
      });
      return {};
    });
    let k = 0;
    kms.on(GenerateDataKeyPairWithoutPlaintextCommand).callsFake((input) => {
      callTimes.kms!.push(clock.t.getTime());
      if (++k % 4 === 0) throw named('ThrottlingException');
      const key = realKeyPair();
      const ctx = { domain: input.EncryptionContext.domain, selector: input.EncryptionContext.selector };
      return { PublicKey: key.publicKeyDer, PrivateKeyCiphertextBlob: fakeEncrypt(key.privateKeyDer, ctx) };
    });
    kms.on(DecryptCommand).callsFake((input) => ({
      Plaintext: fakeDecrypt(input.CiphertextBlob, {
        domain: input.EncryptionContext.domain,
        selector: input.EncryptionContext.selector,
      }),
    }));
    let r = 0;
    r53.on(ChangeResourceRecordSetsCommand).callsFake((input) => {
      callTimes.r53!.push(clock.t.getTime());
      if (++r % 4 === 0) throw named('Throttling');
      const c = input.ChangeBatch.Changes[0];
      const name = c.ResourceRecordSet.Name;
      if (c.Action === 'UPSERT') {
        dns.records.set(name, [
          [...c.ResourceRecordSet.ResourceRecords[0].Value.matchAll(/"([^"]*)"/g)].map((m) => m[1]),
        ]);
      } else dns.records.delete(name);
      return { ChangeInfo: { Id: 'c', Status: 'PENDING', SubmittedAt: new Date() } };
    });
    let s = 0;
    sns.on(PublishCommand).callsFake(() => {
      if (++s % 4 === 0) throw named('Throttling');
      return { MessageId: 'm' };
    });

    const rec = new Recorder();
    const store = new InMemoryStateStore();
    const config = testConfig(domains);
    const ports = pacePorts(
      {
        store,
        vault: new KmsKeyVault('alias/byodkim'),
        ses: new SesV2Port(),
        dns,
        dnsPublisher: new Route53Publisher(),
        notifier: new SnsNotifier(config.topics),
        metrics: rec,
        clock,
        log: rec,
      },
      createBuckets(timer),
    );
    const engine = new RotationEngine({ config, ports, functionName: 'fn', orchestratorName: 'orch' });
    const errorsSeen = new Set<string>();
    for (let tick = 0; tick < 12; tick++) {
      const out = await engine.tick().catch((e: { failures?: { domain: string }[] }) => {
        for (const f of e.failures ?? []) errorsSeen.add(f.domain);
        return undefined;
      });
      void out;
      clock.advanceHours(1);
    }
    // Some domains were throttled (the injection worked) ...
    expect(errorsSeen.size).toBeGreaterThan(0);
    // ... and every domain still switched SES to its own new key: nothing skipped, nothing FAILED.
    for (const { domain } of domains) {
      const st = await store.get(domain);
      expect(st?.stage, domain).not.toBe('FAILED');
      expect(['AWAITING_VERIFICATION', 'AWAITING_OLD_REMOVAL', 'IDLE']).toContain(st?.stage);
      expect(identities.get(domain)?.origin).toBe('EXTERNAL');
      expect(identities.get(domain)?.selector).toBe(st?.current?.selector);
    }
    // A throttled step was recorded on the state, and a transient one notified only from the 3rd in a row.
    expect(
      rec.logs.some((l) => l.includes('rotation step failed') && /Throttl|TooManyRequests/.test(l)),
    ).toBe(true);
    // The pacing held: SES calls at most 1/s, KMS key pairs at most 1/s, Route 53 at most 5/s.
    const minGap = (ts: number[]) => Math.min(...ts.slice(1).map((t, i) => t - ts[i]!));
    expect(minGap(callTimes.ses!)).toBeGreaterThanOrEqual(1000 / API_RATE_LIMITS.sesApi.pacePerSecond);
    expect(minGap(callTimes.kms!)).toBeGreaterThanOrEqual(
      1000 / API_RATE_LIMITS.kmsGenerateDataKeyPairRsa2048.pacePerSecond,
    );
    expect(minGap(callTimes.r53!)).toBeGreaterThanOrEqual(1000 / API_RATE_LIMITS.route53.pacePerSecond);
  });
});

describe('validation monitor at scale', () => {
  it('checks at most 100 domains a run; consecutive 15-minute runs cover every domain within ceil(n/100) runs', async () => {
    const { monitorSlice, MONITOR_DOMAINS_PER_RUN } = await import(
      '../../../handlers/byodkim/core/monitor.js'
    );
    for (const n of [1, 99, 100, 101, 250, 1000]) {
      const all = names(n);
      const runs = Math.ceil(n / MONITOR_DOMAINS_PER_RUN);
      for (const startSlot of [0, 7, 12345]) {
        const seen = new Set<string>();
        for (let r = 0; r < runs; r++) {
          const slice = monitorSlice(all, (startSlot + r) * 900_000 + 1000);
          expect(slice.length).toBe(Math.min(n, MONITOR_DOMAINS_PER_RUN));
          for (const d of slice) seen.add(d);
        }
        expect(seen.size, `n=${n} slot ${startSlot}`).toBe(n);
      }
    }
  });

  it('stops at its deadline and says how many it left for a later run', async () => {
    const { checkAll } = await import('../../../handlers/byodkim/core/monitor.js');
    const domains: DomainConfig[] = names(10).map((domain) => ({ domain, rotationIntervalDays: 365 }));
    const w = world(domains);
    let t = 0;
    const ses = w.ports.ses;
    const getDkim = (d: string) => {
      t += 1000;
      return ses.getDkim(d);
    };
    const ports = { ...w.ports, ses: { ...ses, getDkim } };
    const report = await checkAll(ports, domains, { deadlineMs: 4500, nowMs: () => t });
    expect(report.domains.length).toBe(5);
    expect(w.rec.logs.some((l) => l.includes('"notChecked":5'))).toBe(true);
  });
});
