import { createPrivateKey, createPublicKey, createSign, createVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compareTxt, dkimTxtRecord, parseDkimTags } from '../../../handlers/byodkim/core/dkim.js';
import { assertNoPlaintext, captured, publishPending, realKeyPair, signingWithA, world } from './support.js';

const DOMAIN = 'goo.ne.jp';

/** A DKIM-style signature with the key SES got verifies with the key parsed from the record DNS answered. */
function signatureVerifies(sesKeyB64: string, dnsStrings: readonly string[]): boolean {
  const p = parseDkimTags(dnsStrings.join(''))!.get('p')!;
  const pub = createPublicKey({ key: Buffer.from(p, 'base64'), format: 'der', type: 'spki' });
  const signer = createSign('RSA-SHA256');
  signer.update('from:a@goo.ne.jp\r\nsubject:test\r\n');
  const priv = createPrivateKey({ key: Buffer.from(sesKeyB64, 'base64'), format: 'der', type: 'pkcs8' });
  const sig = signer.sign(priv);
  const v = createVerify('RSA-SHA256');
  v.update('from:a@goo.ne.jp\r\nsubject:test\r\n');
  return v.verify(pub, sig);
}

describe('rotation A -> B (manual DNS)', () => {
  it('publishes B before the switch, switches, verifies, requests A removal and completes', async () => {
    const w = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    const a = await signingWithA(w, DOMAIN);
    const e = w.engine();

    // Tick 1: key generated, DNS requested; SES untouched.
    await e.tick();
    let s = (await w.store.get(DOMAIN))!;
    expect(s.stage).toBe('AWAITING_DNS');
    expect(s.pending?.selector).toBe('ses20271201');
    expect(w.ses.puts).toHaveLength(0);
    expect(w.rec.kinds()).toEqual(['rotation-started', 'dns-request']);
    const request = w.rec.notifications[1]!;
    expect(request.severity).toBe('P2');
    expect(request.body).toContain('ses20271201._domainkey.goo.ne.jp');
    expect(request.body).toContain('2027-12-03 09:00 JST'); // 48 h deadline, JST
    expect(w.rec.values('BYODKIMKeyGenerationStatus', DOMAIN)).toEqual([1]);

    // 24 h before the deadline: reminder; still no switch.
    w.clock.advanceHours(24);
    await e.tick();
    expect(w.rec.kinds()).toContain('dns-reminder-24h');
    expect(w.rec.values('DNSRequestAgeHours', DOMAIN).at(-1)).toBe(24);
    expect(w.ses.puts).toHaveLength(0);

    // DNS team publishes B: next tick observes it and switches.
    w.clock.advanceHours(2);
    const b = await publishPending(w, DOMAIN);
    expect(b.strings.every((x) => x.length <= 255)).toBe(true);
    await e.tick();
    s = (await w.store.get(DOMAIN))!;
    expect(s.stage).toBe('AWAITING_VERIFICATION');
    expect(s.dnsObservedAt! <= s.switchedAt!).toBe(true);
    expect(s.current?.selector).toBe('ses20271201');
    expect(s.previous?.selector).toBe(a.selector);
    const put = w.ses.puts.at(-1)!;
    expect(put.selector).toBe('ses20271201');
    expect(put.privateKey).toMatch(/^[A-Za-z0-9+/]+=*$/); // base64 DER, no PEM, no newline
    expect(signatureVerifies(put.privateKey!, b.strings)).toBe(true);

    // SES verifies: removal of A requested, not yet done.
    w.clock.advanceHours(3);
    w.ses.identities.get(DOMAIN)!.status = 'SUCCESS';
    await e.tick();
    expect(w.rec.kinds()).toEqual(expect.arrayContaining(['verification-succeeded', 'old-record-removal']));
    const removal = w.rec.notifications.find((n) => n.kind === 'old-record-removal')!;
    expect(removal.body).toContain(`${a.selector}._domainkey.goo.ne.jp`);
    expect((await w.store.get(DOMAIN))!.stage).toBe('AWAITING_OLD_REMOVAL');

    // Day 5 reminder, then the DNS team removes A -> done.
    w.clock.advanceHours(5 * 24);
    await e.tick();
    expect(w.rec.kinds()).toContain('old-record-reminder');
    expect(w.rec.values('OldRecordAgeDays', DOMAIN).at(-1)).toBeGreaterThanOrEqual(5);
    w.dns.records.delete(a.record.name);
    await e.tick();
    s = (await w.store.get(DOMAIN))!;
    expect(s.stage).toBe('IDLE');
    expect(s.previous).toBeUndefined();
    expect(s.completedRotations).toBe(1);
    expect(w.rec.values('BYODKIMKeyRotation', DOMAIN)).toEqual([1]);
    expect(w.rec.kinds().at(-1)).toBe('rotation-completed');
    expect(w.vault.generateCalls).toBe(1);

    // Next rotation a year after the switch; further ticks do nothing.
    expect(s.nextRotationAt!.startsWith('2028-12-01')).toBe(true);
    await e.tick();
    expect(w.vault.generateCalls).toBe(1);
    assertNoPlaintext(captured(w), w.vault.plaintexts);
  });

  it('does not switch while DNS publishes a wrong value, and says so once', async () => {
    const w = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    await signingWithA(w, DOMAIN);
    const e = w.engine();
    await e.tick();
    const s = (await w.store.get(DOMAIN))!;
    const other = realKeyPair().publicKeyDer.toString('base64');
    w.dns.publish(dkimTxtRecord(s.pending!.selector, DOMAIN, other).name, [
      `v=DKIM1; k=rsa; p=${other.slice(0, 200)}`,
      other.slice(200),
    ]);
    await e.tick();
    await e.tick();
    expect((await w.store.get(DOMAIN))!.stage).toBe('AWAITING_DNS');
    expect(w.ses.puts).toHaveLength(0);
    expect(w.rec.kinds().filter((k) => k === 'dns-mismatch')).toHaveLength(1);
    expect(w.rec.values('DNSPendingRecordMismatch', DOMAIN).at(-1)).toBe(1);
  });

  it('DNS never published: reminders 24 h and 6 h before, P1 at 48 h, SES never switched', async () => {
    const w = world([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    await signingWithA(w, DOMAIN);
    const e = w.engine();
    for (let h = 0; h <= 60; h++) {
      await e.tick();
      w.clock.advanceHours(1);
    }
    expect(w.rec.kinds().filter((k) => k.startsWith('dns-'))).toEqual([
      'dns-request',
      'dns-reminder-24h',
      'dns-reminder-6h',
      'dns-overdue',
    ]);
    expect(w.rec.notifications.find((n) => n.kind === 'dns-overdue')!.severity).toBe('P1');
    expect(Math.max(...w.rec.values('DNSRequestAgeHours', DOMAIN))).toBe(60);
    expect(w.ses.puts).toHaveLength(0);
    expect(w.ses.identities.get(DOMAIN)!.selector).toBe('ses20261201');
  });
});

describe('onboarding (no BYODKIM key yet)', () => {
  it('gives an Easy DKIM identity its first key only after the TXT record is observed', async () => {
    const w = world([{ domain: 'example.jp', rotationIntervalDays: 180 }]);
    w.ses.identities.set('example.jp', { origin: 'AWS_SES', status: 'SUCCESS' });
    const e = w.engine();
    await e.tick();
    expect((await w.store.get('example.jp'))!.stage).toBe('AWAITING_DNS');
    expect(w.rec.notifications[0]!.subject).toContain('BYODKIM導入開始');
    await e.tick();
    expect(w.ses.puts).toHaveLength(0);
    const r = await publishPending(w, 'example.jp');
    w.ses.statusAfterSwitch = 'SUCCESS';
    await e.tick();
    const s = (await w.store.get('example.jp'))!;
    expect(s.stage).toBe('IDLE');
    expect(s.previousOrigin).toBe('AWS_SES');
    expect(s.completedRotations).toBe(1);
    expect(signatureVerifies(w.ses.puts[0]!.privateKey!, r.strings)).toBe(true);
    expect(w.rec.kinds()).toEqual([
      'rotation-started',
      'dns-request',
      'verification-succeeded',
      'rotation-completed',
    ]);
    assertNoPlaintext(captured(w), w.vault.plaintexts);
  });

  it('fails clearly when the SES identity does not exist', async () => {
    const w = world([{ domain: 'missing.jp', rotationIntervalDays: 365 }]);
    await expect(w.engine().tick()).rejects.toThrow(/missing\.jp.*StateMismatchError.*does not exist/);
    expect(w.vault.generateCalls).toBe(0);
    expect(w.rec.kinds()).toEqual(['step-failed']);
  });
});

describe('Route 53 mode', () => {
  it('publishes and later removes the TXT records itself', async () => {
    const w = world([{ domain: DOMAIN, rotationIntervalDays: 365, hostedZoneId: 'Z123456ABC' }]);
    const a = await signingWithA(w, DOMAIN);
    w.ses.statusAfterSwitch = 'SUCCESS';
    const e = w.engine();
    await e.tick(); // generate, UPSERT, observe, switch, verify
    expect(w.dns.changes.map((c) => c.action)).toEqual(['UPSERT']);
    expect(w.dns.changes[0]!.value).toMatch(/^"v=DKIM1; k=rsa; p=[^"]{1,237}" "[^"]+"$/);
    expect((await w.store.get(DOMAIN))!.stage).toBe('AWAITING_OLD_REMOVAL');
    w.clock.advanceHours(47);
    await e.tick();
    expect(w.dns.changes).toHaveLength(1); // grace period for mail in flight
    w.clock.advanceHours(1);
    await e.tick();
    expect(w.dns.changes.map((c) => `${c.action} ${c.name}`)).toEqual([
      `UPSERT ses20271201._domainkey.${DOMAIN}`,
      `DELETE ${a.record.name}`,
    ]);
    expect((await w.store.get(DOMAIN))!.stage).toBe('IDLE');
    expect(w.rec.notifications.every((n) => n.kind !== 'dns-request' || n.severity === 'P3')).toBe(true);
  });
});

describe('compareTxt', () => {
  it('needs every DKIM record at the name to carry exactly the key', () => {
    expect(compareTxt([['v=DKIM1; k=rsa; p=AB', 'CD']], 'ABCD').kind).toBe('MATCH');
    expect(compareTxt([['v=DKIM1; p=ABCD'], ['v=DKIM1; p=XYZ']], 'ABCD').kind).toBe('MISMATCH');
    expect(compareTxt([['google-site-verification=x']], 'ABCD').kind).toBe('NOT_FOUND');
    expect(compareTxt([], 'ABCD').kind).toBe('NOT_FOUND');
  });
});
