import { describe, expect, it } from 'vitest';
import {
  array,
  boolean,
  formatIssues,
  integer,
  literal,
  object,
  oneOf,
  optional,
  parse,
  preprocess,
  refine,
  string,
  withDefault,
} from '../../../handlers/shared/validate.js';

const request = oneOf('action', {
  rotate: object({
    action: literal('rotate'),
    domain: string({ min: 1 }),
    force: withDefault(boolean, false),
  }),
  status: object({ action: literal('status'), domain: optional(string({ min: 1 })) }),
});

const problems = (r: ReturnType<typeof parse>) => (r.ok ? 'ok' : formatIssues(r.issues));

describe('validate (the Lambda-side validator)', () => {
  it('accepts a valid value, fills defaults, keeps only declared keys and leaves absent optionals absent', () => {
    expect(parse(request, { action: 'rotate', domain: 'goo.ne.jp', extra: 1 })).toEqual({
      ok: true,
      value: { action: 'rotate', domain: 'goo.ne.jp', force: false },
    });
    const status = parse(request, { action: 'status' });
    expect(status).toEqual({ ok: true, value: { action: 'status' } });
    expect(status.ok && 'domain' in status.value).toBe(false);
  });

  it('reports every problem with its path and the value it got', () => {
    expect(problems(parse(request, { action: 'rotate', domain: '', force: 'yes' }))).toBe(
      'domain: expected at least 1 character(s), got ""; force: expected true or false, got "yes"',
    );
    expect(problems(parse(request, { action: 'explode' }))).toBe(
      'action: expected one of "rotate", "status", got "explode"',
    );
    expect(problems(parse(request, 'tick'))).toBe('action: expected one of "rotate", "status", got nothing');
  });

  it('checks integers in range, patterns, lists with their index, and refinements after the item checks', () => {
    const domains = refine(
      array(
        preprocess(
          (v) => (typeof v === 'string' ? { name: v } : v),
          object({
            name: string({ pattern: /^[a-z.]+$/, patternName: 'a lower-case name' }),
            days: withDefault(integer({ min: 30, max: 3650 }), 365),
          }),
        ),
      ),
      (list) => new Set(list.map((d) => d.name)).size === list.length,
      'names must be unique',
    );
    expect(parse(domains, ['a.jp', { name: 'b.jp', days: 30 }])).toEqual({
      ok: true,
      value: [
        { name: 'a.jp', days: 365 },
        { name: 'b.jp', days: 30 },
      ],
    });
    expect(problems(parse(domains, [{ name: 'A', days: 7.5 }]))).toBe(
      '0.name: expected a lower-case name, got "A"; 0.days: expected a whole number from 30 to 3650, got 7.5',
    );
    expect(problems(parse(domains, ['a.jp', 'a.jp']))).toBe('(root): names must be unique');
    expect(problems(parse(domains, { name: 'a.jp' }))).toBe('(root): expected a list, got {"name":"a.jp"}');
  });
});
