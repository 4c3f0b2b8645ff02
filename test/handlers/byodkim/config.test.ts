import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseDomains } from '../../../handlers/byodkim/core/config.js';
import {
  dkimTxtRecord,
  isValidSelector,
  newSelector,
  splitTxt,
} from '../../../handlers/byodkim/core/dkim.js';
import { formatJst } from '../../../handlers/byodkim/core/time.js';

describe('configuration', () => {
  it('defaults the interval to 365 days and accepts bare domain strings', () => {
    expect(parseDomains('[{"domain":"goo.ne.jp","hostedZoneId":"Z0123456789ABC"},"example.jp"]')).toEqual([
      { domain: 'goo.ne.jp', rotationIntervalDays: 365, hostedZoneId: 'Z0123456789ABC' },
      { domain: 'example.jp', rotationIntervalDays: 365 },
    ]);
  });

  it.each([
    ['not json', /not valid JSON/],
    ['[{"domain":"goo.ne.jp"},{"domain":"goo.ne.jp"}]', /unique/],
    ['[{"domain":"goo.ne.jp","rotationIntervalDays":7}]', /rotationIntervalDays/],
    ['[{"domain":"goo.ne.jp","hostedZoneId":"zone"}]', /hostedZoneId/],
  ])('rejects DOMAINS_JSON %s', (raw, msg) => {
    expect(() => parseDomains(raw)).toThrow(msg);
  });

  it('derives the namespace from the environment when METRICS_NAMESPACE is unset', () => {
    const c = loadConfig({ ENVIRONMENT: 'development', DOMAINS_JSON: '[]' });
    expect(c.metricsNamespace).toBe('ses-migration/development/BYODKIM');
    expect(() => loadConfig({ DOMAINS_JSON: '[]' })).toThrow(/ENVIRONMENT is missing/);
  });
});

describe('DKIM record helpers (properties)', () => {
  it('selectors are always valid and never collide with taken ones', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        fc.array(fc.constantFrom('ses20271201', 'ses20271201-2', 'x')),
        (d, taken) => {
          const s = newSelector(d, taken);
          expect(isValidSelector(s)).toBe(true);
          expect(taken).not.toContain(s);
        },
      ),
    );
  });

  it('TXT strings are at most 255 characters and join back to the value', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 2000 }), (v) => {
        const parts = splitTxt(v);
        expect(parts.every((p) => p.length <= 255)).toBe(true);
        expect(parts.join('')).toBe(v);
      }),
    );
  });

  it('a 2048-bit record is two strings under <selector>._domainkey.<domain>', () => {
    const r = dkimTxtRecord('ses20271201', 'goo.ne.jp', 'A'.repeat(392));
    expect(r.name).toBe('ses20271201._domainkey.goo.ne.jp');
    expect(r.strings).toHaveLength(2);
  });

  it('JST rendering', () => {
    expect(formatJst(new Date('2027-12-01T00:00:00Z'))).toBe('2027-12-01 09:00 JST');
    expect(formatJst('2027-12-31T15:30:00Z')).toBe('2028-01-01 00:30 JST');
  });
});
