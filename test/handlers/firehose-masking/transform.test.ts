import { describe, expect, it } from 'vitest';
import { maskRecord, maskRecords } from '../../../handlers/firehose-masking/transform.js';
import { b64, unb64 } from './factories.js';

const record = (data: string, recordId = 'r-1') => ({ recordId, data });

describe('maskRecord', () => {
  it('returns Ok with the masked record, base64 encoded, keeping the newline', () => {
    const { result, failure } = maskRecord(record(b64('{"to":["taro@example.com"],"ip":"203.0.113.45"}\n')));
    expect(failure).toBeUndefined();
    expect(result.recordId).toBe('r-1');
    expect(result.result).toBe('Ok');
    expect(unb64(result.data)).toBe('{"to":["t***@example***.***"],"ip":"203.*.*.*"}\n');
  });

  it('returns the very same data when there is nothing to mask', () => {
    const data = b64('{"eventType":"Send","n":1}\n');
    expect(maskRecord(record(data)).result).toEqual({ recordId: 'r-1', result: 'Ok', data });
  });

  it('accepts unpadded base64', () => {
    const data = b64('{"a":"x@y.jp"}').replace(/=+$/, '');
    expect(unb64(maskRecord(record(data)).result.data)).toBe('{"a":"x***@y***.***"}');
  });

  it.each([
    ['not JSON', b64('taro@example.com is not JSON\n'), 'notJson'],
    ['empty', '', 'notJson'],
    ['JSON lines (two documents)', b64('{"a":1}\n{"b":2}\n'), 'notJson'],
    ['not base64', '{"to":"taro@example.com"}', 'notBase64'],
    ['base64 with a stray character', `${b64('{"a":"taro@example.com"}')}!`, 'notBase64'],
    ['base64 with a space inside', `${b64('{"a":1}').slice(0, 4)} ${b64('{"a":1}').slice(4)}`, 'notBase64'],
    ['a single base64 character too many', `${b64('{"a":1}')}A`, 'notBase64'],
    [
      'invalid UTF-8',
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString('base64'),
      'notUtf8',
    ],
  ])('returns ProcessingFailed with the original data for %s', (_name, data, reason) => {
    const { result, failure } = maskRecord(record(data));
    expect(result).toEqual({ recordId: 'r-1', result: 'ProcessingFailed', data });
    expect(failure).toBe(reason);
  });

  it('keeps a real U+FFFD character in valid UTF-8', () => {
    const { result } = maskRecord(record(b64('{"s":"\uFFFD taro@example.com"}')));
    expect(unb64(result.data)).toBe('{"s":"\uFFFD t***@example***.***"}');
  });
});

describe('maskRecords', () => {
  it('answers every record in order with its recordId and counts the failures by reason', () => {
    const batch = maskRecords([
      record(b64('{"a":"taro@example.com"}\n'), 'a'),
      record(b64('nope'), 'b'),
      record('***', 'c'),
      record(b64('{"ip":"::1"}'), 'd'),
    ]);
    expect(batch.records.map((r) => [r.recordId, r.result])).toEqual([
      ['a', 'Ok'],
      ['b', 'ProcessingFailed'],
      ['c', 'ProcessingFailed'],
      ['d', 'Ok'],
    ]);
    expect(batch.failed).toBe(2);
    expect(batch.failures).toEqual({ notBase64: 1, notUtf8: 0, notJson: 1, maskingError: 0 });
  });

  it('handles an empty batch', () => {
    expect(maskRecords([])).toEqual({
      records: [],
      failed: 0,
      failures: { notBase64: 0, notUtf8: 0, notJson: 0, maskingError: 0 },
    });
  });
});
