/** Effects the rotation needs, as small interfaces; AWS implementations are in aws.ts, tests inject fakes. */
import type { Severity } from '../../../contracts/severity.js';
import type { DomainState } from './types.js';

export interface GeneratedKey {
  /** DER SubjectPublicKeyInfo. */
  readonly publicKeyDer: Uint8Array;
  /** KMS ciphertext of the DER PKCS#8 private key. */
  readonly privateKeyCiphertext: Uint8Array;
}

/** Binds a ciphertext to its domain and selector (KMS encryption context). */
export interface KeyContext {
  readonly domain: string;
  readonly selector: string;
}

export interface KeyVault {
  /** New RSA 2048 key pair; the plaintext private key is never returned. */
  generateKeyPair(ctx: KeyContext): Promise<GeneratedKey>;
  /** Plaintext DER private key; the caller must wipe it after use. */
  decryptPrivateKey(ciphertext: Uint8Array, ctx: KeyContext): Promise<Uint8Array>;
  /** KMS KeyState of the wrapping key (Enabled, Disabled, PendingDeletion, ...). */
  keyState(): Promise<string>;
}

export interface DkimStatus {
  readonly exists: boolean;
  /** PENDING | SUCCESS | FAILED | TEMPORARY_FAILURE | NOT_STARTED | UNKNOWN */
  readonly status: string;
  /** EXTERNAL | AWS_SES | AWS_SES_<REGION> | NONE */
  readonly origin: string;
  readonly signingEnabled: boolean;
  /** For BYODKIM, SES reports the selector in Tokens. */
  readonly selectors: readonly string[];
}

export interface SesPort {
  getDkim(domain: string): Promise<DkimStatus>;
  /**
   * Switches signing to EXTERNAL with this selector and DER (PKCS#8) private key. The caller wipes the
   * bytes after the call; the adapter encodes them for the API only inside the call.
   */
  putExternal(domain: string, selector: string, privateKeyDer: Uint8Array): Promise<void>;
  /** Returns the identity to Easy DKIM (rollback of an onboarding). */
  putEasyDkim(domain: string): Promise<void>;
}

export interface DnsLookup {
  /** node:dns resolveTxt shape; [] when the name does not exist or has no TXT record. */
  resolveTxt(name: string): Promise<string[][]>;
}

export interface DnsPublisher {
  upsertTxt(hostedZoneId: string, name: string, route53Value: string): Promise<void>;
  /** Deletes the record; succeeds when it is already gone. */
  deleteTxt(hostedZoneId: string, name: string, route53Value: string): Promise<void>;
}

export type { Severity } from '../../../contracts/severity.js';

export interface Notification {
  readonly kind: string;
  readonly severity: Severity;
  readonly domain?: string;
  /** At most 100 characters (SNS subject). */
  readonly subject: string;
  readonly body: string;
}

export interface Notifier {
  publish(n: Notification): Promise<void>;
}

export type MetricUnitName = 'Count' | 'None';

export interface MetricPoint {
  readonly name: string;
  readonly unit: MetricUnitName;
  readonly value: number;
  /** Per-domain dimension; the same point is also published without dimensions (account-wide). */
  readonly domain?: string;
}

export interface MetricsSink {
  put(point: MetricPoint): void;
  flush(): void;
}

export interface StateStore {
  get(domain: string): Promise<DomainState | undefined>;
  /** Writes the state if its stored version is still `state.version`; returns the state with version+1. */
  put(state: DomainState): Promise<DomainState>;
  /** Takes the domain's lock until `expiresAt` (ms); false when another owner holds an unexpired lock. */
  acquireLock(domain: string, owner: string, nowMs: number, expiresAtMs: number): Promise<boolean>;
  releaseLock(domain: string, owner: string): Promise<void>;
  /** Where the next tick starts (the first domain a budget-limited tick could not process); optional. */
  getCursor?(): Promise<string | undefined>;
  putCursor?(domain: string | undefined): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface Ports {
  readonly store: StateStore;
  readonly vault: KeyVault;
  readonly ses: SesPort;
  readonly dns: DnsLookup;
  readonly dnsPublisher: DnsPublisher;
  readonly notifier: Notifier;
  readonly metrics: MetricsSink;
  readonly clock: Clock;
  readonly log: Log;
}
