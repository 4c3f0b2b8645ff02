/**
 * Benchmark of the firehose-masking transformation against the "floor" measured in the same run: base64 decode +
 * JSON.parse + JSON.stringify + base64 encode of the same records (what any JSON-rewriting transform pays).
 * Also the handler's module initialisation time (import of the esbuild bundle in a fresh node process).
 *
 * Run alone: `node scripts/run.mjs bench/masking.ts [records]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FirehoseTransformationResultRecord } from 'aws-lambda';
import { build } from 'esbuild';
import { maskRecords } from '../handlers/firehose-masking/transform.js';

const RECORDS = 100_000;
const ROUNDS = 7;

/** mulberry32: a small deterministic PRNG, so every run masks the same batch. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['taro', 'hanako', 'ichiro', 'yuki', 'sakura', 'kenji', 'aiko', 'hiroshi', 'mei', 'sora'];
const LAST = ['yamada', 'suzuki', 'tanaka', 'sato', 'takahashi', 'watanabe', 'ito', 'nakamura'];
const DOMAINS = ['example.co.jp', 'example.com', 'mail.example.jp', 'corp.example.net', 'example.ne.jp'];
const TYPES = ['Send', 'Delivery', 'Bounce', 'Complaint', 'Reject', 'DeliveryDelay'] as const;

/** A deterministic batch of SES event records (as SES publishes them to Firehose: JSON + newline), ~1 KB each. */
export function syntheticSesEvents(count: number, seed = 42): string[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const hex = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(rnd() * 16).toString(16);
    return s;
  };
  const ip = () =>
    `${1 + Math.floor(rnd() * 222)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`;
  const out: string[] = [];
  const base = Date.UTC(2024, 0, 1);
  for (let i = 0; i < count; i++) {
    const type = TYPES[i % TYPES.length]!;
    const first = pick(FIRST);
    const last = pick(LAST);
    const recipient = `${first}.${last}${i % 100}@${pick(DOMAINS)}`;
    const sender = 'noreply@mail.example.co.jp';
    const t0 = new Date(base + i * 1000).toISOString();
    const t1 = new Date(base + i * 1000 + 1500).toISOString();
    const messageId = `010e0190${hex(8)}-${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}-000000`;
    const mail = {
      timestamp: t0,
      source: sender,
      sourceArn: 'arn:aws:ses:ap-northeast-1:123456789012:identity/mail.example.co.jp',
      sendingAccountId: '123456789012',
      messageId,
      destination: [recipient],
      headersTruncated: false,
      headers: [
        { name: 'From', value: `"Example Shop" <${sender}>` },
        { name: 'To', value: `${first} ${last} <${recipient}>` },
        { name: 'Subject', value: `Order ${hex(6)} confirmation` },
        { name: 'MIME-Version', value: '1.0' },
      ],
      commonHeaders: {
        from: [`"Example Shop" <${sender}>`],
        to: [`${first} ${last} <${recipient}>`],
        messageId,
      },
      tags: {
        'ses:configuration-set': ['ses-migration-production-default'],
        'ses:source-ip': [ip()],
        'ses:from-domain': ['mail.example.co.jp'],
        'ses:outgoing-ip': [ip()],
      },
    };
    let detail: Record<string, unknown>;
    switch (type) {
      case 'Send':
        detail = { send: {} };
        break;
      case 'Delivery':
        detail = {
          delivery: {
            timestamp: t1,
            processingTimeMillis: 1500,
            recipients: [recipient],
            smtpResponse: `250 2.0.0 OK ${Math.floor(rnd() * 1e10)} ${hex(10)} - gsmtp`,
            reportingMTA: 'e226-55.smtp-out.ap-northeast-1.amazonses.com',
            remoteMtaIp: ip(),
          },
        };
        break;
      case 'Bounce':
        detail = {
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            bouncedRecipients: [
              {
                emailAddress: recipient,
                action: 'failed',
                status: '5.1.1',
                diagnosticCode: `smtp; 550 5.1.1 <${recipient}>: Recipient address rejected: User unknown`,
              },
            ],
            timestamp: t1,
            feedbackId: `010e0190${hex(8)}-${hex(8)}-000000`,
            remoteMtaIp: ip(),
            reportingMTA: 'dsn; e226-55.smtp-out.ap-northeast-1.amazonses.com',
          },
        };
        break;
      case 'Complaint':
        detail = {
          complaint: {
            feedbackId: `010e0190${hex(8)}-${hex(8)}-000000`,
            complaintSubType: null,
            complainedRecipients: [{ emailAddress: recipient }],
            timestamp: t1,
            userAgent: 'Yahoo!-Mail-Feedback/2.0',
            complaintFeedbackType: 'abuse',
            arrivalDate: t1,
          },
        };
        break;
      case 'Reject':
        detail = { reject: { reason: 'Bad content' } };
        break;
      default:
        detail = {
          deliveryDelay: {
            timestamp: t1,
            delayType: 'TransientCommunicationFailure',
            expirationTime: new Date(base + i * 1000 + 86_400_000).toISOString(),
            delayedRecipients: [
              {
                emailAddress: recipient,
                status: '4.4.1',
                diagnosticCode: `smtp; 421 4.4.1 [${ip()}] Connection timed out`,
              },
            ],
            reportingMTA: 'dsn; e226-55.smtp-out.ap-northeast-1.amazonses.com',
          },
        };
    }
    out.push(`${JSON.stringify({ eventType: type, mail, ...detail })}\n`);
  }
  return out;
}

/**
 * The floor: what decoding, re-serialising and encoding the same records costs, returning Firehose results
 * exactly as the handler does (so both keep 100,000 output strings alive).
 */
function floor(records: readonly { recordId: string; data: string }[]): FirehoseTransformationResultRecord[] {
  const out: FirehoseTransformationResultRecord[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const text = Buffer.from(r.data, 'base64').toString('utf8');
    const data = Buffer.from(JSON.stringify(JSON.parse(text)), 'utf8').toString('base64');
    out[i] = { recordId: r.recordId, result: 'Ok', data };
  }
  return out;
}

function mask(records: readonly { recordId: string; data: string }[]): number {
  const batch = maskRecords(records);
  if (batch.failed !== 0) throw new Error(`bench: ${batch.failed} records failed to mask`);
  return batch.records.length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Bundles the handler like the build does and measures its import time in a fresh node process. */
async function handlerInit(): Promise<{ ms: number; bytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-masking-'));
  try {
    const outfile = join(dir, 'index.mjs');
    await build({
      entryPoints: [resolve('handlers/firehose-masking/index.ts')],
      outfile,
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      logLevel: 'error',
    });
    const script = `const t=performance.now();await import(${JSON.stringify(`file://${outfile}`)});console.log(performance.now()-t)`;
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const ms = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      times.push(Number(ms.trim()));
    }
    return { ms: median(times), bytes: statSync(outfile).size };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(count = RECORDS): Promise<void> {
  const texts = syntheticSesEvents(count);
  const records = texts.map((t, i) => ({
    recordId: `r${i}`,
    data: Buffer.from(t, 'utf8').toString('base64'),
  }));
  const jsonBytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  // warm up both paths, then alternate so that both see the same machine state
  floor(records);
  mask(records);
  const floorMs: number[] = [];
  const maskMs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t = performance.now();
    floor(records);
    floorMs.push(performance.now() - t);
    t = performance.now();
    mask(records);
    maskMs.push(performance.now() - t);
  }
  const f = median(floorMs);
  const m = median(maskMs);
  const init = await handlerInit();
  const row = (name: string, ms: number) => ({
    step: name,
    'ms (median)': Number(ms.toFixed(1)),
    'records/s': Math.round(count / (ms / 1000)),
    'MB/s (JSON)': Number((jsonBytes / 1e6 / (ms / 1000)).toFixed(1)),
  });
  console.log(
    `\nfirehose-masking: ${count} SES events, ${(jsonBytes / count).toFixed(0)} B each on average, median of ${ROUNDS}`,
  );
  console.table([
    row('floor (b64 decode + parse + stringify + b64 encode)', f),
    row('masking (handler core)', m),
  ]);
  console.log(`masking / floor = ${(m / f).toFixed(2)}x  (limit 2x, target 1.5x)`);
  console.log(
    `handler bundle ${(init.bytes / 1024).toFixed(0)} KiB (esbuild, minified ESM), module init ${init.ms.toFixed(1)} ms (median of 5 fresh imports)`,
  );
}

// scripts/run.mjs bundles the entry to .build/masking.mjs; when bundled into scripts/bench.ts this stays false
if (/[\\/]masking\.(mjs|ts)$/.test(process.argv[1] ?? '')) {
  await run(process.argv[2] ? Number(process.argv[2]) : RECORDS);
}
