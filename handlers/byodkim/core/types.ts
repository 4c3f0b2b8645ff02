/** Rotation state of one domain, as persisted. Never holds a plaintext private key. */

/** Stages of the per-domain rotation state machine (see docs/byodkim.md). */
export const STAGES = [
  'IDLE',
  'KEY_REQUESTED',
  'KEY_GENERATED',
  'AWAITING_DNS',
  'DNS_PUBLISHED',
  'AWAITING_VERIFICATION',
  'ROLLING_BACK',
  'AWAITING_OLD_REMOVAL',
  'FAILED',
] as const;
export type Stage = (typeof STAGES)[number];

/** One BYODKIM key: selector, KMS ciphertext of the PKCS#8 private key, base64 DER SubjectPublicKeyInfo. */
export interface KeyRecord {
  readonly selector: string;
  /** base64 of KMS PrivateKeyCiphertextBlob (encryption context: purpose, domain, selector). */
  readonly privateKeyCiphertext: string;
  /** base64 DER SubjectPublicKeyInfo, exactly what goes after `p=` in the TXT record. */
  readonly publicKey: string;
  readonly createdAt: string;
}

/** What SES signed with before the first switch of a rotation: used to roll back an onboarding. */
export type PreviousOrigin = 'AWS_SES' | 'EXTERNAL_UNKNOWN' | 'NONE' | 'MANAGED';

export interface LastError {
  readonly stage: Stage;
  readonly name: string;
  readonly message: string;
  readonly at: string;
}

export interface DomainState {
  readonly domain: string;
  /** Optimistic-concurrency version; 0 = never stored. */
  version: number;
  stage: Stage;
  /** The key SES signs with (after a switch: the new key, even before SUCCESS). */
  current?: KeyRecord;
  /** The new key while it waits for DNS. */
  pending?: KeyRecord;
  /** The key before the switch, kept (encrypted) until the rotation is done, for rollback. */
  previous?: KeyRecord;
  /** The key of a rolled back or aborted rotation whose TXT record should be removed. */
  rejected?: KeyRecord;
  previousOrigin?: PreviousOrigin;
  rotationId?: string;
  rotationReason?: string;
  rotationStartedAt?: string;
  dnsRequestedAt?: string;
  dnsObservedAt?: string;
  switchedAt?: string;
  verifiedAt?: string;
  oldRecordRemovedAt?: string;
  lastRotationCompletedAt?: string;
  lastRotationFailedAt?: string;
  nextRotationAt?: string;
  /** Due date (ISO) for which the 30-day notice was sent. */
  noticeSentFor?: string;
  /** Notifications already sent in this rotation (idempotency across reruns). */
  sent: string[];
  /** Failed attempts per stage in this rotation. */
  attempts: Partial<Record<Stage, number>>;
  lastError?: LastError;
  completedRotations: number;
  /** Selectors this domain has used (bounded): a new key never reuses one (issue #17, defect 4). */
  usedSelectors?: string[];
  /**
   * Selectors whose records this system deleted (Route 53) or asked people to remove. Written BEFORE the
   * DELETE or the notice (intent), so no later step returns SES to such a key (defect 5).
   */
  retired?: string[];
  /** Selectors whose Route 53 DELETE succeeded. */
  deleted?: string[];
  /** Selectors this system may have UPSERTed in Route 53 (written before the UPSERT). */
  upserted?: string[];
  /** The external effect a run was about to perform; cleared with the result. See rotation/runner.ts. */
  intent?: Intent;
  /** Operator abort requested; the steps carry it out (crash-consistent like every other step). */
  abortRequested?: string;
  /** ROLLING_BACK: when SES was told to sign with the previous key again (result of that call). */
  rollbackSwitchedAt?: string;
  /** 'retry' after a failure or abort (exactly nextRotationAt); 'schedule' follows the configured interval. */
  nextRotationKind?: 'schedule' | 'retry';
}

/** An external side effect about to happen (persisted before it, cleared after its result is stored). */
export interface Intent {
  readonly effect: string;
  readonly selector?: string;
  readonly at: string;
}

/** Per-domain configuration (from DOMAINS_JSON, the byodkim function contract). */
export type { ByodkimDomain as DomainConfig } from '../../../contracts/functions/byodkim.js';

/** A DNS TXT record as to be published. */
export interface TxtRecord {
  readonly name: string;
  /** Full value `v=DKIM1; k=rsa; p=...`. */
  readonly value: string;
  /** The value split into strings of at most 255 characters. */
  readonly strings: readonly string[];
}

export function initialState(domain: string): DomainState {
  return { domain, version: 0, stage: 'IDLE', sent: [], attempts: {}, completedRotations: 0 };
}
