import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compareTxt, parseDkimTags } from '../../../handlers/byodkim/core/dkim.js';
import type { Ports } from '../../../handlers/byodkim/core/ports.js';
import {
  assertNoPlaintext,
  captured,
  publishPending,
  signingWithA,
  T0,
  type World,
  world,
} from './support.js';

const DOMAIN = 'goo.ne.jp';

/** base64 SPKI of a base64 PKCS#8 private key; memoised (RSA parsing, checked every simulated hour, was most of this file's time). */
const spkiCache = new Map<string, string>();
function spkiOf(privateKeyBase64: string): string {
  let spki = spkiCache.get(privateKeyBase64);
  if (spki === undefined) {
    const priv = createPrivateKey({
      key: Buffer.from(privateKeyBase64, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    spki = createPublicKey(priv).export({ type: 'spki', format: 'der' }).toString('base64');
    spkiCache.set(privateKeyBase64, spki);
  }
  return spki;
}

/** The invariant: whatever SES signs with is published in DNS with the matching public key. */
function sesKeyIsPublished(w: World): boolean {
  const i = w.ses.identities.get(DOMAIN)!;
  if (i.origin !== 'EXTERNAL' || !i.privateKey || i.privateKey === 'A') return true;
  const spki = spkiOf(i.privateKey);
  const answer = w.dns.records.get(`${i.selector}._domainkey.${DOMAIN}`) ?? [];
  return compareTxt(answer, spki).kind === 'MATCH';
}

/** Plays DNS team and SES for one hour of the world, then ticks (errors are the run's business). */
async function hour(w: World, ports?: Ports) {
  const s = await w.store.get(DOMAIN);
  if (s?.stage === 'AWAITING_DNS' && s.pending) await publishPending(w, DOMAIN);
  const i = w.ses.identities.get(DOMAIN);
  if (i && i.status === 'PENDING') i.status = 'SUCCESS';
  if (s?.stage === 'AWAITING_OLD_REMOVAL' && s.previous) {
    w.dns.records.delete(`${s.previous.selector}._domainkey.${DOMAIN}`);
  }
  try {
    await w.engine().tick();
  } catch {
    // a failed run: the next hour's run must continue from the stored state
  }
  void ports;
  w.clock.advanceHours(1);
}

/** Wraps every port method so that call number `n` (counted across ports) happens and then "crashes". */
function crashAt(w: World, n: number): { calls: () => number } {
  let count = 0;
  const wrap = <T extends object>(target: T, methods: string[]) => {
    for (const m of methods) {
      const orig = (target as Record<string, unknown>)[m] as (...a: unknown[]) => Promise<unknown>;
      (target as Record<string, unknown>)[m] = async (...args: unknown[]) => {
        const r = await orig.apply(target, args);
        count++;
        if (count === n) throw new Error(`injected crash after call ${n} (${m})`);
        return r;
      };
    }
  };
  wrap(w.store, ['put']);
  wrap(w.vault, ['generateKeyPair', 'decryptPrivateKey']);
  wrap(w.ses, ['getDkim', 'putExternal', 'putEasyDkim']);
  wrap(w.dns, ['resolveTxt']);
  wrap(w.rec, ['publish']);
  return { calls: () => count };
}

describe('failure injection', () => {
  it('KMS error: P1 once, key generation metric 0, SES untouched, rerun converges with one key', async () => {
    const w = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    await signingWithA(w, DOMAIN);
    const kmsError = Object.assign(new Error('KMS key is disabled'), { name: 'DisabledException' });
    w.vault.failGenerate = kmsError;
    await expect(w.engine().tick()).rejects.toThrow(/KeyGenerationError|DisabledException/);
    await expect(w.engine().tick()).rejects.toThrow();
    expect(w.rec.values('BYODKIMKeyGenerationStatus', DOMAIN)).toEqual([0, 0]);
    expect(w.rec.kinds().filter((k) => k === 'key-generation-failed')).toHaveLength(1);
    expect(w.rec.notifications.find((n) => n.kind === 'key-generation-failed')!.severity).toBe('P1');
    expect(w.rec.notifications.find((n) => n.kind === 'key-generation-failed')!.body).toContain(
      '/aws/lambda/ses-migration-development-dkim-rotation-orchestrator',
    );
    const s = (await w.store.get(DOMAIN))!;
    expect(s.stage).toBe('KEY_REQUESTED');
    expect(s.lastError).toMatchObject({
      name: 'KeyGenerationError',
      message: expect.stringContaining('DisabledException'),
    });
    expect(s.current?.selector).toBe('ses20261201');
    expect(w.ses.puts).toHaveLength(0);

    w.vault.failGenerate = undefined;
    await w.engine().tick();
    const after = (await w.store.get(DOMAIN))!;
    expect(after.stage).toBe('AWAITING_DNS');
    expect(after.lastError).toBeUndefined();
    expect(w.rec.kinds().filter((k) => k === 'rotation-started')).toHaveLength(1);
  });

  it('SES throttling at the switch: stays before the switch, notified from the third failure, rerun switches once', async () => {
    const w = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    await signingWithA(w, DOMAIN);
    await w.engine().tick();
    await publishPending(w, DOMAIN);
    w.ses.failPut = Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    await expect(w.engine().tick()).rejects.toThrow(/TooManyRequestsException/);
    let s = (await w.store.get(DOMAIN))!;
    expect(s.stage).toBe('DNS_PUBLISHED');
    expect(s.current?.selector).toBe('ses20261201');
    // A throttle is transient: no notice for the first two failures in a row, one from the third.
    expect(w.rec.kinds()).not.toContain('step-failed');
    await expect(w.engine().tick()).rejects.toThrow(/TooManyRequestsException/);
    expect(w.rec.kinds()).not.toContain('step-failed');
    await expect(w.engine().tick()).rejects.toThrow(/TooManyRequestsException/);
    expect(w.rec.kinds().filter((k) => k === 'step-failed')).toHaveLength(1);
    w.ses.failPut = undefined;
    await w.engine().tick();
    s = (await w.store.get(DOMAIN))!;
    expect(s.stage).toBe('AWAITING_VERIFICATION');
    expect(w.ses.puts).toHaveLength(1);
    assertNoPlaintext(captured(w), w.vault.plaintexts);
  });

  it('a crash after any single call converges to one completed rotation and never signs with an unpublished key', async () => {
    // Count the calls of a clean run first.
    const clean = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    await signingWithA(clean, DOMAIN);
    const counter = crashAt(clean, Number.POSITIVE_INFINITY);
    const done = async (w: World) => (await w.store.get(DOMAIN))?.completedRotations === 1;
    for (let h = 0; h < 10 * 24 && !(await done(clean)); h++) await hour(clean);
    const total = counter.calls();
    expect((await clean.store.get(DOMAIN))!.completedRotations).toBe(1);
    expect(total).toBeGreaterThan(20);

    for (let n = 1; n <= total; n++) {
      const w = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
      await signingWithA(w, DOMAIN);
      crashAt(w, n);
      for (let h = 0; h < 10 * 24 && !(await done(w)); h++) {
        await hour(w);
        expect(sesKeyIsPublished(w), `crash at call ${n}, hour ${h}`).toBe(true);
      }
      await hour(w); // the lock of a crashed last run expires; one more run cleans up
      const s = (await w.store.get(DOMAIN))!;
      expect(s.stage, `crash at call ${n}`).toBe('IDLE');
      expect(s.completedRotations, `crash at call ${n}`).toBe(1);
      expect(w.ses.identities.get(DOMAIN)!.selector).toBe(s.current!.selector);
      expect(s.current!.selector).toBe('ses20271201');
      expect(w.store.locks.size).toBe(0);
      assertNoPlaintext(captured(w), w.vault.plaintexts);
    }
  }, 120_000);

  it('SES never reaching SUCCESS: rolls back to A after 72 h with A still published, then waits', async () => {
    const w = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    const a = await signingWithA(w, DOMAIN);
    await w.engine().tick();
    await publishPending(w, DOMAIN);
    await w.engine().tick();
    expect(w.ses.identities.get(DOMAIN)!.selector).toBe('ses20271201');
    for (let h = 0; h < 72; h++) {
      w.clock.advanceHours(1);
      await w.engine().tick();
    }
    const s = (await w.store.get(DOMAIN))!;
    expect(s.stage).toBe('IDLE');
    expect(s.current?.selector).toBe(a.selector);
    expect(s.previous).toBeUndefined();
    expect(s.rejected?.selector).toBe('ses20271201');
    const back = w.ses.puts.at(-1)!;
    expect(back.selector).toBe(a.selector);
    expect(back.privateKey).toBe(a.privateKey); // the working key, not lost
    expect(w.rec.values('RotationFailed', DOMAIN)).toContain(1);
    expect(Math.max(...w.rec.values('BYODKIMPendingHours', DOMAIN))).toBeGreaterThanOrEqual(71);
    const failed = w.rec.notifications.find((n) => n.kind === 'rotation-failed')!;
    expect(failed.severity).toBe('P1');
    expect(failed.body).toContain('ses20271201._domainkey.goo.ne.jp');
    // No second rotation on the following ticks (retry only after 7 days or by an operator).
    const gen = w.vault.generateCalls;
    for (let h = 0; h < 48; h++) {
      w.clock.advanceHours(1);
      await w.engine().tick();
    }
    expect(w.vault.generateCalls).toBe(gen);
    assertNoPlaintext(captured(w), w.vault.plaintexts);
  });

  it('SNS down when the rollback must be announced: rollback repeats on rerun, P1 notice delivered', async () => {
    const w = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    const a = await signingWithA(w, DOMAIN);
    w.ses.statusAfterSwitch = 'FAILED';
    await w.engine().tick();
    await publishPending(w, DOMAIN);
    const publish = w.rec.publish.bind(w.rec);
    let down = true;
    w.rec.publish = async (n) => {
      if (down && n.kind === 'rotation-failed')
        throw Object.assign(new Error('SNS unavailable'), { name: 'InternalErrorException' });
      return publish(n);
    };
    await expect(w.engine().tick()).rejects.toThrow(/InternalErrorException/);
    expect((await w.store.get(DOMAIN))!.stage).toBe('ROLLING_BACK');
    expect(w.ses.identities.get(DOMAIN)!.selector).toBe(a.selector); // already back on A
    down = false;
    await w.engine().tick();
    expect((await w.store.get(DOMAIN))!.stage).toBe('IDLE');
    expect(w.rec.kinds().filter((k) => k === 'rotation-failed')).toHaveLength(1);
    expect(w.ses.identities.get(DOMAIN)!.selector).toBe(a.selector);
  });

  it('SES FAILED rolls back at once; an onboarding rolls back to Easy DKIM', async () => {
    const w = world([{ domain: 'example.jp', rotationIntervalDays: 365 }]);
    w.ses.identities.set('example.jp', { origin: 'AWS_SES', status: 'SUCCESS' });
    w.ses.statusAfterSwitch = 'FAILED';
    await w.engine().tick();
    await publishPending(w, 'example.jp');
    await w.engine().tick();
    expect(w.ses.puts.map((p) => p.origin)).toEqual(['EXTERNAL', 'AWS_SES']);
    const s = (await w.store.get('example.jp'))!;
    expect(s.stage).toBe('IDLE');
    expect(s.current).toBeUndefined();
    expect(w.rec.kinds()).toContain('rotation-failed');
  });

  it('does not roll back to a key whose record is gone: FAILED, P1, SES left alone', async () => {
    const w = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    const a = await signingWithA(w, DOMAIN);
    await w.engine().tick();
    await publishPending(w, DOMAIN);
    w.ses.statusAfterSwitch = 'FAILED';
    w.dns.records.delete(a.record.name); // someone removed A too early
    await w.engine().tick();
    const s = (await w.store.get(DOMAIN))!;
    expect(s.stage).toBe('FAILED');
    expect(w.ses.puts).toHaveLength(1);
    expect(w.rec.notifications.at(-1)!.severity).toBe('P1');
  });

  it('two orchestrator runs at once rotate once', async () => {
    const w = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    await signingWithA(w, DOMAIN);
    const results = await Promise.all([
      w.engine().tick(),
      w.engine().tick(),
      w.engine().rotate(DOMAIN, true),
    ]);
    expect(w.vault.generateCalls).toBe(1);
    expect(w.rec.kinds().filter((k) => k === 'dns-request')).toHaveLength(1);
    const outcomes = results.flatMap((r) => (Array.isArray(r) ? r : [r])).map((o) => o.outcome);
    expect(outcomes.filter((o) => o === 'advanced')).toHaveLength(1);
    // A forced rotate while one is in progress does not start a second.
    expect((await w.engine().rotate(DOMAIN, true)).outcome).toBe('in-progress');
    expect(w.vault.generateCalls).toBe(1);
  });
});

describe('operator control', () => {
  it('abort before the switch drops the pending key and keeps signing with A', async () => {
    const w = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    await signingWithA(w, DOMAIN);
    await w.engine().tick();
    const out = await w.engine().abort(DOMAIN);
    expect(out.outcome).toBe('aborted');
    const s = (await w.store.get(DOMAIN))!;
    expect(s.stage).toBe('IDLE');
    expect(s.pending).toBeUndefined();
    expect(s.current?.selector).toBe('ses20261201');
    expect(w.rec.kinds().at(-1)).toBe('rotation-aborted');
    expect(w.ses.puts).toHaveLength(0);
    expect((await w.engine().rotate(DOMAIN, false)).outcome).toBe('not-due');
  });

  it('rollback after verification returns to A while A is still published, refused once it is gone', async () => {
    const w = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    const a = await signingWithA(w, DOMAIN);
    w.ses.statusAfterSwitch = 'SUCCESS';
    await w.engine().tick();
    await publishPending(w, DOMAIN);
    await w.engine().tick();
    expect((await w.store.get(DOMAIN))!.stage).toBe('AWAITING_OLD_REMOVAL');

    const w2Ok = await w.engine().rollback(DOMAIN);
    expect(w2Ok.outcome).toBe('rolled-back');
    expect(w.ses.identities.get(DOMAIN)!.selector).toBe(a.selector);

    // Second world: A removed before the operator asks.
    const v = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    const va = await signingWithA(v, DOMAIN);
    v.ses.statusAfterSwitch = 'SUCCESS';
    await v.engine().tick();
    await publishPending(v, DOMAIN);
    await v.engine().tick();
    v.dns.records.delete(va.record.name);
    await expect(v.engine().rollback(DOMAIN)).rejects.toThrow(/RollbackNotPossible|no longer resolves/);
    expect(v.ses.identities.get(DOMAIN)!.selector).toBe('ses20271201');
  });

  it('status shows stage, selectors and the record to publish, without key material', async () => {
    const w = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    await signingWithA(w, DOMAIN);
    await w.engine().tick();
    const [st] = await w.engine().status();
    expect(st).toMatchObject({
      domain: DOMAIN,
      stage: 'AWAITING_DNS',
      mode: 'manual-dns',
      selectors: { current: 'ses20261201', pending: 'ses20271201' },
    });
    expect(st!.recordToPublish?.name).toBe('ses20271201._domainkey.goo.ne.jp');
    expect(JSON.stringify(st)).not.toContain('privateKeyCiphertext');
    const p = parseDkimTags(st!.recordToPublish!.value)!.get('p');
    expect(p).toBe((await w.store.get(DOMAIN))!.pending!.publicKey);
  });

  it('rejects unknown domains and wrong stages with messages that list what is allowed', async () => {
    const w = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    await expect(w.engine().rotate('other.jp', true)).rejects.toThrow(/not configured.*goo\.ne\.jp/);
    await expect(w.engine().rollback(DOMAIN)).rejects.toThrow(/cannot roll back.*IDLE.*abort/);
    await expect(w.engine().abort(DOMAIN)).rejects.toThrow(/cannot abort goo\.ne\.jp in stage IDLE/);
  });

  it('30-day notice before a scheduled rotation, once', async () => {
    const w = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    await signingWithA(w, DOMAIN);
    const s = (await w.store.get(DOMAIN))!;
    s.nextRotationAt = new Date(T0.getTime() + 40 * 86_400_000).toISOString();
    s.noticeSentFor = undefined;
    await w.store.put(s);
    await w.engine().tick();
    expect(w.rec.kinds()).toEqual([]);
    w.clock.advanceHours(10 * 24);
    await w.engine().tick();
    await w.engine().tick();
    expect(w.rec.kinds()).toEqual(['notice-30d']);
    expect(w.rec.notifications[0]!.body).toContain('2028-01-10 09:00 JST');
    expect(w.vault.generateCalls).toBe(0);
  });
});
