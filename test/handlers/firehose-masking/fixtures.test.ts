import { describe, expect, it } from 'vitest';
import { maskRecords } from '../../../handlers/firehose-masking/transform.js';
import { b64, personalData, resultJson, sesFixtures, sesRecordText, strings, unb64 } from './factories.js';

/** Pairs of (original, masked) string leaves at the same path, plus shape/type checks on the way. */
function walk(
  original: unknown,
  masked: unknown,
  path: string,
  visit: (o: string, m: string, path: string) => void,
) {
  expect(typeof masked, path).toBe(typeof original);
  expect(Array.isArray(masked), path).toBe(Array.isArray(original));
  if (typeof original === 'string') {
    visit(original, masked as string, path);
  } else if (Array.isArray(original)) {
    const m = masked as unknown[];
    expect(m.length, path).toBe(original.length);
    for (const [i, v] of original.entries()) walk(v, m[i], `${path}[${i}]`, visit);
  } else if (original !== null && typeof original === 'object') {
    const m = masked as Record<string, unknown>;
    expect(Object.keys(m), path).toEqual(Object.keys(original));
    for (const [k, v] of Object.entries(original)) walk(v, m[k], `${path}.${k}`, visit);
  } else {
    expect(masked, path).toBe(original);
  }
}

const RECIPIENT_LOCAL_PARTS = ['taro.yamada', 'hanako+news', 'ops-team'];
const DISPLAY_NAMES = ['山田 太郎', 'Hanako Suzuki', 'Example Shop', 'Support Desk'];

describe.each(sesFixtures())('SES event fixture $name', ({ event }) => {
  const text = sesRecordText(event);
  const [result] = maskRecords([{ recordId: 'fixture-1', data: b64(text) }]).records;
  const masked = resultJson(result!);

  it('comes back Ok with the same recordId and the trailing newline SES wrote', () => {
    expect(result).toMatchObject({ recordId: 'fixture-1', result: 'Ok' });
    expect(unb64(result!.data).endsWith('}\n')).toBe(true);
  });

  it('contains addresses and IPs to begin with (the fixture is meaningful)', () => {
    const found = personalData(event);
    expect(found.emails.length).toBeGreaterThanOrEqual(5);
    expect(found.ips.length).toBeGreaterThanOrEqual(3);
  });

  it('leaves no original email address, IP address, recipient local part or display name anywhere', () => {
    const { emails, ips } = personalData(event);
    const out = unb64(result!.data);
    for (const secret of [...emails, ...ips, ...RECIPIENT_LOCAL_PARTS, ...DISPLAY_NAMES]) {
      expect(out).not.toContain(secret);
    }
    expect(personalData(masked)).toEqual({ emails: [], ips: [] });
  });

  it('masks in the seed format', () => {
    const all = strings(masked).join('\n');
    expect(all).toContain('t***@example***.***');
    expect(all).toContain('"山***" <t***@example***.***>, H*** <h***@example***.***>');
    expect(all).toContain('"E***" <s***@mail***.***>');
    expect(all).toContain('203.*.*.*');
    expect(all).toContain('2001:*:*:*');
  });

  it('keeps the JSON shape, types, timestamps, message ids and every value without personal data', () => {
    walk(event, masked, '$', (o, m, path) => {
      const { emails, ips } = personalData(o);
      const named = DISPLAY_NAMES.some((n) => o.includes(n));
      if (emails.length === 0 && ips.length === 0 && !named) expect(m, path).toBe(o);
      if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(o)) expect(m, path).toBe(o);
    });
    const inner = (masked as { detail?: unknown }).detail ?? masked;
    const mail = (inner as { mail: { messageId: string; commonHeaders: { messageId: string } } }).mail;
    expect(mail.messageId).toBe('010e0190a1b2c3d4-5e6f7a8b-1234-4cde-9f01-23456789abcd-000000');
    expect(mail.commonHeaders.messageId).toBe(mail.messageId);
  });
});
