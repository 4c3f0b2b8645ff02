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
      callerAccount: async () => {
        throw new Error('must not call STS');
      },
      now: () => new Date(),
    });
    expect(code).toBe(2);
    expect(err).toContain(REPORT_USAGE);
  });

  const io = (err: string[], caller = '123456789012') => ({
    stdout: () => {},
    stderr: (t: string) => {
      err.push(t);
    },
    clients: () => {
      throw new Error('must not create clients');
    },
    callerAccount: async () => caller,
    now: () => new Date('2026-12-01T03:00:00Z'),
  });

  it('an unknown environment, an impossible or unfinished date and another account are refused before any AWS read', async () => {
    const err: string[] = [];
    expect(await reportMain(['nosuch', 'daily'], io(err))).toBe(2);
    expect(err.at(-1)).toMatch(/^report: unknown environment 'nosuch'/);
    expect(await reportMain(['prod', 'daily', '--date', '2026-13-01'], io(err))).toBe(2);
    expect(err.at(-1)).toMatch(/^report: .*2026-13-01/);
    expect(await reportMain(['prod', 'daily', '--date', '2026-12-05'], io(err))).toBe(2);
    expect(err.at(-1)).toMatch(/is not over yet/);
    expect(await reportMain(['prod', 'daily'], io(err, '999999999999'))).toBe(2);
    expect(err.at(-1)).toMatch(/999999999999/);
  });
});
