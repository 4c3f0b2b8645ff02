/**
 * setupFiles of the `unit` project: a unit test may not start a process or open a network connection.
 * Such a call throws at once naming the rule, so a misplaced test fails instead of quietly slowing the tier.
 * Name it `*.int.test.ts` (moto) or `*.e2e.test.ts` (processes) instead.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

function forbid(what: string) {
  return () => {
    throw new Error(
      `${what} in a unit test: unit tests run without processes or network. ` +
        'Move the test to *.int.test.ts (moto) or *.e2e.test.ts (processes).',
    );
  };
}

for (const fn of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  (childProcess as unknown as Record<string, unknown>)[fn] = forbid(`child_process.${fn}`);
}
(net as unknown as Record<string, unknown>).connect = forbid('net.connect');
(net as unknown as Record<string, unknown>).createConnection = forbid('net.createConnection');
net.Socket.prototype.connect = forbid('a socket connection') as never;
globalThis.fetch = forbid('fetch') as never;
syncBuiltinESMExports();
