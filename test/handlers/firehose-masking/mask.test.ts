import { describe, expect, it } from 'vitest';
import {
  isIpv4,
  isIpv6,
  maskDisplayNames,
  maskEmailAddress,
  maskJsonText,
  maskString,
  maskValue,
  NotJsonError,
} from '../../../handlers/firehose-masking/mask.js';

describe('maskEmailAddress (seed 3.4.1 mask_email)', () => {
  it.each([
    ['taro.yamada@example.co.jp', 't***@example***.***'],
    ['a@b.c', 'a***@b***.***'],
    ['not-an-address', '***@***.***'],
    ['@example.com', '***@***.***'],
  ])('%s -> %s', (email, masked) => {
    expect(maskEmailAddress(email)).toBe(masked);
  });
});

describe('maskString: email addresses', () => {
  it.each([
    ['taro.yamada@example.co.jp', 't***@example***.***'],
    ['Hanako+news@Example.COM', 'H***@Example***.***'],
    ['mail to taro@example.com.', 'mail to t***@example***.***.'],
    [
      'smtp; 550 5.1.1 <taro@example.co.jp>: User unknown',
      'smtp; 550 5.1.1 <t***@example***.***>: User unknown',
    ],
    ['a@x.com,b@y.jp;c@z.net', 'a***@x***.***,b***@y***.***;c***@z***.***'],
    ['宛先:taro@example.com です', '宛先:t***@example***.*** です'],
    // a source ARN keeps its `identity/` prefix
    [
      'arn:aws:ses:ap-northeast-1:123456789012:identity/shop@example.co.jp',
      'arn:aws:ses:ap-northeast-1:123456789012:identity/s***@example***.***',
    ],
    // VERP/SRS bounce addresses encode the recipient in the local part: all of it goes
    ['bounces+taro=example.com@bounce.example.org', 'b***@bounce***.***'],
    // URL-encoded, as in List-Unsubscribe links
    ['https://example.jp/u?e=taro%40example.com&x=1', 'https://example.jp/u?e=t***%40example***.***&x=1'],
    // address literals
    ['taro@[203.0.113.45]', 't***@[203.*.*.*]'],
    ['taro@[IPv6:2001:db8::1]', 't***@[IPv6:2001:*:*:*]'],
    // Message-IDs contain '@' and are masked like addresses (see README): SES's own id has no '@' and stays
    ['<010e0190abcdef01-23456789-000000@email.amazonses.com>', '<0***@email***.***>'],
    // an '@' right after an address: its domain is masked too
    ['a@b.com@c.com', 'a***@b***.***@c***.***'],
    ['***@example.com', '***@example***.***'],
  ])('%s -> %s', (input, masked) => {
    expect(maskString(input)).toBe(masked);
  });

  it.each([
    'root@localhost',
    'user@',
    '@',
    'email at example dot com',
    '2024-01-02T01:02:03.000Z',
    '010e0190abcdef01-23456789-000000',
  ])('leaves %s alone (no dotted domain, no address)', (input) => {
    expect(maskString(input)).toBe(input);
  });
});

describe('maskString: display names of address lists', () => {
  it.each([
    ['"Taro Yamada" <taro@example.com>', '"T***" <t***@example***.***>'],
    ['Taro Yamada <taro@example.com>', 'T*** <t***@example***.***>'],
    ['"山田 太郎" <taro@example.co.jp>', '"山***" <t***@example***.***>'],
    ['𠮷野 <yoshino@example.jp>', '𠮷*** <y***@example***.***>'],
    ['=?UTF-8?B?5bGx55Sw?= <taro@example.com>', '*** <t***@example***.***>'],
    ['"taro@example.com" <taro@example.com>', '"t***" <t***@example***.***>'],
    [
      '"Yamada, Taro" <taro@example.com>, hanako@example.jp',
      '"Y***" <t***@example***.***>, h***@example***.***',
    ],
    ['support@example.co.jp (Support Desk)', 's***@example***.*** (S***)'],
    ['<taro@example.com>', '<t***@example***.***>'],
  ])('%s -> %s', (input, masked) => {
    expect(maskString(input)).toBe(masked);
  });

  it('does not treat free text before an address as a name', () => {
    const diag = 'smtp; 550 5.1.1 <taro@example.com>: Recipient address rejected';
    expect(maskString(diag)).toBe('smtp; 550 5.1.1 <t***@example***.***>: Recipient address rejected');
    expect(maskDisplayNames(diag)).toBeNull();
  });

  it.each([
    ['550 5.1.1 <taro@example.com>', '550 5.1.1 <t***@example***.***>'],
    ['10:02:03 <taro@example.com>', '10:02:03 <t***@example***.***>'],
  ])('does not take status codes or times for names: %s', (input, masked) => {
    expect(maskString(input)).toBe(masked);
  });

  it('returns null for lists without names and for non-lists', () => {
    expect(maskDisplayNames('taro@example.com, hanako@example.jp')).toBeNull();
    expect(maskDisplayNames('Group: taro@example.com;')).toBeNull();
    expect(maskDisplayNames('"unterminated <taro@example.com>')).toBeNull();
  });
});

describe('maskString: IP addresses', () => {
  it.each([
    ['203.0.113.45', '203.*.*.*'],
    ['from [198.51.100.7]:25', 'from [198.*.*.*]:25'],
    ['ip=192.0.2.1; next', 'ip=192.*.*.*; next'],
    ['last try from 54.240.27.11.', 'last try from 54.*.*.*.'],
    ['2001:db8:85a3::8a2e:370:7334', '2001:*:*:*'],
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', '2001:*:*:*'],
    ['[2001:db8:1:2::77]:25', '[2001:*:*:*]:25'],
    ['fe80::1%eth0', 'fe80:*:*:*%eth0'],
    ['::1', ':*:*:*'],
    ['::ffff:192.0.2.1', ':*:*:*.*.*.*'],
    ['IPv6:2001:db8::1', 'IPv6:2001:*:*:*'],
    // a 4-part version after a product name is indistinguishable from an address: masked on purpose
    ['Chrome/120.0.0.0', 'Chrome/120.*.*.*'],
  ])('%s -> %s', (input, masked) => {
    expect(maskString(input)).toBe(masked);
  });

  it.each([
    '2024-01-02T01:02:03.000Z',
    '01:02:03',
    '12:34:56.789',
    'Mon, 03 Jun 2024 10:02:03 +0900',
    '1.2.3.4.5',
    'v1.2.3',
    'v1.2.3.4',
    'release-10.0.0.1a',
    '5.1.1',
    '250 2.6.0 Message received',
    '999.1.2.3',
    '1234.5.6.7',
    '3.14159',
    '00:1a:2b:3c:4d:5e',
    'std::vector',
    'arn:aws:ses:ap-northeast-1:123456789012:configuration-set/default',
    'multipart/alternative; boundary="----=_Part_7307378_1629847660.1516840721503"',
  ])('leaves %s alone', (input) => {
    expect(maskString(input)).toBe(input);
  });

  it('validates addresses strictly', () => {
    expect(isIpv4('255.255.255.255')).toBe(true);
    expect(isIpv4('256.1.1.1')).toBe(false);
    expect(isIpv4('1.2.3')).toBe(false);
    expect(isIpv6('::')).toBe(false);
    expect(isIpv6('1:2:3:4:5:6:7')).toBe(false);
    expect(isIpv6('1:2:3:4:5:6:7:8')).toBe(true);
    expect(isIpv6('1::2::3')).toBe(false);
    expect(isIpv6('12345::1')).toBe(false);
    expect(isIpv6('::ffff:1.2.3.4')).toBe(true);
  });
});

describe('maskValue', () => {
  it('masks strings at any depth, keys included, and leaves other values and types alone', () => {
    const value = {
      a: [{ b: { c: 'taro@example.com' } }, 1, 2.5, true, null, ''],
      'hanako@example.jp': { ip: '203.0.113.45' },
      n: -0,
    };
    expect(maskValue(value)).toEqual({
      a: [{ b: { c: 't***@example***.***' } }, 1, 2.5, true, null, ''],
      'h***@example***.***': { ip: '203.*.*.*' },
      n: -0,
    });
  });

  it('keeps a __proto__ key from JSON.parse an own property', () => {
    const masked = maskValue(JSON.parse('{"__proto__":{"x":"taro@example.com"}}')) as Record<string, unknown>;
    expect(Object.keys(masked)).toEqual(['__proto__']);
    expect(JSON.stringify(masked)).toBe('{"__proto__":{"x":"t***@example***.***"}}');
  });
});

describe('maskJsonText', () => {
  it('rewrites the raw text in place: formatting and the trailing newline stay', () => {
    const text = '{ "to" : [ "taro@example.com" ],\n  "ip": "203.0.113.45", "n": 1.50 }\n';
    expect(maskJsonText(text)).toBe(
      '{ "to" : [ "t***@example***.***" ],\n  "ip": "203.*.*.*", "n": 1.50 }\n',
    );
  });

  it('does not add a newline that was not there', () => {
    expect(maskJsonText('{"a":"taro@example.com"}')).toBe('{"a":"t***@example***.***"}');
  });

  it('handles JSON escapes next to addresses', () => {
    const value = { s: 'x\ntaro@example.com\t203.0.113.45\\"Taro" <taro@example.com>' };
    const masked = maskJsonText(JSON.stringify(value));
    expect(JSON.parse(masked)).toEqual(maskValue(value));
    expect(masked).not.toContain('taro');
    expect(masked).not.toContain('0.113.45');
  });

  it('sees through \\u escapes that could hide an address', () => {
    const text = '{"to":"taro\\u0040example.com","ip":"\\u0020203.0.113.45","p":"a\\/b"}\n';
    const masked = maskJsonText(text);
    expect(JSON.parse(masked)).toEqual({ to: 't***@example***.***', ip: ' 203.*.*.*', p: 'a/b' });
    expect(masked.endsWith('\n')).toBe(true);
  });

  it('masks display names inside JSON strings', () => {
    const text = JSON.stringify({
      from: ['"Taro Yamada" <taro@example.com>'],
      name: 'From',
      value: 'Taro <t@x.jp>',
    });
    expect(JSON.parse(maskJsonText(text))).toEqual({
      from: ['"T***" <t***@example***.***>'],
      name: 'From',
      value: 'T*** <t***@x***.***>',
    });
  });

  it.each(['', 'not json', '{"a":1', '{"a":"taro@example.com"', "{'a':1}", '{"a":1}{"b":2}', 'undefined'])(
    'throws NotJsonError for %j',
    (text) => {
      expect(() => maskJsonText(text)).toThrow(NotJsonError);
    },
  );

  it('accepts any JSON value at the top, as JSON.parse does', () => {
    expect(maskJsonText('"taro@example.com"')).toBe('"t***@example***.***"');
    expect(maskJsonText('42')).toBe('42');
  });
});

describe('maskString: internationalised and quoted addresses (review findings)', () => {
  it.each([
    ['jürgen@example.de', 'j***@example***.***'],
    ['taro@例え.jp', 't***@例え***.***'],
    ['山田@example.jp', '山***@example***.***'],
    ['"john doe"@example.com', '"***"@example***.***'],
    ['to "a b"@ex.com now', 'to "***"@ex***.*** now'],
  ])('%s -> %s, in a string and in raw JSON text, as a fixed point', (input, masked) => {
    expect(maskString(input)).toBe(masked);
    expect(maskString(masked)).toBe(masked);
    const json = maskJsonText(JSON.stringify({ v: input }));
    expect(JSON.parse(json).v).toBe(masked);
    expect(maskJsonText(json)).toBe(json);
  });

  it('a Japanese word glued to an IP address does not protect it', () => {
    expect(maskString('接続元203.0.113.45から')).toBe('接続元203.*.*.*から');
  });
});
