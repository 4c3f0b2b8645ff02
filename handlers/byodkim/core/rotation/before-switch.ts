/** Decisions of the stages before the SES switch (IDLE .. DNS_PUBLISHED) and of an abort in them. Pure. */
import { dkimTxtRecord, newSelector } from '../dkim.js';
import { StateMismatchError } from '../errors.js';
import { notices } from '../notifications.js';
import { addDays, addHours, hoursBetween } from '../time.js';
import type { DomainState } from '../types.js';
import {
  addBounded,
  type DecideEnv,
  type Decision,
  deleteRecordStep,
  dnsOf,
  dueAt,
  edit,
  metric,
  notifyOnce,
  type Observation,
  patch,
  signingSelector,
  switched,
} from './decision.js';

/** A new rotation (schedule, operator or onboarding): every per-rotation field reset, history kept. */
export function started(s: DomainState, now: Date, reason: string): DomainState {
  return edit(s, (n) => {
    const at = now.toISOString();
    n.stage = 'KEY_REQUESTED';
    n.rotationId = at;
    n.rotationReason = reason;
    n.rotationStartedAt = at;
    n.sent = [];
    n.attempts = {};
    n.lastError = undefined;
    n.pending = undefined;
    n.dnsRequestedAt = undefined;
    n.dnsObservedAt = undefined;
    n.switchedAt = undefined;
    n.verifiedAt = undefined;
    n.oldRecordRemovedAt = undefined;
    n.previousOrigin = undefined;
    n.abortRequested = undefined;
    n.rollbackSwitchedAt = undefined;
    // `rejected`, `usedSelectors`, `retired` stay: the next selector must differ from all of them (defect 4).
  });
}

export function decideIdle(s: DomainState, o: Observation, e: DecideEnv): Decision {
  const due = dueAt(s, e.cfg, { now: o.now, noticeDays: e.t.noticeDays });
  if (s.current && o.now >= addDays(due, -e.t.noticeDays) && s.noticeSentFor !== due.toISOString()) {
    return {
      kind: 'step',
      why: '30-day notice',
      effect: { kind: 'notify', notification: notices.advanceNotice(e.notice, due, !e.cfg.hostedZoneId) },
      after: () => patch(s, { noticeSentFor: due.toISOString() }),
    };
  }
  if (o.now < due) return { kind: 'wait', why: `next rotation ${due.toISOString()}` };
  return {
    kind: 'step',
    why: 'rotation due',
    after: () => started(s, o.now, s.current ? 'schedule' : 'onboarding'),
  };
}

export function decideKeyRequested(s: DomainState, o: Observation, e: DecideEnv): Decision {
  if (s.abortRequested) return decideAbort(s, o, e);
  if (s.previousOrigin === undefined) {
    if (!o.ses.exists) {
      return {
        kind: 'fail',
        error: new StateMismatchError(
          `SES identity ${s.domain} does not exist: create it (SES stack) before the BYODKIM rotation can give it a key`,
        ),
      };
    }
    const origin = s.current
      ? 'MANAGED'
      : o.ses.origin.startsWith('AWS_SES')
        ? 'AWS_SES'
        : o.ses.origin === 'EXTERNAL'
          ? 'EXTERNAL_UNKNOWN'
          : 'NONE';
    return {
      kind: 'step',
      why: `previous origin ${origin}`,
      after: () => patch(s, { previousOrigin: origin }),
    };
  }
  if (!s.sent.includes('started')) {
    return notifyOnce(
      s,
      'started',
      notices.rotationStarted(e.notice, s.rotationReason ?? 'schedule', !s.current),
      'rotation-started notice',
    );
  }
  const selector = newSelector(o.now, [
    s.current?.selector,
    s.previous?.selector,
    s.rejected?.selector,
    signingSelector(o.ses),
    ...(s.usedSelectors ?? []),
    ...(s.retired ?? []),
  ]);
  return {
    kind: 'step',
    why: `key generated for ${selector}`,
    effect: { kind: 'generateKey', selector },
    after: (key) =>
      edit(s, (n) => {
        n.pending = key;
        n.usedSelectors = addBounded(n.usedSelectors, selector);
        n.stage = 'KEY_GENERATED';
      }),
    metrics: [metric('byodkimKeyGenerationStatus', 1, s.domain)],
  };
}

export function decideKeyGenerated(s: DomainState, o: Observation, e: DecideEnv): Decision {
  if (s.abortRequested) return decideAbort(s, o, e);
  const key = s.pending;
  if (!key) return missing(s, 'pending');
  const zone = e.cfg.hostedZoneId;
  const record = dkimTxtRecord(key.selector, s.domain, key.publicKey);
  if (zone && !s.dnsRequestedAt) {
    return {
      kind: 'step',
      why: `Route 53 UPSERT ${record.name}`,
      before: patch(s, { upserted: addBounded(s.upserted, key.selector) }),
      effect: { kind: 'upsertTxt', zone, record, selector: key.selector },
      after: () =>
        edit(s, (n) => {
          n.upserted = addBounded(n.upserted, key.selector);
          n.dnsRequestedAt = o.now.toISOString();
        }),
    };
  }
  if (!s.sent.includes('dns-request')) {
    return notifyOnce(
      s,
      'dns-request',
      zone
        ? notices.dnsPublishedAutomatically(e.notice, key)
        : notices.dnsRequest(e.notice, key, o.now, e.t.dnsDeadlineHours),
      'DNS request notice',
      (n) => {
        n.dnsRequestedAt ??= o.now.toISOString();
      },
    );
  }
  return {
    kind: 'step',
    why: 'waiting for DNS',
    after: () => patch(s, { stage: 'AWAITING_DNS' }),
  };
}

export function decideAwaitingDns(s: DomainState, o: Observation, e: DecideEnv): Decision {
  if (s.abortRequested) return decideAbort(s, o, e);
  const key = s.pending;
  if (!key) return missing(s, 'pending');
  const found = dnsOf(o, key);
  const metrics = [metric('dnsPendingRecordMismatch', found.kind === 'MISMATCH' ? 1 : 0, s.domain)];
  if (found.kind === 'MATCH') {
    return {
      kind: 'step',
      why: `${key.selector} resolves with the new key`,
      after: () =>
        edit(s, (n) => {
          n.dnsObservedAt = o.now.toISOString();
          n.stage = 'DNS_PUBLISHED';
        }),
      metrics,
    };
  }
  if (found.kind === 'MISMATCH' && !s.sent.includes('dns-mismatch')) {
    return {
      ...notifyOnce(s, 'dns-mismatch', notices.dnsMismatch(e.notice, key, found.published), 'DNS mismatch'),
      metrics,
    } as Decision;
  }
  if (!e.cfg.hostedZoneId) {
    const requestedAt = s.dnsRequestedAt ?? o.now.toISOString();
    const age = hoursBetween(requestedAt, o.now);
    const deadline = addHours(requestedAt, e.t.dnsDeadlineHours);
    for (const before of e.t.dnsRemindersBeforeDeadlineHours) {
      const k = `dns-reminder-${before}h`;
      if (age >= e.t.dnsDeadlineHours - before && age < e.t.dnsDeadlineHours && !s.sent.includes(k)) {
        return notifyOnce(s, k, notices.dnsReminder(e.notice, key, deadline, before), k);
      }
    }
    if (age >= e.t.dnsDeadlineHours && !s.sent.includes('dns-overdue')) {
      return notifyOnce(
        s,
        'dns-overdue',
        notices.dnsOverdue(e.notice, key, requestedAt, e.t.dnsDeadlineHours),
        'DNS overdue',
      );
    }
  }
  return { kind: 'wait', why: `waiting for ${key.selector} (${found.kind})`, metrics };
}

export function decideDnsPublished(s: DomainState, o: Observation, e: DecideEnv): Decision {
  if (s.abortRequested) return decideAbort(s, o, e);
  const key = s.pending;
  if (!key) return missing(s, 'pending');
  // Re-checked right before switching: a rerun may come much later than the observation.
  if (dnsOf(o, key).kind !== 'MATCH') {
    return {
      kind: 'step',
      why: 'new record no longer resolves with the new key; waiting for DNS again',
      after: () => patch(s, { stage: 'AWAITING_DNS' }),
    };
  }
  return {
    kind: 'step',
    why: `SES switched to ${key.selector}`,
    effect: { kind: 'signWith', key },
    after: () => switched(s, o.now.toISOString()),
  };
}

/**
 * Abort before the switch (the reconciliation already turned a state whose switch happened into the
 * switched one, which rolls back instead). Steps: Route 53 DELETE of the pending record if it may have been
 * UPSERTed, the notice, then IDLE. SES is never touched: it still signs with the current key.
 */
export function decideAbort(s: DomainState, o: Observation, e: DecideEnv): Decision {
  const pending = s.pending;
  const zone = e.cfg.hostedZoneId;
  if (pending && signingSelector(o.ses) === pending.selector) {
    return {
      kind: 'fail',
      error: new StateMismatchError(`SES signs with the pending selector ${pending.selector}`),
    };
  }
  if (pending && zone && s.upserted?.includes(pending.selector) && !s.deleted?.includes(pending.selector)) {
    return deleteRecordStep(s, zone, pending, "of the aborted key's record ");
  }
  const dnsRequested = s.dnsRequestedAt !== undefined || s.sent.includes('dns-request');
  if (!s.sent.includes('aborted')) {
    return {
      kind: 'step',
      why: 'abort notice',
      before:
        pending && !zone && dnsRequested
          ? patch(s, { retired: addBounded(s.retired, pending.selector) })
          : undefined,
      effect: { kind: 'notify', notification: notices.aborted(e.notice, pending, dnsRequested && !zone) },
      after: () =>
        edit(s, (n) => {
          n.sent = [...n.sent, 'aborted'];
          if (pending && !zone && dnsRequested) n.retired = addBounded(n.retired, pending.selector);
        }),
    };
  }
  return {
    kind: 'step',
    why: `aborted (${s.abortRequested})`,
    after: () =>
      edit(s, (n) => {
        if (pending) n.rejected = pending;
        n.pending = undefined;
        n.abortRequested = undefined;
        n.stage = 'IDLE';
        n.nextRotationAt = addDays(o.now, e.t.retryAfterFailureDays).toISOString();
        n.nextRotationKind = 'retry';
      }),
  };
}

export function missing(s: DomainState, what: string): Decision {
  return {
    kind: 'fail',
    error: new StateMismatchError(
      `stage ${s.stage} of ${s.domain} needs a ${what} key, but the state has none`,
    ),
  };
}
