/**
 * Per-domain DNS team (issue #14 item 5, seed 6.5.2 "DNS管理部門との連携"): the notices that ask the DNS team
 * to act (add the new record, remove the old one, fix a wrong value, do NOT remove after all) go by mail to
 * the domain's `dnsTeam` (environment file `ses.domains[].dnsTeam`) instead of the P2/P3 list. Notices that
 * page (P1: the DNS deadline passed, a removal cancelled) go to the team AND to the P1 list: someone on call
 * must still escalate. A domain without a dnsTeam keeps today's behaviour: every notice on its SNS topic.
 *
 * A mail that fails fails the notice's step like an SNS failure: recorded, retried by the next tick.
 */
import type { Notification, Notifier } from './ports.js';

/** Kinds addressed to the people who change DNS (manual mode; Route 53 mode never asks them). */
export const DNS_TEAM_KINDS: ReadonlySet<string> = new Set([
  'dns-request',
  'dns-reminder-24h',
  'dns-reminder-6h',
  'dns-overdue',
  'dns-mismatch',
  'old-record-removal',
  'old-record-reminder',
  'removal-cancelled',
]);

export interface Mailer {
  /** One message from the configured sender to these recipients (all in To: they are one team). */
  send(to: readonly string[], subject: string, body: string): Promise<void>;
}

/** True when the kind is a DNS-team kind (the reminders carry their hours in the kind). */
export function isDnsTeamKind(kind: string): boolean {
  return DNS_TEAM_KINDS.has(kind) || /^dns-reminder-\d+h$/.test(kind);
}

export class DnsTeamNotifier implements Notifier {
  constructor(
    private readonly topics: Notifier,
    private readonly mailer: Mailer | undefined,
    private readonly teams: ReadonlyMap<string, readonly string[]>,
  ) {}

  async publish(n: Notification): Promise<void> {
    const team = n.domain ? this.teams.get(n.domain) : undefined;
    if (!team?.length || !this.mailer || !isDnsTeamKind(n.kind)) return this.topics.publish(n);
    await this.mailer.send(team, n.subject, n.body);
    if (n.severity === 'P1') await this.topics.publish(n);
  }
}
