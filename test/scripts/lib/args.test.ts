import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../lib/errors.js';
import { answerHelp, helpRequested, listOf, usageText } from '../../../scripts/lib/args.js';

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
