/** Small factories and checks shared by the firehose-masking tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FirehoseTransformationEvent, FirehoseTransformationResultRecord } from 'aws-lambda';

export const FIXTURES = resolve('test/fixtures/ses-events');

export interface Fixture {
  readonly name: string;
  readonly event: unknown;
}

/** Every SES event fixture: plain (`bounce`) and EventBridge-wrapped (`eventbridge/bounce`). */
export function sesFixtures(): Fixture[] {
  const load = (dir: string, prefix: string) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({
        name: `${prefix}${f.replace(/\.json$/, '')}`,
        event: JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown,
      }));
  return [...load(FIXTURES, ''), ...load(join(FIXTURES, 'eventbridge'), 'eventbridge/')];
}

/** The record SES writes to Firehose: compact JSON followed by a newline. */
export function sesRecordText(event: unknown): string {
  return `${JSON.stringify(event)}\n`;
}

export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function unb64(data: string | undefined): string {
  if (data === undefined) throw new Error('result record without data');
  return Buffer.from(data, 'base64').toString('utf8');
}

/** A standard Firehose data-transformation event around the given record texts (or raw base64 data). */
export function firehoseEvent(
  records: readonly ({ text: string } | { data: string })[],
  overrides: Partial<FirehoseTransformationEvent> = {},
): FirehoseTransformationEvent {
  return {
    invocationId: 'invocation-0a1b2c3d',
    deliveryStreamArn:
      'arn:aws:firehose:ap-northeast-1:123456789012:deliverystream/ses-migration-production-events',
    region: 'ap-northeast-1',
    records: records.map((r, i) => ({
      recordId: `49546986683135544286507457936321625675700192471156785154-${i}`,
      approximateArrivalTimestamp: 1717376523456 + i,
      data: 'text' in r ? b64(r.text) : r.data,
    })),
    ...overrides,
  };
}

/** The JSON a result record carries. */
export function resultJson(result: FirehoseTransformationResultRecord): unknown {
  return JSON.parse(unb64(result.data));
}

/** All strings of a JSON value (keys included). */
export function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  }
  return out;
}

// An independent, deliberately simple detector of what must not survive (not the code under test).
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const IPV4 = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])/g;
const IPV6 = /(?<![\w:])[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])/g;

/** Email addresses and IP addresses found in any string of a value. */
export function personalData(value: unknown): { emails: string[]; ips: string[] } {
  const emails = new Set<string>();
  const ips = new Set<string>();
  for (const s of strings(value)) {
    for (const m of s.matchAll(EMAIL)) emails.add(m[0]);
    for (const m of s.matchAll(IPV4)) ips.add(m[0]);
    for (const m of s.matchAll(IPV6)) if (m[0].includes('::') || m[0].split(':').length === 8) ips.add(m[0]);
  }
  return { emails: [...emails], ips: [...ips] };
}
