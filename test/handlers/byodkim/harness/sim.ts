/**
 * Failure-injection harness for the BYODKIM rotation (issue #17). A simulated world (SES, the authoritative DNS
 * zone, KMS, DynamoDB, SNS) in which every port call goes through an injector that can, at one chosen call,
 * throw before the call takes effect, throw after it took effect (the response lost), time out after the
 * effect, throttle, or kill the process after the effect (no catch or finally of the engine performs anything
 * after that: every later call of that run fails too, and the domain lock is left behind).
 *
 * People are simulated from what they are told: the DNS team publishes the record of a `dns-request` notice
 * and removes every record a notice asks to remove (not before the time the notice names; a notice that
 * cancels a removal cancels it). The invariants are checked after every call:
 *   I1  SES signs only with a key whose public half the zone publishes at SES's selector;
 *   I2  no record of the key SES signs with is deleted (Route 53) or announced for removal;
 * and at the end of each run:
 *   I3  no plaintext private key in any stored state, notice, metric or log line;
 *   I4  the rotation converged (IDLE, SES on the state's current key) or rolled back, within the deadlines.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { Timings } from '../../../../handlers/byodkim/core/config.js';
import { DEFAULT_TIMINGS } from '../../../../handlers/byodkim/core/config.js';
import { compareTxt } from '../../../../handlers/byodkim/core/dkim.js';
import { RotationEngine } from '../../../../handlers/byodkim/core/engine.js';
import type { Notification, Ports } from '../../../../handlers/byodkim/core/ports.js';
import { InMemoryStateStore } from '../../../../handlers/byodkim/core/state-store.js';
import type { DomainState, Stage } from '../../../../handlers/byodkim/core/types.js';
import {
  assertNoPlaintext,
  FakeClock,
  FakeDns,
  FakeSes,
  FakeVault,
  Recorder,
  signingWithA,
  testConfig,
  type World,
} from '../support.js';

export const DOMAIN = 'goo.ne.jp';
export const ZONE = 'Z0123456789ABC';

export const FAILURE_KINDS = ['before', 'after', 'timeout', 'throttle', 'kill'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];
export type Mode = 'manual' | 'route53';

export interface Path {
  readonly name: string;
  /** What SES reports after a switch to a new key. */
  readonly sesAfterSwitch: 'SUCCESS' | 'FAILED' | 'PENDING';
  /** An operator action, taken as soon as the stored stage is `at`. */
  readonly op?: { readonly action: 'abort' | 'rollback'; readonly at: Stage };
}

export const PATHS: readonly Path[] = [
  { name: 'success', sesAfterSwitch: 'SUCCESS' },
  { name: 'rollback (SES FAILED)', sesAfterSwitch: 'FAILED' },
  ...(
    ['KEY_REQUESTED', 'KEY_GENERATED', 'AWAITING_DNS', 'DNS_PUBLISHED', 'AWAITING_VERIFICATION'] as const
  ).map((at): Path => ({ name: `abort at ${at}`, sesAfterSwitch: 'PENDING', op: { action: 'abort', at } })),
  {
    name: 'operator rollback at AWAITING_VERIFICATION',
    sesAfterSwitch: 'PENDING',
    op: { action: 'rollback', at: 'AWAITING_VERIFICATION' },
  },
  {
    name: 'operator rollback at AWAITING_OLD_REMOVAL',
    sesAfterSwitch: 'SUCCESS',
    op: { action: 'rollback', at: 'AWAITING_OLD_REMOVAL' },
  },
];

/** Short deadlines keep a run to hours of simulated time; the logic is the same as with the defaults. */
export const HARNESS_TIMINGS: Timings = {
  ...DEFAULT_TIMINGS,
  dnsDeadlineHours: 12,
  dnsRemindersBeforeDeadlineHours: [6, 2],
  verificationTimeoutHours: 8,
  oldRecordGraceHours: 3,
  oldRecordReminderDays: 1,
  oldRecordDeadlineDays: 2,
};

/** A run must have converged or rolled back by then (hours after the rotation became due). */
export const DEADLINE_HOURS = HARNESS_TIMINGS.oldRecordDeadlineDays * 24;

const KILLED = 'ProcessKilled';

class Killed extends Error {
  override name = KILLED;
}

const errorOf = (kind: FailureKind, label: string): Error => {
  switch (kind) {
    case 'before':
      return Object.assign(new Error(`injected failure before ${label}`), { name: 'InjectedError' });
    case 'after':
      return Object.assign(new Error(`injected: ${label} took effect, response lost`), {
        name: 'InjectedResponseLost',
      });
    case 'timeout':
      return Object.assign(new Error(`injected timeout after ${label}`), { name: 'TimeoutError' });
    case 'throttle':
      return Object.assign(new Error(`injected throttle of ${label}`), { name: 'ThrottlingException' });
    case 'kill':
      return new Killed(`process killed after ${label}`);
  }
};

/** Counts the port calls; at call `at` applies `kind`. */
export class Injector {
  count = 0;
  killed = false;
  readonly labels: string[] = [];
  constructor(
    public at = 0,
    public kind: FailureKind = 'before',
    private readonly afterCall: () => void = () => undefined,
  ) {}

  async call<T>(label: string, perform: () => Promise<T>, pre?: () => void): Promise<T> {
    if (this.killed) throw new Killed('process is dead');
    const n = ++this.count;
    this.labels.push(label);
    const hit = n === this.at;
    if (hit && (this.kind === 'before' || this.kind === 'throttle')) throw errorOf(this.kind, label);
    pre?.();
    try {
      return await perform();
    } finally {
      this.afterCall();
      if (hit) {
        if (this.kind === 'kill') this.killed = true;
        // biome-ignore lint/correctness/noUnsafeFinally: the injected failure replaces the call's answer
        throw errorOf(this.kind, label);
      }
    }
  }
}

const spkiCache = new Map<string, string>();
function spkiOf(privateKeyB64: string): string {
  let v = spkiCache.get(privateKeyB64);
  if (!v) {
    const priv = createPrivateKey({
      key: Buffer.from(privateKeyB64, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    v = createPublicKey(priv).export({ type: 'spki', format: 'der' }).toString('base64');
    spkiCache.set(privateKeyB64, v);
  }
  return v;
}

/** Selectors a notice asks to remove, and selectors whose removal it cancels. */
export function removalsIn(n: Notification): { remove: string[]; cancel: string[]; notBefore?: Date } {
  const remove: string[] = [];
  const cancel: string[] = [];
  let notBefore: Date | undefined;
  for (const line of n.body.split('\n')) {
    const m = line.match(/([A-Za-z0-9-]+)\._domainkey\./);
    const t = line.match(/削除してよい時刻: (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}) JST/);
    if (t) notBefore = new Date(Date.UTC(+t[1]!, +t[2]! - 1, +t[3]!, +t[4]! - 9, +t[5]!));
    if (!m) continue;
    if (/取消|削除しないで/.test(line)) cancel.push(m[1]!);
    else if (/削除/.test(line) && !/削除しました/.test(line)) remove.push(m[1]!);
  }
  return { remove, cancel, notBefore };
}

export interface RunResult {
  readonly calls: number;
  readonly labels: readonly string[];
  readonly violations: readonly string[];
  readonly final: DomainState;
  readonly convergedAfterHours: number | undefined;
  readonly opDone: boolean;
  readonly sesSelector: string | undefined;
  readonly aSelector: string;
}

export class Sim {
  readonly clock = new FakeClock();
  readonly store = new InMemoryStateStore();
  readonly vault = new FakeVault();
  readonly ses = new FakeSes();
  readonly zone = new FakeDns();
  readonly rec = new Recorder();
  readonly violations: string[] = [];
  readonly written: string[] = [];
  readonly inj: Injector;
  readonly ports: Ports;
  private seenNotices = 0;
  private readonly removals = new Map<string, number>();
  private readonly publications = new Map<string, { strings: string[]; at: number }>();
  opDone = false;
  private opAttempted = false;
  private opPending: boolean;
  aSelector = 'ses20261201';

  constructor(
    readonly mode: Mode,
    readonly path: Path,
    at = 0,
    kind: FailureKind = 'before',
  ) {
    this.inj = new Injector(at, kind, () => this.checkSigning('after a call'));
    this.opPending = path.op !== undefined;
    const w = <T extends object, K extends keyof T & string>(
      service: string,
      obj: T,
      methods: readonly K[],
      pre?: (m: K, args: unknown[]) => void,
    ): Pick<T, K> => {
      const out = {} as Record<string, unknown>;
      for (const m of methods) {
        const f = (obj[m] as (...a: unknown[]) => Promise<unknown>).bind(obj);
        out[m] = (...args: unknown[]) =>
          this.inj.call(
            `${service}.${m}`,
            () => f(...args),
            () => pre?.(m, args),
          );
      }
      return out as Pick<T, K>;
    };
    const store = w('dynamodb', this.store, ['get', 'put', 'acquireLock', 'releaseLock'] as const);
    const put = store.put;
    store.put = async (s: DomainState) => {
      const r = await put(s);
      this.written.push(JSON.stringify(s));
      return r;
    };
    this.ports = {
      store: store as Ports['store'],
      vault: w('kms', this.vault, ['generateKeyPair', 'decryptPrivateKey', 'keyState'] as const),
      ses: w('sesv2', this.ses, ['getDkim', 'putExternal', 'putEasyDkim'] as const),
      dns: w('dns', this.zone, ['resolveTxt'] as const),
      dnsPublisher: w('route53', this.zone, ['upsertTxt', 'deleteTxt'] as const, (m, args) => {
        if (m === 'deleteTxt') this.checkNotSigning(String(args[1]).split('.')[0]!, 'Route 53 DELETE');
      }),
      notifier: w('sns', this.rec, ['publish'] as const, (_m, args) => {
        const n = args[0] as Notification;
        for (const sel of removalsIn(n).remove) this.checkNotSigning(sel, `notice ${n.kind} asks to remove`);
      }),
      metrics: this.rec,
      clock: this.clock,
      log: this.rec,
    };
  }

  private signing(): string | undefined {
    const i = this.ses.identities.get(DOMAIN);
    return i?.origin === 'EXTERNAL' ? i.selector : undefined;
  }

  private checkNotSigning(selector: string, what: string) {
    if (selector === this.signing())
      this.violations.push(`I2: ${what} ${selector}, the selector SES signs with`);
  }

  /** I1: whatever SES signs with is published with exactly its public key. */
  checkSigning(when: string) {
    const i = this.ses.identities.get(DOMAIN);
    if (i?.origin !== 'EXTERNAL' || !i.selector || !i.privateKey) return;
    const answer = this.zone.records.get(`${i.selector}._domainkey.${DOMAIN}`) ?? [];
    if (compareTxt(answer, spkiOf(i.privateKey)).kind !== 'MATCH') {
      const v = `I1: SES signs with ${i.selector}, not published with its key (${when}, call ${this.inj.count})`;
      if (this.violations.at(-1) !== v) this.violations.push(v);
    }
  }

  engine() {
    return new RotationEngine({
      config: testConfig([
        {
          domain: DOMAIN,
          rotationIntervalDays: 365,
          ...(this.mode === 'route53' ? { hostedZoneId: ZONE } : {}),
        },
      ]),
      ports: this.ports,
      functionName: 'ses-migration-development-dkim-rotation-orchestrator',
      orchestratorName: 'ses-migration-development-dkim-rotation-orchestrator',
      timings: HARNESS_TIMINGS,
    });
  }

  async setup() {
    const a = await signingWithA(
      { store: this.store, vault: this.vault, ses: this.ses, dns: this.zone } as unknown as World,
      DOMAIN,
    );
    // SES holds A's real key, so I1 checks A like any other key.
    this.ses.identities.set(DOMAIN, {
      origin: 'EXTERNAL',
      selector: a.selector,
      privateKey: a.privateKey,
      status: 'SUCCESS',
    });
    this.aSelector = a.selector;
  }

  /** One hour of the people and of SES, from the notices sent so far. */
  private environment() {
    const now = this.clock.now().getTime();
    for (const n of this.rec.notifications.slice(this.seenNotices)) {
      if (this.mode === 'manual' && n.kind === 'dns-request') {
        const name = n.body.match(/レコード名: (\S+)/)?.[1];
        const part = n.body.split('ゾーンファイル形式')[0] ?? '';
        const strings = [...part.matchAll(/^ {4}"(.*)"$/gm)].map((m) => m[1]!);
        if (name) this.publications.set(name, { strings, at: now + 3_600_000 });
      }
      const r = removalsIn(n);
      for (const s of r.cancel) this.removals.delete(s);
      if (this.mode === 'manual') {
        for (const s of r.remove)
          this.removals.set(s, Math.max(r.notBefore?.getTime() ?? 0, now + 3_600_000));
      }
    }
    this.seenNotices = this.rec.notifications.length;
    for (const [name, p] of this.publications) {
      if (p.at <= now) {
        this.zone.publish(name, p.strings);
        this.publications.delete(name);
      }
    }
    for (const [sel, at] of this.removals) {
      if (at <= now) {
        this.zone.records.delete(`${sel}._domainkey.${DOMAIN}`);
        this.removals.delete(sel);
      }
    }
    const i = this.ses.identities.get(DOMAIN);
    if (i && i.status === 'PENDING' && i.selector !== this.aSelector) i.status = this.path.sesAfterSwitch;
    if (i && i.status === 'PENDING' && i.selector === this.aSelector) i.status = 'SUCCESS';
    this.checkSigning('after the people acted');
  }

  private async act() {
    const e = this.engine();
    const op = this.path.op;
    const stage = this.store.states.get(DOMAIN)?.stage ?? 'IDLE';
    if (op && this.opPending && this.opAttempted && stage === 'IDLE') {
      // The operator's call answered with an error, but the status shows it took effect.
      // The rotation is over: rolled back, or the rollback was refused or cancelled (old record already gone).
      this.opPending = false;
      this.opDone = this.signing() === this.aSelector;
    }
    try {
      if (op && this.opPending && stage === op.at) {
        this.opAttempted = true;
        const out = op.action === 'abort' ? await e.abort(DOMAIN) : await e.rollback(DOMAIN);
        if (out.outcome === 'aborted' || out.outcome === 'rolled-back') {
          this.opPending = false;
          this.opDone = true;
        }
      } else if (op && this.opPending) {
        await e.advance(DOMAIN, { stopAfter: new Set([op.at]) });
      } else {
        await e.tick();
      }
    } catch (err) {
      const name = (err as Error).name;
      // The operator gives up when the action is refused for good (the stage moved on, nothing to return to).
      if (name === 'InvalidStageError' || name === 'RollbackNotPossibleError') this.opPending = false;
    }
  }

  /** Runs the world hour by hour until the rotation is over (or DEADLINE_HOURS + a day passed). */
  async run(): Promise<RunResult> {
    await this.setup();
    let converged: number | undefined;
    for (let h = 0; h <= DEADLINE_HOURS + 24; h++) {
      this.environment();
      await this.act();
      this.inj.killed = false; // a new process for the next invocation
      const s = this.store.states.get(DOMAIN);
      const quiet = this.publications.size === 0 && this.removals.size === 0 && !this.opPending;
      if (s?.stage === 'IDLE' && s.rotationStartedAt && quiet) {
        if (converged === undefined) converged = h;
        else if (h >= converged + 1) break; // one more run after convergence: it must stay converged
      } else {
        converged = undefined;
      }
      this.clock.advanceHours(1);
    }
    const final = this.store.states.get(DOMAIN)!;
    try {
      assertNoPlaintext(
        [
          ...this.written,
          JSON.stringify(this.rec.notifications),
          JSON.stringify(this.rec.points),
          ...this.rec.logs,
        ].join('\n'),
        this.vault.plaintexts,
      );
    } catch (err) {
      this.violations.push(`I3: ${(err as Error).message}`);
    }
    return {
      calls: this.inj.count,
      labels: this.inj.labels,
      violations: this.violations,
      final,
      convergedAfterHours: converged,
      opDone: this.opDone,
      sesSelector: this.signing(),
      aSelector: this.aSelector,
    };
  }
}

/** I4 and the end state: what must hold after any single failure on any path. */
export function endProblems(path: Path, r: RunResult): string[] {
  const p: string[] = [];
  const s = r.final;
  if (r.convergedAfterHours === undefined)
    p.push(`I4: not converged (stage ${s.stage}) within ${DEADLINE_HOURS} h`);
  else if (r.convergedAfterHours > DEADLINE_HOURS)
    p.push(`I4: converged only after ${r.convergedAfterHours} h`);
  if (s.stage !== 'IDLE') p.push(`end stage ${s.stage}`);
  if (s.pending || s.previous) p.push('pending or previous key left in the state');
  if (r.sesSelector !== s.current?.selector)
    p.push(`SES signs with ${r.sesSelector}, state says ${s.current?.selector}`);
  const onA = r.sesSelector === r.aSelector;
  if (r.opDone && !onA) p.push(`operator ${path.op?.action} done but SES signs with ${r.sesSelector}`);
  if (!onA && s.completedRotations !== 1)
    p.push(`SES on a new key but ${s.completedRotations} completed rotations`);
  if (onA && s.completedRotations !== 0) p.push('back on A after a completed rotation');
  if (path.name === 'success' && !onA) {
    // fine: the rotation completed
  } else if (path.name === 'success') p.push('success path ended on the old key');
  if (path.sesAfterSwitch === 'FAILED' && !onA) p.push('SES FAILED but not rolled back');
  return [...r.violations, ...p];
}

export interface PathStats {
  readonly mode: Mode;
  readonly path: string;
  /** Port calls of the clean run: the injection points. */
  readonly points: number;
  /** Injected runs (points tried × failure kinds). */
  readonly runs: number;
  readonly problems: readonly string[];
  /** Latest convergence over the runs (hours after the rotation was due). */
  readonly maxHours: number;
}

/**
 * Runs every path of both modes: the clean run, then one run per (injection point, failure kind). `stride` 1
 * tries every point with every kind; a larger stride tries every stride-th point, shifted per kind so the
 * kinds together still cover different points.
 */
export async function runHarness(stride = 1): Promise<PathStats[]> {
  const out: PathStats[] = [];
  for (const mode of ['manual', 'route53'] as const) {
    for (const path of PATHS) {
      const clean = await new Sim(mode, path).run();
      const problems = endProblems(path, clean).map((p) => `clean run: ${p}`);
      if (path.op && !clean.opDone) problems.push('clean run: the operator action did not happen');
      let runs = 0;
      let maxHours = clean.convergedAfterHours ?? Number.POSITIVE_INFINITY;
      for (const [k, kind] of FAILURE_KINDS.entries()) {
        for (let at = 1 + (k % stride); at <= clean.calls; at += stride) {
          const r = await new Sim(mode, path, at, kind).run();
          runs++;
          maxHours = Math.max(maxHours, r.convergedAfterHours ?? Number.POSITIVE_INFINITY);
          for (const p of endProblems(path, r))
            problems.push(`${kind} at call ${at} (${clean.labels[at - 1]}): ${p}`);
        }
      }
      out.push({ mode, path: path.name, points: clean.calls, runs, problems, maxHours });
    }
  }
  return out;
}
