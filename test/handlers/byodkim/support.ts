/** Fakes for the BYODKIM rotation: real RSA keys (node:crypto), a reversible fake KMS, SES, DNS, recorders. */
import { readFileSync } from 'node:fs';
import { type ByodkimConfig, DEFAULT_TIMINGS } from '../../../handlers/byodkim/core/config.js';
import { dkimTxtRecord } from '../../../handlers/byodkim/core/dkim.js';
import { RotationEngine } from '../../../handlers/byodkim/core/engine.js';
import type {
  DkimStatus,
  DnsLookup,
  DnsPublisher,
  KeyContext,
  KeyVault,
  Log,
  MetricPoint,
  MetricsSink,
  Notification,
  Notifier,
  Ports,
  SesPort,
} from '../../../handlers/byodkim/core/ports.js';
import { InMemoryStateStore } from '../../../handlers/byodkim/core/state-store.js';
import { type DomainConfig, initialState } from '../../../handlers/byodkim/core/types.js';

export const T0 = new Date('2027-12-01T00:00:00Z'); // 09:00 JST

export class FakeClock {
  constructor(public t: Date = T0) {}
  now = () => new Date(this.t.getTime());
  advanceHours(h: number) {
    this.t = new Date(this.t.getTime() + h * 3_600_000);
  }
}

const MASK = 0x5a;
/** Reversible "encryption" bound to the context, standing in for KMS. */
export function fakeEncrypt(plain: Uint8Array, ctx: KeyContext): Uint8Array {
  const header = Buffer.from(`${ctx.domain}|${ctx.selector}|`);
  return Buffer.concat([header, Buffer.from(plain).map((b) => b ^ MASK)]);
}
export function fakeDecrypt(cipher: Uint8Array, ctx: KeyContext): Uint8Array {
  const header = Buffer.from(`${ctx.domain}|${ctx.selector}|`);
  const buf = Buffer.from(cipher);
  if (!buf.subarray(0, header.length).equals(header)) throw new Error('InvalidCiphertextException');
  return Buffer.from(buf.subarray(header.length)).map((b) => b ^ MASK);
}

/**
 * Real RSA 2048 pairs (PKCS#8 DER private key, SPKI DER public key) from a pool of TEST-ONLY keys committed in
 * test/fixtures/keys: generating one costs ~300 ms, the pool costs nothing. Handed out in turn, so two
 * consecutive keys always differ.
 */
const KEY_POOL = (
  JSON.parse(readFileSync('test/fixtures/keys/TEST-ONLY-rsa-2048.json', 'utf8')) as {
    keys: { privateKeyDer: string; publicKeyDer: string }[];
  }
).keys.map((k) => ({
  privateKeyDer: Buffer.from(k.privateKeyDer, 'base64'),
  publicKeyDer: Buffer.from(k.publicKeyDer, 'base64'),
}));
let nextKey = 0;
export function realKeyPair() {
  const k = KEY_POOL[nextKey++ % KEY_POOL.length]!;
  return { privateKeyDer: Buffer.from(k.privateKeyDer), publicKeyDer: Buffer.from(k.publicKeyDer) };
}

export class FakeVault implements KeyVault {
  /** Every plaintext private key ever generated, base64: must never show up in captured output. */
  readonly plaintexts: string[] = [];
  generateCalls = 0;
  failGenerate?: Error;
  state = 'Enabled';
  async generateKeyPair(ctx: KeyContext) {
    this.generateCalls++;
    if (this.failGenerate) throw this.failGenerate;
    const k = realKeyPair();
    this.plaintexts.push(k.privateKeyDer.toString('base64'));
    return { publicKeyDer: k.publicKeyDer, privateKeyCiphertext: fakeEncrypt(k.privateKeyDer, ctx) };
  }
  async decryptPrivateKey(c: Uint8Array, ctx: KeyContext) {
    return fakeDecrypt(c, ctx);
  }
  async keyState() {
    return this.state;
  }
}

export interface FakeIdentity {
  origin: string;
  selector?: string;
  privateKey?: string;
  status: string;
}

/** SES: one signing key per identity; after a switch the status is PENDING until the test says otherwise. */
export class FakeSes implements SesPort {
  readonly identities = new Map<string, FakeIdentity>();
  readonly puts: Array<{ domain: string; selector?: string; privateKey?: string; origin: string }> = [];
  /** Status given to an identity right after a switch. */
  statusAfterSwitch = 'PENDING';
  failPut?: Error;
  async getDkim(domain: string): Promise<DkimStatus> {
    const i = this.identities.get(domain);
    if (!i)
      return { exists: false, status: 'NOT_STARTED', origin: 'NONE', signingEnabled: false, selectors: [] };
    return {
      exists: true,
      status: i.status,
      origin: i.origin,
      signingEnabled: true,
      selectors:
        i.origin === 'EXTERNAL' && i.selector ? [i.selector] : ['easytoken1', 'easytoken2', 'easytoken3'],
    };
  }
  /** The byte arrays the engine handed over (the test checks they are wiped after the call). */
  readonly received: Uint8Array[] = [];
  async putExternal(domain: string, selector: string, privateKeyDer: Uint8Array) {
    if (this.failPut) throw this.failPut;
    this.received.push(privateKeyDer);
    // What the service keeps (server side): a copy taken during the call.
    const privateKey = Buffer.from(privateKeyDer).toString('base64');
    this.puts.push({ domain, selector, privateKey, origin: 'EXTERNAL' });
    this.identities.set(domain, { origin: 'EXTERNAL', selector, privateKey, status: this.statusAfterSwitch });
  }
  async putEasyDkim(domain: string) {
    this.puts.push({ domain, origin: 'AWS_SES' });
    this.identities.set(domain, { origin: 'AWS_SES', status: 'SUCCESS' });
  }
}

export class FakeDns implements DnsLookup, DnsPublisher {
  readonly records = new Map<string, string[][]>();
  readonly changes: Array<{ action: string; zone: string; name: string; value: string }> = [];
  lookups = 0;
  /** What a (caching) resolver answers instead of the zone, when set. */
  view?: (name: string, zone: string[][]) => string[][];
  async resolveTxt(name: string) {
    this.lookups++;
    const zone = this.records.get(name) ?? [];
    return this.view ? this.view(name, zone) : zone;
  }
  /** Route 53 value `"a" "b"` -> chunks. */
  async upsertTxt(zone: string, name: string, value: string) {
    this.changes.push({ action: 'UPSERT', zone, name, value });
    this.records.set(name, [[...value.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '')]);
  }
  async deleteTxt(zone: string, name: string, value: string) {
    this.changes.push({ action: 'DELETE', zone, name, value });
    this.records.delete(name);
  }
  publish(name: string, strings: readonly string[]) {
    this.records.set(name, [[...strings]]);
  }
}

export class Recorder implements Notifier, MetricsSink, Log {
  readonly notifications: Notification[] = [];
  readonly points: MetricPoint[] = [];
  readonly logs: string[] = [];
  async publish(n: Notification) {
    this.notifications.push(n);
  }
  put(p: MetricPoint) {
    this.points.push(p);
  }
  flush() {}
  info(m: string, e?: Record<string, unknown>) {
    this.logs.push(JSON.stringify({ m, e }));
  }
  warn(m: string, e?: Record<string, unknown>) {
    this.info(m, e);
  }
  error(m: string, e?: Record<string, unknown>) {
    this.info(m, e);
  }
  kinds() {
    return this.notifications.map((n) => n.kind);
  }
  values(name: string, domain?: string) {
    return this.points
      .filter((p) => p.name === name && (domain === undefined || p.domain === domain))
      .map((p) => p.value);
  }
}

export function testConfig(domains: DomainConfig[]): ByodkimConfig {
  return {
    projectCode: 'ses-migration',
    environment: 'development',
    domains,
    stateTable: 'state',
    kmsKeyId: 'alias/test',
    metricsNamespace: 'ses-migration/development/BYODKIM',
    topics: { P1: 'arn:p1', P2: 'arn:p2', P3: 'arn:p3' },
    timings: DEFAULT_TIMINGS,
  };
}

export interface World {
  clock: FakeClock;
  store: InMemoryStateStore;
  vault: FakeVault;
  ses: FakeSes;
  dns: FakeDns;
  rec: Recorder;
  ports: Ports;
  engine: () => RotationEngine;
}

export function world(domains: DomainConfig[], overrides: Partial<Ports> = {}): World {
  const clock = new FakeClock();
  const store = new InMemoryStateStore();
  const vault = new FakeVault();
  const ses = new FakeSes();
  const dns = new FakeDns();
  const rec = new Recorder();
  const ports: Ports = {
    store,
    vault,
    ses,
    dns,
    dnsPublisher: dns,
    notifier: rec,
    metrics: rec,
    clock,
    log: rec,
    ...overrides,
  };
  const config = testConfig(domains);
  return {
    clock,
    store,
    vault,
    ses,
    dns,
    rec,
    ports,
    engine: () =>
      new RotationEngine({
        config,
        ports,
        functionName: 'ses-migration-development-dkim-rotation-orchestrator',
        orchestratorName: 'ses-migration-development-dkim-rotation-orchestrator',
        timings: DEFAULT_TIMINGS,
      }),
  };
}

/** Publishes in fake DNS exactly what the pending key's record asks for. */
export async function publishPending(w: World, domain: string) {
  const s = await w.store.get(domain);
  const p = s?.pending;
  if (!p) throw new Error(`no pending key for ${domain}`);
  const { dkimTxtRecord } = await import('../../../handlers/byodkim/core/dkim.js');
  const r = dkimTxtRecord(p.selector, domain, p.publicKey);
  w.dns.publish(r.name, r.strings);
  return r;
}

/** Everything a run left behind that a person or system could read. */
export function captured(w: World): string {
  return [
    JSON.stringify([...w.store.states.values()]),
    JSON.stringify(w.rec.notifications),
    JSON.stringify(w.rec.points),
    w.rec.logs.join('\n'),
  ].join('\n');
}

export function assertNoPlaintext(haystack: string, plaintexts: readonly string[]) {
  for (const p of plaintexts) {
    // Whole key and any 64-char window of it (a log could cut it).
    if (haystack.includes(p)) throw new Error('plaintext private key found in captured output');
    for (let i = 0; i + 64 <= p.length; i += 256) {
      if (haystack.includes(p.slice(i, i + 64))) throw new Error('part of a plaintext private key found');
    }
  }
}

/** Domain signing with selector A (a previous rotation's key), A published in DNS, rotation due now. */
export async function signingWithA(w: World, domain: string, selector = 'ses20261201') {
  const k = realKeyPair();
  w.vault.plaintexts.push(k.privateKeyDer.toString('base64'));
  const pub = k.publicKeyDer.toString('base64');
  await w.store.put({
    ...initialState(domain),
    current: {
      selector,
      publicKey: pub,
      privateKeyCiphertext: Buffer.from(fakeEncrypt(k.privateKeyDer, { domain, selector })).toString(
        'base64',
      ),
      createdAt: '2026-12-01T00:00:00.000Z',
    },
    nextRotationAt: T0.toISOString(),
    noticeSentFor: T0.toISOString(),
  });
  // 'A' marks the key SES held before the test: not a real key, never handed out by the rotation.
  w.ses.identities.set(domain, { origin: 'EXTERNAL', selector, status: 'SUCCESS', privateKey: 'A' });
  const record = dkimTxtRecord(selector, domain, pub);
  w.dns.publish(record.name, record.strings);
  return { selector, pub, record, privateKey: k.privateKeyDer.toString('base64') };
}
