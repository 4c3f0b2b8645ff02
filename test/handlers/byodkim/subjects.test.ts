/** SNS rejects a Subject of 100 characters or more: every BYODKIM notice stays below, for any domain (#10). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DKIM_DOMAIN_MAX_LENGTH as DKIM_DOMAIN_MAX, SNS_SUBJECT_MAX } from '../../../contracts/limits.js';
import {
  type Ctx,
  functionFailed,
  notices,
  snsSubject,
} from '../../../handlers/byodkim/core/notifications.js';
import type { Notification } from '../../../handlers/byodkim/core/ports.js';
import type { KeyRecord } from '../../../handlers/byodkim/core/types.js';

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
/** Valid configured domains, up to the longest the configuration accepts. */
const domain = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 4 }), fc.stringMatching(/^[a-z]{2,6}$/))
  .map(([labels, tld]) => `${labels.join('.')}.${tld}`)
  .filter((d) => d.length <= DKIM_DOMAIN_MAX);
const environment = fc.stringMatching(/^[a-z][a-z0-9-]{0,28}[a-z0-9]$/);
const key: KeyRecord = {
  selector: 'ses20271201-999',
  privateKeyCiphertext: 'x',
  publicKey: 'QUJD',
  createdAt: '2027-12-01T00:00:00Z',
};

function allNotices(c: Ctx): Notification[] {
  const at = new Date('2027-12-01T00:00:00Z');
  return [
    notices.advanceNotice(c, at, true),
    notices.rotationStarted(c, 'schedule', false),
    notices.rotationStarted(c, 'onboarding', true),
    notices.dnsRequest(c, key, at, 168),
    notices.dnsPublishedAutomatically(c, key),
    notices.dnsReminder(c, key, at, 24),
    notices.dnsOverdue(c, key, at.toISOString(), 168),
    notices.dnsMismatch(c, key, ['AB...']),
    notices.verificationSucceeded(c, key),
    notices.removalRequest(c, key, at, at, false),
    notices.removalRequest(c, key, at, at, true),
    notices.oldRecordRemovedAutomatically(c, key),
    notices.rotationCompleted(c, key, at),
    notices.rolledBack(c, 'reason', 'restored', key, key),
    notices.currentRecordMissing(c, key),
    notices.removalCancelled(c, key),
    notices.rollbackCancelled(c, 'reason', key),
    notices.rollbackImpossible(c, 'reason'),
    notices.aborted(c, key, true),
    notices.keyGenerationFailed(c, 'error'),
    notices.stepFailed(c, 'AWAITING_VERIFICATION', 'error', 3),
  ];
}

describe('SNS subjects', () => {
  it('every notice subject is under 100 characters, single-line, and keeps severity and title (1000 runs)', () => {
    fc.assert(
      fc.property(domain, environment, (d, env) => {
        const c: Ctx = {
          environment: env,
          domain: d,
          functionName: `ses-migration-${env}-dkim-rotation-orchestrator`,
          orchestratorName: 'o',
        };
        for (const n of [
          ...allNotices(c),
          functionFailed(env, `ses-migration-${env}-validation-monitor`, 'E', 'm', 'o'),
        ]) {
          expect(n.subject.length, n.subject).toBeLessThanOrEqual(SNS_SUBJECT_MAX);
          expect(n.subject).not.toMatch(/[\r\n\t]/);
          expect(n.subject.startsWith(`[${n.severity}][${env}]`)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('snsSubject never splits a surrogate pair and never exceeds the limit', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => {
        const out = snsSubject(s);
        expect(out.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX);
        expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      }),
      { numRuns: 1000 },
    );
  });
});
