import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../lib/errors.js';
import {
  answerHelp,
  helpRequested,
  joinDashValues,
  listOf,
  parseCli,
  positiveInt,
  usageText,
} from '../../../scripts/lib/args.js';

describe('usageText', () => {
  it('prints usage, the details indented, and the exit codes last', () => {
    expect(
      usageText({
        synopsis: 'npm run x -- <env>',
        details: ['--a  what a does'],
        exitCodes: '0 ok, 2 usage error',
      }),
    ).toBe('usage: npm run x -- <env>\n  --a  what a does\nexit codes: 0 ok, 2 usage error');
  });
});

describe('helpRequested / answerHelp', () => {
  it.each([
    [['--help'], true],
    [['prod', '-h'], true],
    [['prod', '--', '--help'], false],
    [['prod', '--helpful'], false],
    [[], false],
  ] as const)('%j -> %s', (argv, expected) => {
    expect(helpRequested(argv)).toBe(expected);
    const out: string[] = [];
    expect(answerHelp(argv, 'usage: x', (t) => out.push(t))).toBe(expected ? 0 : undefined);
    expect(out).toEqual(expected ? ['usage: x\n'] : []);
  });
});

describe('listOf', () => {
  const stacks = ['base', 'ses'];
  it('takes all or known names, trimmed', () => {
    expect(listOf('allow-drift', undefined, stacks)).toEqual([]);
    expect(listOf('allow-drift', 'all', stacks)).toEqual(['all']);
    expect(listOf('allow-drift', ' ses , base', stacks)).toEqual(['ses', 'base']);
  });
  it.each([
    ['sess', "--allow-drift 'sess': unknown 'sess'; allowed: all or a comma-separated list of base, ses"],
    ['base,al', "--allow-drift 'base,al': unknown 'al'; allowed: all or a comma-separated list of base, ses"],
    [',', "--allow-drift ',': empty; allowed: all or a comma-separated list of base, ses"],
  ])('refuses %j naming the flag, the value and what is allowed', (value, message) => {
    expect(() => listOf('allow-drift', value, stacks)).toThrow(new UsageError(message));
  });
});

describe('joinDashValues', () => {
  const flags = ['--domains'];
  it('joins a negative value to its flag, so the range check (not "ambiguous") answers', () => {
    expect(joinDashValues(['prod', '--domains', '-5', '--json'], flags)).toEqual([
      'prod',
      '--domains=-5',
      '--json',
    ]);
    const { values } = parseCli(joinDashValues(['--domains', '-5'], flags), { domains: { type: 'string' } });
    expect(() => positiveInt('domains', values.domains, 1, 10_000)).toThrow(
      "--domains must be a whole number from 1 to 10000, got '-5'",
    );
    // without it, parseArgs answers with no value and no range
    expect(() => parseCli(['--domains', '-5'], { domains: { type: 'string' } })).toThrow(/ambiguous/);
  });
  it('leaves a following option and other flags alone', () => {
    expect(joinDashValues(['--domains', '--json'], flags)).toEqual(['--domains', '--json']);
    expect(joinDashValues(['--sends-per-day', '-5'], flags)).toEqual(['--sends-per-day', '-5']);
    expect(joinDashValues(['--domains', '-h'], flags)).toEqual(['--domains', '-h']);
  });
});
