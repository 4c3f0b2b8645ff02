/** Starts a moto_server process on 127.0.0.1 (no vitest import: also used by the global setup). */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export interface Moto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const MOTO_BIN = resolve('tools/moto/.venv/bin/moto_server');

/** Environment for SDK clients that must talk to moto only. */
export function motoClientConfig(endpoint: string) {
  return {
    endpoint,
    region: 'ap-northeast-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  } as const;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/** Starts a moto_server process; requires `uv sync --project tools/moto` (done by .ci/run). */
export async function startMotoServer(): Promise<Moto> {
  if (!existsSync(MOTO_BIN)) {
    throw new Error(`moto_server not found at ${MOTO_BIN}: run 'uv sync --project tools/moto' first`);
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(MOTO_BIN, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
    env: { ...process.env, AWS_DEFAULT_REGION: 'ap-northeast-1' },
  });
  await waitUntilUp(endpoint, child, 30_000);
  return {
    endpoint,
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('exit', () => ok());
        child.kill('SIGTERM');
      }),
  };
}
