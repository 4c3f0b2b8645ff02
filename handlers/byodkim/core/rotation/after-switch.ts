/** Decisions of the stages after the SES switch (verification, rollback, old record removal). Pure. */
import { isRemoved } from '../dkim.js';
import { StateMismatchError } from '../errors.js';
import { notices } from '../notifications.js';
import { addDays, addHours, daysBetween, hoursBetween } from '../time.js';
import type { DomainState, KeyRecord } from '../types.js';
import { missing } from './before-switch.js';
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
} from './decision.js';

export function toRollingBack(s: DomainState, reason: string): Decision {
  return {
    kind: 'step',
    why: `rolling back: ${reason}`,
    after: () =>
      edit(s, (n) => {
        n.stage = 'ROLLING_BACK';
        n.rotationReason = reason;
        n.abortRequested = undefined;
        n.rollbackSwitchedAt = undefined;
      }),
  };
}

const retired = (s: DomainState, k: KeyRecord) => s.retired?.includes(k.selector) ?? false;

/**
 * Manual mode: once the removal request for the previous record was sent and its "remove from" time passed,
 * people may be removing it right now: no switch back to it (the cancel could arrive too late).
 */
export function removalDue(s: DomainState, o: Observation, e: DecideEnv): boolean {
  if (e.cfg.hostedZoneId || !s.sent.includes('old-removal') || s.sent.includes('removal-cancelled'))
    return false;
  return o.now >= addHours(s.switchedAt ?? o.now.toISOString(), e.t.oldRecordGraceHours);
}

export function decideAwaitingVerification(s: DomainState, o: Observation, e: DecideEnv): Decision {
  const key = s.current;
  if (!key) return missing(s, 'current');
  if (s.abortRequested) return toRollingBack(s, s.abortRequested);
  const switchedAt = s.switchedAt ?? o.now.toISOString();
  const hours = hoursBetween(switchedAt, o.now);
  const signing = signingSelector(o.ses);
  if (signing !== key.selector) {
    // SES is eventually consistent: right after the switch it may still report the old selector (defect 8).
    if (hours <= e.t.sesReadGraceHours) {
      return {
        kind: 'wait',
        why: `SES still reports ${signing ?? o.ses.origin}; switched ${hours.toFixed(2)} h ago`,
      };
    }
    return {
      kind: 'fail',
      error: new StateMismatchError(
        `SES reports selector(s) ${o.ses.selectors.join(',') || '(none)'} for ${s.domain}, expected ${key.selector}; someone changed the DKIM settings outside the rotation`,
      ),
    };
  }
  const found = dnsOf(o, key);
  if (found.kind !== 'MATCH') {
    // SES signs with a key whose record no longer resolves (removed by mistake): go back while possible.
    return toRollingBack(
      s,
      `新しいセレクター ${key.selector} のレコードが公開されていません（${found.kind}）`,
    );
  }
  if (o.ses.status === 'SUCCESS') {
    if (!s.sent.includes('verified')) {
      return notifyOnce(s, 'verified', notices.verificationSucceeded(e.notice, key), 'verified', (n) => {
        n.verifiedAt = o.now.toISOString();
      });
    }
    if (!s.previous) return complete(s, o, e);
    if (!e.cfg.hostedZoneId && !s.sent.includes('old-removal')) return removalNotice(s, s.previous, e, false);
    return {
      kind: 'step',
      why: 'verified; waiting for the old record to go',
      after: () => patch(s, { stage: 'AWAITING_OLD_REMOVAL' }),
    };
  }
  if (o.ses.status === 'FAILED') return toRollingBack(s, 'SES verification FAILED');
  if (hours >= e.t.verificationTimeoutHours) {
    return toRollingBack(s, `not SUCCESS after ${Math.floor(hours)} h (${o.ses.status})`);
  }
  return { kind: 'wait', why: `SES status ${o.ses.status}` };
}

function removalNotice(s: DomainState, old: KeyRecord, e: DecideEnv, reminder: boolean): Decision {
  const switchedAt = s.switchedAt ?? new Date(0).toISOString();
  const key = reminder ? 'old-removal-reminder' : 'old-removal';
  return notifyOnce(
    s,
    key,
    notices.removalRequest(
      e.notice,
      old,
      addHours(switchedAt, e.t.oldRecordGraceHours),
      addDays(switchedAt, e.t.oldRecordDeadlineDays),
      reminder,
    ),
    key,
  );
}

export function decideOldRemoval(s: DomainState, o: Observation, e: DecideEnv): Decision {
  const old = s.previous;
  const cur = s.current;
  if (!old) return missing(s, 'previous');
  if (!cur) return missing(s, 'current');
  const zone = e.cfg.hostedZoneId;
  if (dnsOf(o, cur).kind !== 'MATCH') {
    // The new record is gone while SES signs with it (defect 13): never "completed"; back to the old key
    // while it still resolves (and was not removed by us), else page.
    if (dnsOf(o, old).kind === 'MATCH' && !retired(s, old)) {
      return toRollingBack(s, `新しいセレクター ${cur.selector} のレコードが削除されました`);
    }
    if (!s.sent.includes('current-record-missing')) {
      return notifyOnce(
        s,
        'current-record-missing',
        notices.currentRecordMissing(e.notice, cur),
        'P1: current record missing',
      );
    }
    return { kind: 'wait', why: `${cur.selector} does not resolve` };
  }
  if (signingSelector(o.ses) !== cur.selector) {
    return {
      kind: 'fail',
      error: new StateMismatchError(
        `SES reports selector(s) ${o.ses.selectors.join(',') || '(none)'} for ${s.domain}, expected ${cur.selector}; someone changed the DKIM settings outside the rotation`,
      ),
    };
  }
  if (!zone && !s.sent.includes('old-removal')) return removalNotice(s, old, e, false); // defect 7
  const switchedAt = s.switchedAt ?? o.now.toISOString();
  if (zone) {
    if (o.now < addHours(switchedAt, e.t.oldRecordGraceHours)) {
      return { kind: 'wait', why: 'grace period for mail in flight' };
    }
    if (!s.deleted?.includes(old.selector)) {
      return deleteRecordStep(s, zone, old, '');
    }
    if (!s.sent.includes('old-removed')) {
      return notifyOnce(
        s,
        'old-removed',
        notices.oldRecordRemovedAutomatically(e.notice, old),
        'old-removed',
      );
    }
  }
  if (isRemoved(dnsOf(o, old))) return complete(s, o, e);
  if (
    !zone &&
    daysBetween(switchedAt, o.now) >= e.t.oldRecordReminderDays &&
    !s.sent.includes('old-removal-reminder')
  ) {
    return removalNotice(s, old, e, true);
  }
  return { kind: 'wait', why: `${old.selector} still resolves` };
}

/** Completion: the notice first (if SNS fails the rerun repeats it), then IDLE with the next due date. */
function complete(s: DomainState, o: Observation, e: DecideEnv): Decision {
  const key = s.current;
  if (!key) return missing(s, 'current');
  // The next scheduled date as the engine will decide it (on the domain's day of its spread window), so the
  // completion notice and the stored date tell the operators the date that really comes.
  const next = dueAt(
    {
      ...s,
      switchedAt: s.switchedAt ?? o.now.toISOString(),
      nextRotationKind: 'schedule',
      nextRotationAt: undefined,
    },
    e.cfg,
    { now: o.now, noticeDays: e.t.noticeDays },
  );
  if (!s.sent.includes('completed')) {
    return notifyOnce(s, 'completed', notices.rotationCompleted(e.notice, key, next), 'completed notice');
  }
  return {
    kind: 'step',
    why: 'rotation completed',
    after: () =>
      edit(s, (n) => {
        if (s.previous) n.oldRecordRemovedAt = o.now.toISOString();
        n.previous = undefined; // the old ciphertext is dropped only now
        n.stage = 'IDLE';
        n.lastRotationCompletedAt = o.now.toISOString();
        n.nextRotationAt = next.toISOString();
        n.nextRotationKind = 'schedule';
        n.completedRotations += 1;
      }),
    metrics: [metric('byodkimKeyRotation', 1, s.domain), metric('rotationFailed', 0, s.domain)],
  };
}

/**
 * Rollback, decided from what SES reports: `current` stays the failed key and `previous` the one to return
 * to until the very last step, so a rerun after any failure sees the same picture (defects 1 and 2).
 */
export function decideRollingBack(s: DomainState, o: Observation, e: DecideEnv): Decision {
  const failed = s.current;
  const prev = s.previous;
  const reason = s.rotationReason ?? 'verification failed';
  const zone = e.cfg.hostedZoneId;
  let restored: string;
  if (prev) {
    if (signingSelector(o.ses) !== prev.selector) {
      const lastCall = s.rollbackSwitchedAt
        ? hoursBetween(s.rollbackSwitchedAt, o.now)
        : Number.POSITIVE_INFINITY;
      if (lastCall <= e.t.sesReadGraceHours)
        return { kind: 'wait', why: 'SES does not report the previous selector yet' };
      if (dnsOf(o, prev).kind !== 'MATCH' || retired(s, prev) || removalDue(s, o, e)) {
        const why = `${reason}; the previous selector ${prev.selector} is no longer published`;
        // The new key works (published, SES SUCCESS): stay on it instead of declaring a failure.
        const works =
          failed !== undefined &&
          signingSelector(o.ses) === failed.selector &&
          o.ses.status === 'SUCCESS' &&
          dnsOf(o, failed).kind === 'MATCH';
        return works ? rollbackCancelled(s, e, why) : rollbackImpossible(s, o, e, why);
      }
      if (!zone && s.sent.includes('old-removal') && !s.sent.includes('removal-cancelled')) {
        // People were asked to remove the previous record: cancel that BEFORE SES signs with it again.
        return notifyOnce(
          s,
          'removal-cancelled',
          notices.removalCancelled(e.notice, prev),
          'old record removal cancelled before the switch back',
        );
      }
      return {
        kind: 'step',
        why: `SES back on ${prev.selector}`,
        effect: { kind: 'signWith', key: prev },
        after: () => patch(s, { rollbackSwitchedAt: o.now.toISOString() }),
      };
    }
    restored = `BYODKIM セレクター ${prev.selector}`;
  } else if (s.previousOrigin === 'AWS_SES') {
    if (!o.ses.origin.startsWith('AWS_SES')) {
      const lastCall = s.rollbackSwitchedAt
        ? hoursBetween(s.rollbackSwitchedAt, o.now)
        : Number.POSITIVE_INFINITY;
      if (lastCall <= e.t.sesReadGraceHours)
        return { kind: 'wait', why: 'SES does not report Easy DKIM yet' };
      return {
        kind: 'step',
        why: 'SES back on Easy DKIM',
        effect: { kind: 'easyDkim' },
        after: () => patch(s, { rollbackSwitchedAt: o.now.toISOString() }),
      };
    }
    restored = 'Easy DKIM（AWS SES管理の鍵）';
  } else {
    return rollbackImpossible(s, o, e, reason);
  }
  // SES confirmed on the restored key: only now may the failed key's record go.
  if (failed && zone && !s.deleted?.includes(failed.selector)) {
    return deleteRecordStep(s, zone, failed, "of the failed key's record ");
  }
  if (!s.sent.includes('rolled-back')) {
    const askRemoval = failed && !zone ? failed : undefined;
    const cancel = undefined; // sent before the switch back (removal-cancelled)
    return {
      kind: 'step',
      why: 'rotation-failed notice',
      before: askRemoval ? patch(s, { retired: addBounded(s.retired, askRemoval.selector) }) : undefined,
      effect: {
        kind: 'notify',
        notification: notices.rolledBack(e.notice, reason, restored, askRemoval, cancel),
      },
      after: () =>
        edit(s, (n) => {
          n.sent = [...n.sent, 'rolled-back'];
          if (askRemoval) n.retired = addBounded(n.retired, askRemoval.selector);
        }),
    };
  }
  return {
    kind: 'step',
    why: 'rolled back',
    after: () =>
      edit(s, (n) => {
        n.current = prev;
        n.rejected = failed;
        n.previous = undefined;
        n.stage = 'IDLE';
        n.rollbackSwitchedAt = undefined;
        n.lastRotationFailedAt = o.now.toISOString();
        n.nextRotationAt = addDays(o.now, e.t.retryAfterFailureDays).toISOString();
        n.nextRotationKind = 'retry';
      }),
    metrics: [metric('rotationFailed', 1, s.domain)],
  };
}

function rollbackImpossible(s: DomainState, o: Observation, e: DecideEnv, reason: string): Decision {
  if (!s.sent.includes('rollback-impossible')) {
    return notifyOnce(
      s,
      'rollback-impossible',
      notices.rollbackImpossible(e.notice, reason),
      'rollback impossible',
    );
  }
  return {
    kind: 'step',
    why: 'nothing to roll back to',
    after: () =>
      edit(s, (n) => {
        n.stage = 'FAILED';
        n.lastRotationFailedAt = o.now.toISOString();
      }),
    metrics: [metric('rotationFailed', 1, s.domain)],
  };
}

/** A rollback that cannot return to the previous key while the new one works: back to waiting for removal. */
function rollbackCancelled(s: DomainState, e: DecideEnv, reason: string): Decision {
  const key = s.current;
  if (!key) return missing(s, 'current');
  if (!s.sent.includes('rollback-cancelled')) {
    return notifyOnce(
      s,
      'rollback-cancelled',
      notices.rollbackCancelled(e.notice, reason, key),
      'rollback cancelled',
    );
  }
  return {
    kind: 'step',
    why: `rollback cancelled: ${reason}`,
    after: () =>
      edit(s, (n) => {
        n.stage = 'AWAITING_OLD_REMOVAL';
        n.verifiedAt ??= n.switchedAt;
        n.rollbackSwitchedAt = undefined;
        n.sent = n.sent.filter((k) => k !== 'rollback-cancelled');
      }),
  };
}
