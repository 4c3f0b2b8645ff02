import { describe, expect, it } from 'vitest';
import { parseReportArgs, REPORT_USAGE, reportMain } from '../../../scripts/report/cli.js';

describe('npm run report arguments', () => {
  it('reads env, cadence, --date, --out and --send', () => {
    expect(parseReportArgs(['prod', 'weekly', '--date', '2026-11-30', '--out', 'x.html', '--send'])).toEqual({
      env: 'prod',
      cadence: 'weekly',
      date: '2026-11-30',
      out: 'x.html',
      send: true,
    });
    expect(parseReportArgs(['dev', 'daily'])).toEqual({ env: 'dev', cadence: 'daily', send: false });
  });

  it.each([
    [['prod'], /expected <env> and <daily\|weekly\|monthly>/],
    [['prod', 'yearly'], /cadence "yearly" is not one of daily, weekly, monthly/],
    [['prod', 'daily', '--date', '1/12/2026'], /--date "1\/12\/2026" must be YYYY-MM-DD/],
    [['prod', 'daily', '--date'], /--date needs a value/],
    [['prod', 'daily', '--unmask'], /unknown option --unmask/],
    [['../etc', 'daily'], /must be a file name under environments/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseReportArgs(argv)).toThrow(message);
  });

  it('prints the usage and exits 2 on a usage error, before touching AWS', async () => {
    let err = '';
    const code = await reportMain(['prod'], {
      stdout: () => {},
      stderr: (t) => {
        err += t;
      },
      clients: () => {
        throw new Error('must not create clients');
      },
      now: () => new Date(),
    });
    expect(code).toBe(2);
    expect(err).toContain(REPORT_USAGE);
  });
});
