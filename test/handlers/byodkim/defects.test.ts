/**
 * Issue #17: one test per numbered defect found by adversarial tests against the rotation engine. Each test
 * failed on the engine before the decide/runner split (commit f0f461b) and passes after it.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS, parseDomains } from '../../../handlers/byodkim/core/config.js';
import { compareTxt, dkimTxtRecord } from '../../../handlers/byodkim/core/dkim.js';
import { RotationEngine } from '../../../handlers/byodkim/core/engine.js';
import type { Notification } from '../../../handlers/byodkim/core/ports.js';
import { publishPending, signingWithA, testConfig, type World, world } from './support.js';

const D = 'goo.ne.jp';
const ZONE = 'Z0123456789ABC';

/** Selector SES signs with now (undefined for Easy DKIM). */
function sesSelector(w: World, domain = D): string | undefined {
  const i = w.ses.identities.get(domain);
  return i?.origin === 'EXTERNAL' ? i.selector : undefined;
}

/** The invariant: SES signs only with a key whose public half the DNS publishes at SES's selector. */
function sesKeyIsPublished(w: World, aPub: string, domain = D): boolean {
  const i = w.ses.identities.get(domain);
  if (i?.origin !== 'EXTERNAL' || !i.selector) return true;
  const spki =
    i.privateKey === 'A'
      ? aPub
      : createPublicKey(
          createPrivateKey({ key: Buffer.from(i.privateKey!, 'base64'), format: 'der', type: 'pkcs8' }),
        )
          .export({ type: 'spki', format: 'der' })
          .toString('base64');
  return compareTxt(w.dns.records.get(`${i.selector}._domainkey.${domain}`) ?? [], spki).kind === 'MATCH';
}

/** Notices that ask people to remove (or say they may remove) the record of `selector`. */
function removalRequestsFor(w: World, selector: string, domain = D): Notification[] {
  return w.rec.notifications.filter(
    (n) =>
      n.body.includes(`${selector}._domainkey.${domain}`) && /削除/.test(n.body) && n.kind !== 'dns-request',
  );
}

/** Makes the next call of `obj[method]` matching `when` throw `err` once (before it takes effect). */
function failOnce<T extends object>(
  obj: T,
  method: keyof T,
  err: Error,
  when: (...a: never[]) => boolean = () => true,
) {
  const orig = (obj[method] as (...a: unknown[]) => Promise<unknown>).bind(obj);
  let armed = true;
  (obj as Record<string, unknown>)[method as string] = async (...args: unknown[]) => {
    if (armed && (when as (...a: unknown[]) => boolean)(...args)) {
      armed = false;
      throw err;
    }
    return orig(...args);
  };
}

const throttle = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

async function tickQuietly(w: World) {
  try {
    await w.engine().tick();
  } catch {
    // a failed run; the next one continues from the stored state
  }
}

/** Manual mode: rotation A -> B up to AWAITING_VERIFICATION (SES signs with B, status PENDING). */
async function switchedToB(w: World) {
  await w.engine().tick();
  await publishPending(w, D);
  await w.engine().tick();
  const s = (await w.store.get(D))!;
  expect(s.stage).toBe('AWAITING_VERIFICATION');
  return s.current!;
}

describe('issue #17 defects', () => {
  it('1: Route 53 rollback with one throttled deleteTxt keeps SES on a published key', async () => {
    const w = world([{ domain: D, rotationIntervalDays: 365, hostedZoneId: ZONE }]);
    const a = await signingWithA(w, D);
    await w.engine().tick(); // Route 53 mode: UPSERT, observed, switched in one run
    expect((await w.store.get(D))!.stage).toBe('AWAITING_VERIFICATION');
    w.ses.identities.get(D)!.status = 'FAILED';
    failOnce(w.dns, 'deleteTxt', throttle());
    await tickQuietly(w);
    expect(sesKeyIsPublished(w, a.pub)).toBe(true);
    for (let h = 0; h < 3; h++) {
      w.clock.advanceHours(1);
      await tickQuietly(w);
      expect(sesKeyIsPublished(w, a.pub), `hour ${h}`).toBe(true);
    }
    expect(sesSelector(w)).toBe(a.selector);
    expect(w.dns.records.has(a.record.name)).toBe(true);
    expect((await w.store.get(D))!.stage).toBe('IDLE');
  });

  it('2: manual mode, SNS fails once on rotation-failed: the rerun never asks to delete the selector SES signs with', async () => {
    const w = world([{ domain: D, rotationIntervalDays: 365 }]);
    const a = await signingWithA(w, D);
    await switchedToB(w);
    w.ses.identities.get(D)!.status = 'FAILED';
    failOnce(w.rec, 'publish', throttle(), (n: Notification) => n.kind === 'rotation-failed');
    await tickQuietly(w);
    w.clock.advanceHours(1);
    await tickQuietly(w);
    expect(sesSelector(w)).toBe(a.selector);
    expect(removalRequestsFor(w, a.selector)).toEqual([]);
    expect(w.rec.kinds().filter((k) => k === 'rotation-failed')).toHaveLength(1);
    expect(removalRequestsFor(w, 'ses20271201').map((n) => n.kind)).toEqual(['rotation-failed']);
  });

  it.each([
    ['manual', undefined],
    ['route53', ZONE],
  ])(
    '3: %s mode, state write lost after the SES switch: abort asks SES and rolls back instead of deleting the signing key',
    async (_m, zone) => {
      const w = world([{ domain: D, rotationIntervalDays: 365, hostedZoneId: zone }]);
      const a = await signingWithA(w, D);
      if (!zone) {
        await w.engine().tick();
        await publishPending(w, D);
      }
      // After PutEmailIdentityDkimSigningAttributes succeeds, DynamoDB fails (twice: the step and its failure record).
      const put = w.ses.putExternal.bind(w.ses);
      let failWrites = 0;
      w.ses.putExternal = async (...args: Parameters<typeof put>) => {
        await put(...args);
        failWrites = 2;
      };
      const storePut = w.store.put.bind(w.store);
      w.store.put = async (s) => {
        if (failWrites > 0) {
          failWrites--;
          throw Object.assign(new Error('service unavailable'), { name: 'InternalServerError' });
        }
        return storePut(s);
      };
      await tickQuietly(w);
      expect(sesSelector(w)).toBe('ses20271201');
      expect((await w.store.get(D))!.stage).toBe('DNS_PUBLISHED');
      await w
        .engine()
        .abort(D)
        .catch(() => undefined);
      expect(sesKeyIsPublished(w, a.pub)).toBe(true);
      const signing = sesSelector(w)!;
      expect(removalRequestsFor(w, signing)).toEqual([]);
      expect(w.dns.records.has(`${signing}._domainkey.${D}`)).toBe(true);
    },
  );

  it('4: after an abort, a rotation the same JST day gets a new selector', async () => {
    const w = world([{ domain: D, rotationIntervalDays: 365 }]);
    await signingWithA(w, D);
    await w.engine().tick();
    const first = (await w.store.get(D))!.pending!.selector;
    await w.engine().abort(D);
    await w.engine().rotate(D, true);
    const second = (await w.store.get(D))!.pending!.selector;
    expect(second).not.toBe(first);
  });

  it('5: Route 53 mode, old record DELETE sent but still cached: rollback to it is refused', async () => {
    const w = world([{ domain: D, rotationIntervalDays: 365, hostedZoneId: ZONE }]);
    const a = await signingWithA(w, D);
    // A caching resolver keeps answering A's record after Route 53 deleted it.
    const cached = w.dns.records.get(a.record.name)!;
    const resolve = w.dns.resolveTxt.bind(w.dns);
    w.dns.resolveTxt = async (name: string) => (name === a.record.name ? cached : resolve(name));
    await w.engine().tick();
    w.ses.identities.get(D)!.status = 'SUCCESS';
    w.clock.advanceHours(1);
    await w.engine().tick();
    expect((await w.store.get(D))!.stage).toBe('AWAITING_OLD_REMOVAL');
    w.clock.advanceHours(48);
    await w.engine().tick();
    expect(w.dns.changes.map((c) => `${c.action} ${c.name}`)).toContain(`DELETE ${a.record.name}`);
    await expect(w.engine().rollback(D)).rejects.toThrow(/RollbackNotPossible|removed|deleted/i);
    expect(sesSelector(w)).toBe('ses20271201');
  });

  it.each([
    ['v=DKIM2', (p: string) => `v=DKIM2; k=rsa; p=${p}`],
    ['v= not first', (p: string) => `k=rsa; v=DKIM1; p=${p}`],
    ['k=ed25519', (p: string) => `v=DKIM1; k=ed25519; p=${p}`],
    ['h=sha1', (p: string) => `v=DKIM1; k=rsa; h=sha1; p=${p}`],
    ['s=tlsrpt', (p: string) => `v=DKIM1; k=rsa; s=tlsrpt; p=${p}`],
  ])('6: a record with %s does not count as published: SES is not switched', async (_f, form) => {
    const w = world([{ domain: D, rotationIntervalDays: 365 }]);
    await signingWithA(w, D);
    await w.engine().tick();
    const pending = (await w.store.get(D))!.pending!;
    const r = dkimTxtRecord(pending.selector, D, pending.publicKey);
    w.dns.publish(r.name, [form(pending.publicKey)]);
    w.clock.advanceHours(1);
    await w.engine().tick();
    expect(w.ses.puts).toHaveLength(0);
    expect((await w.store.get(D))!.stage).toBe('AWAITING_DNS');
  });

  it('7: SNS fails once on old-record-removal: the request is still sent', async () => {
    const w = world([{ domain: D, rotationIntervalDays: 365 }]);
    await signingWithA(w, D);
    await switchedToB(w);
    w.ses.identities.get(D)!.status = 'SUCCESS';
    failOnce(w.rec, 'publish', throttle(), (n: Notification) => n.kind === 'old-record-removal');
    await tickQuietly(w);
    w.clock.advanceHours(1);
    await tickQuietly(w);
    expect(w.rec.kinds()).toContain('old-record-removal');
  });

  it('8: GetEmailIdentity answering the old selector once after the switch is no error', async () => {
    const w = world([{ domain: D, rotationIntervalDays: 365 }]);
    const a = await signingWithA(w, D);
    await w.engine().tick();
    await publishPending(w, D);
    const get = w.ses.getDkim.bind(w.ses);
    let stale = false;
    const put = w.ses.putExternal.bind(w.ses);
    w.ses.putExternal = async (...args: Parameters<typeof put>) => {
      await put(...args);
      stale = true;
    };
    w.ses.getDkim = async (domain: string) => {
      const r = await get(domain);
      if (!stale) return r;
      stale = false;
      return { ...r, selectors: [a.selector], status: 'SUCCESS' };
    };
    await expect(w.engine().tick()).resolves.toBeDefined();
    expect(w.rec.kinds()).not.toContain('step-failed');
    expect((await w.store.get(D))!.stage).toBe('AWAITING_VERIFICATION');
  });

  it('9: the old selector revoked as "v=DKIM1; p=" counts as removed', async () => {
    const w = world([{ domain: D, rotationIntervalDays: 365 }]);
    const a = await signingWithA(w, D);
    await switchedToB(w);
    w.ses.identities.get(D)!.status = 'SUCCESS';
    w.clock.advanceHours(1);
    await w.engine().tick();
    expect((await w.store.get(D))!.stage).toBe('AWAITING_OLD_REMOVAL');
    w.dns.publish(a.record.name, ['v=DKIM1; p=']);
    w.clock.advanceHours(50);
    await w.engine().tick();
    const s = (await w.store.get(D))!;
    expect(s.stage).toBe('IDLE');
    expect(s.completedRotations).toBe(1);
  });

  it('10: an error outside the steps of one domain does not stop the other domains', async () => {
    const w = world([
      { domain: 'a.example.jp', rotationIntervalDays: 365 },
      { domain: D, rotationIntervalDays: 365 },
    ]);
    await signingWithA(w, 'a.example.jp', 'ses20261201');
    await signingWithA(w, D);
    failOnce(w.store, 'acquireLock', throttle(), (domain: string) => domain === 'a.example.jp');
    await expect(w.engine().tick()).rejects.toThrow(/a\.example\.jp/);
    expect((await w.store.get(D))!.stage).toBe('AWAITING_DNS');
  });

  it('11: a domain whose DKIM record name would exceed 253 characters is rejected by the configuration', () => {
    const label = (c: string, n: number) => c.repeat(n);
    const domain = `${label('a', 63)}.${label('b', 63)}.${label('c', 63)}.${label('d', 41)}.jp`;
    expect(domain.length).toBe(236);
    expect(() => parseDomains(JSON.stringify([domain]))).toThrow(/253|too long/);
    // A domain that leaves room for the longest selector is accepted.
    expect(
      parseDomains(JSON.stringify([`${label('a', 63)}.${label('b', 63)}.${label('c', 63)}.jp`])),
    ).toHaveLength(1);
  });

  it('12: lowering rotationIntervalDays after a rotation takes effect for the next one', async () => {
    const w = world([{ domain: D, rotationIntervalDays: 365 }]);
    await signingWithA(w, D);
    await switchedToB(w);
    w.ses.identities.get(D)!.status = 'SUCCESS';
    const old = (await w.store.get(D))!.previous!;
    w.clock.advanceHours(1);
    await w.engine().tick();
    w.dns.records.delete(`${old.selector}._domainkey.${D}`);
    w.clock.advanceHours(49);
    await w.engine().tick();
    expect((await w.store.get(D))!.completedRotations).toBe(1);
    const short = new RotationEngine({
      config: testConfig([{ domain: D, rotationIntervalDays: 30 }]),
      ports: w.ports,
      functionName: 'f',
      orchestratorName: 'f',
      timings: DEFAULT_TIMINGS,
    });
    w.clock.advanceHours(31 * 24);
    await short.tick();
    expect((await w.store.get(D))!.stage).toBe('AWAITING_DNS');
  });

  it('13: the new record removed by mistake (then the old one): no rotation-completed, a P1 notice', async () => {
    const w = world([{ domain: D, rotationIntervalDays: 365 }]);
    const a = await signingWithA(w, D);
    const b = await switchedToB(w);
    w.ses.identities.get(D)!.status = 'SUCCESS';
    w.clock.advanceHours(1);
    await w.engine().tick();
    expect((await w.store.get(D))!.stage).toBe('AWAITING_OLD_REMOVAL');
    w.dns.records.delete(`${b.selector}._domainkey.${D}`);
    w.clock.advanceHours(1);
    await tickQuietly(w);
    w.dns.records.delete(a.record.name);
    w.clock.advanceHours(1);
    await tickQuietly(w);
    expect(w.rec.kinds()).not.toContain('rotation-completed');
    expect(w.rec.notifications.some((n) => n.severity === 'P1')).toBe(true);
  });

  it('14a: the decrypted private key reaches SES only as the wiped buffer KMS returned (no copies)', async () => {
    const w = world([{ domain: D, rotationIntervalDays: 365 }]);
    await signingWithA(w, D);
    const decrypted: Uint8Array[] = [];
    const dec = w.vault.decryptPrivateKey.bind(w.vault);
    w.vault.decryptPrivateKey = async (c, ctx) => {
      const p = await dec(c, ctx);
      decrypted.push(p);
      return p;
    };
    const received: unknown[] = [];
    const put = w.ses.putExternal.bind(w.ses);
    w.ses.putExternal = async (...args: Parameters<typeof put>) => {
      received.push(args[2]);
      return put(...args);
    };
    await w.engine().tick();
    await publishPending(w, D);
    await w.engine().tick();
    expect(received).toHaveLength(1);
    expect(received[0]).toBeInstanceOf(Uint8Array);
    expect(decrypted.some((d) => d === received[0])).toBe(true);
    expect(decrypted.every((d) => d.every((b) => b === 0))).toBe(true);
  });

  it('14b: one KMS throttle is retried without a P1 page or a generation-failed metric', async () => {
    const w = world([{ domain: D, rotationIntervalDays: 365 }]);
    await signingWithA(w, D);
    failOnce(w.vault, 'generateKeyPair', throttle());
    await tickQuietly(w);
    expect(w.rec.notifications.filter((n) => n.severity === 'P1')).toEqual([]);
    expect(w.rec.values('BYODKIMKeyGenerationStatus', D)).not.toContain(0);
    w.clock.advanceHours(1);
    await w.engine().tick();
    expect((await w.store.get(D))!.stage).toBe('AWAITING_DNS');
  });

  it('found by the harness: manual-mode rollback after the removal request cancels the removal before SES signs with the old key again, and is refused once removal may have started', async () => {
    const w = world([{ domain: D, rotationIntervalDays: 365 }]);
    const a = await signingWithA(w, D);
    await switchedToB(w);
    w.ses.identities.get(D)!.status = 'SUCCESS';
    w.clock.advanceHours(1);
    await w.engine().tick();
    expect(w.rec.kinds()).toContain('old-record-removal');
    // The cancel must reach people before SES signs with A again: record the notices sent before that put.
    let kindsAtSwitchBack: string[] = [];
    const put = w.ses.putExternal.bind(w.ses);
    w.ses.putExternal = async (...args: Parameters<typeof put>) => {
      if (args[1] === a.selector) kindsAtSwitchBack = w.rec.kinds();
      return put(...args);
    };
    const out = await w.engine().rollback(D);
    expect(out.outcome).toBe('rolled-back');
    expect(kindsAtSwitchBack).toContain('removal-cancelled');
    expect(sesSelector(w)).toBe(a.selector);

    // A second rotation; this time the operator asks for a rollback after the removal window opened.
    const w2 = world([{ domain: D, rotationIntervalDays: 365 }]);
    await signingWithA(w2, D);
    await switchedToB(w2);
    w2.ses.identities.get(D)!.status = 'SUCCESS';
    w2.clock.advanceHours(1);
    await w2.engine().tick();
    w2.clock.advanceHours(48);
    await expect(w2.engine().rollback(D)).rejects.toThrow(/may be removing it now/);
    expect(sesSelector(w2)).toBe('ses20271201');
  });
});
