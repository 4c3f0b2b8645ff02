/**
 * Every operations command answers `--help` and `-h` the same way, as a process: its usage on stdout in the one
 * format of scripts/lib/args.ts (`usage: ...`, indented details, `exit codes: ...` last), nothing on stderr, exit
 * 0, and nothing started (rehearse launches no emulator, generate writes nothing, no AWS call is made).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const COMMANDS: readonly [name: string, script: string, invoked: string][] = [
  ['status', 'scripts/status.ts', 'npm run status -- '],
  ['drift', 'scripts/drift.ts', 'npm run drift -- '],
  ['deploy', 'scripts/deploy.ts', 'npm run deploy -- '],
  ['gate', 'scripts/gate.ts', 'node scripts/run.mjs scripts/gate.ts '],
  ['adopt', 'scripts/adopt.ts', 'npm run adopt -- '],
  ['rehearse', 'scripts/rehearse.ts', 'npm run rehearse -- '],
  ['ack', 'scripts/ack.ts', 'npm run ack -- '],
  ['escalate', 'scripts/escalate.ts', 'npm run escalate -- '],
  ['backtest', 'scripts/backtest.ts', 'npm run backtest -- '],
  ['report', 'scripts/report.ts', 'npm run report -- '],
  ['cost', 'scripts/cost.ts', 'npm run cost -- '],
  ['generate', 'scripts/generate.ts', 'npm run generate '],
  ['bench', 'scripts/bench.ts', 'npm run bench -- '],
];

/** `usage: <how to run it>`, continuation or detail lines (indented), `exit codes: ...` (may continue, indented). */
const FORMAT = /^usage: \S.*\n(?: {2,}\S.*\n)*exit codes: 0 .*\n(?: {2,}\S.*\n)*$/;

describe('--help and -h of every command', () => {
  it.each(COMMANDS)(
    '%s',
    (_name, script, invoked) => {
      for (const flag of ['--help', '-h']) {
        const r = spawnSync(process.execPath, ['scripts/run.mjs', script, flag], {
          encoding: 'utf8',
          timeout: 60_000,
          // no credentials and an endpoint nothing listens on: a command that went on past --help would fail
          env: {
            ...process.env,
            AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
            AWS_ACCESS_KEY_ID: '',
            AWS_PROFILE: '',
          },
        });
        expect(r.stderr, `${script} ${flag}: stderr`).toBe('');
        expect(r.status, `${script} ${flag}: exit code`).toBe(0);
        expect(r.stdout, `${script} ${flag}: format`).toMatch(FORMAT);
        expect(r.stdout.startsWith(`usage: ${invoked}`), `${script} ${flag}: ${r.stdout}`).toBe(true);
      }
    },
    120_000,
  );
});
