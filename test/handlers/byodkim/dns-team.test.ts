/** Per-domain DNS team (issue #14 item 5): DNS requests mailed to the domain's team, the rest on SNS. */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../../handlers/byodkim/aws/sesmail.js';
import { loadConfig } from '../../../handlers/byodkim/core/config.js';
import { DnsTeamNotifier, type Mailer } from '../../../handlers/byodkim/core/dns-team.js';
import type { Notification } from '../../../handlers/byodkim/core/ports.js';
import { Recorder, world } from './support.js';

const ses = mockClient(SESv2Client);
beforeEach(() => ses.reset());

class FakeMailer implements Mailer {
  readonly sent: { to: readonly string[]; subject: string; body: string }[] = [];
  async send(to: readonly string[], subject: string, body: string) {
    this.sent.push({ to, subject, body });
  }
}
const note = (kind: string, severity: 'P1' | 'P2' | 'P3', domain = 'goo.ne.jp'): Notification => ({
  kind,
  severity,
  domain,
  subject: `[${severity}] ${kind}`,
  body: '本文',
});

describe('DNS team routing', () => {
  it("DNS requests and reminders go to the domain's team instead of the topic; pages go to both; the rest stays on SNS", async () => {
    const topics = new Recorder();
    const mail = new FakeMailer();
    const n = new DnsTeamNotifier(topics, mail, new Map([['goo.ne.jp', ['dns@goo.ne.jp']]]));
    for (const k of [
      'dns-request',
      'dns-reminder-24h',
      'dns-reminder-6h',
      'dns-mismatch',
      'old-record-removal',
      'old-record-reminder',
    ])
      await n.publish(note(k, 'P2'));
    await n.publish(note('dns-overdue', 'P1'));
    await n.publish(note('removal-cancelled', 'P1'));
    await n.publish(note('rotation-completed', 'P2'));
    await n.publish(note('dns-request', 'P2', 'other.jp')); // no team: the P2 list as before
    expect(mail.sent.map((m) => m.subject)).toEqual([
      '[P2] dns-request',
      '[P2] dns-reminder-24h',
      '[P2] dns-reminder-6h',
      '[P2] dns-mismatch',
      '[P2] old-record-removal',
      '[P2] old-record-reminder',
      '[P1] dns-overdue',
      '[P1] removal-cancelled',
    ]);
    expect(mail.sent.every((m) => m.to.join() === 'dns@goo.ne.jp')).toBe(true);
    expect(topics.kinds()).toEqual(['dns-overdue', 'removal-cancelled', 'rotation-completed', 'dns-request']);
  });

  it('without a sender (no mailer) every notice stays on SNS', async () => {
    const topics = new Recorder();
    await new DnsTeamNotifier(topics, undefined, new Map([['goo.ne.jp', ['dns@goo.ne.jp']]])).publish(
      note('dns-request', 'P2'),
    );
    expect(topics.kinds()).toEqual(['dns-request']);
  });

  it('a rotation in manual mode mails its DNS request to the team (engine end to end, fake SES/DNS/KMS)', async () => {
    const w = world([{ domain: 'goo.ne.jp', rotationIntervalDays: 365, dnsTeam: ['dns@goo.ne.jp'] }]);
    w.ses.identities.set('goo.ne.jp', { origin: 'AWS_SES', status: 'SUCCESS' });
    const mail = new FakeMailer();
    w.ports = {
      ...w.ports,
      notifier: new DnsTeamNotifier(w.rec, mail, new Map([['goo.ne.jp', ['dns@goo.ne.jp']]])),
    };
    const { RotationEngine } = await import('../../../handlers/byodkim/core/engine.js');
    const { testConfig } = await import('./support.js');
    const engine = new RotationEngine({
      config: testConfig([{ domain: 'goo.ne.jp', rotationIntervalDays: 365, dnsTeam: ['dns@goo.ne.jp'] }]),
      ports: w.ports,
      functionName: 'f',
      orchestratorName: 'f',
    });
    await engine.tick();
    expect(mail.sent).toHaveLength(1);
    expect(mail.sent[0]!.body).toContain('._domainkey.goo.ne.jp');
    expect(w.rec.kinds()).toEqual(['rotation-started']);
  });

  it('SesMailer sends one UTF-8 text message from the sender to the team', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
    await new SesMailer('byodkim@goo.ne.jp').send(['a@x.jp', 'b@x.jp'], '件名', '本文');
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input).toEqual({
      FromEmailAddress: 'byodkim@goo.ne.jp',
      Destination: { ToAddresses: ['a@x.jp', 'b@x.jp'] },
      Content: {
        Simple: {
          Subject: { Data: '件名', Charset: 'UTF-8' },
          Body: { Text: { Data: '本文', Charset: 'UTF-8' } },
        },
      },
    });
  });

  it('the functions read the sender and the teams from their environment', () => {
    const c = loadConfig({
      ENVIRONMENT: 'production',
      DOMAINS_JSON: '[{"domain":"goo.ne.jp","dnsTeam":["dns@goo.ne.jp"],"rotationSpreadDays":30}]',
      DNS_REQUEST_SENDER: 'byodkim@goo.ne.jp',
    });
    expect(c.dnsSender).toBe('byodkim@goo.ne.jp');
    expect(c.domains[0]).toEqual({
      domain: 'goo.ne.jp',
      rotationIntervalDays: 365,
      rotationSpreadDays: 30,
      dnsTeam: ['dns@goo.ne.jp'],
    });
    expect(() =>
      loadConfig({ ENVIRONMENT: 'p', DOMAINS_JSON: '[{"domain":"goo.ne.jp","dnsTeam":["x"]}]' }),
    ).toThrow(/0\.dnsTeam: a list of 1-50 e-mail addresses/);
    expect(() =>
      loadConfig({ ENVIRONMENT: 'p', DOMAINS_JSON: '[{"domain":"goo.ne.jp","rotationSpreadDays":31}]' }),
    ).toThrow(/0\.rotationSpreadDays: whole days from 0 to 30/);
  });
});
