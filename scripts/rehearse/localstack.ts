/**
 * LocalStack's open-source core (tools/localstack, locked) as a host process on 127.0.0.1: started by PID with a
 * health poll, stopped by the same PID. No Docker, no account, no traffic off this machine (DNS server and
 * analytics off).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PROJECT = 'tools/localstack';

/** A Python >= 3.12 for uv (uv cannot download one here): pyenv's, or python3.13/3.12 on PATH. */
export function findPython(): string {
  const pyenv = join(process.env.PYENV_ROOT ?? '/root/.pyenv', 'versions');
  if (existsSync(pyenv)) {
    const found = readdirSync(pyenv)
      .filter((v) => /^3\.1[23]\.\d+$/.test(v))
      .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
      .map((v) => join(pyenv, v, 'bin', 'python3'))
      .find((p) => existsSync(p));
    if (found) return found;
  }
  for (const name of ['python3.13', 'python3.12']) {
    const which = spawnSync('which', [name], { encoding: 'utf8' });
    if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  }
  throw new Error('LocalStack needs Python 3.12 or 3.13 (pyenv or PATH); none found');
}

export function syncLocalStack(): void {
  const r = spawnSync('uv', ['sync', '--frozen', '--project', PROJECT, '--python', findPython()], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`uv sync --project ${PROJECT} failed (exit ${r.status})`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface LocalStack {
  readonly endpoint: string;
  /** The temporary directory of its files and log. */
  readonly dir: string;
  readonly pid: number;
  readonly logFile: string;
  stop(): Promise<void>;
}

export async function startLocalStack(timeoutMs = 90_000): Promise<LocalStack> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rehearse-localstack-'));
  const logFile = join(dir, 'localstack.log');
  const out = openSync(logFile, 'a');
  const child: ChildProcess = spawn(join(PROJECT, '.venv', 'bin', 'python'), [join(PROJECT, 'start.py')], {
    stdio: ['ignore', out, out],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      // These machines look like a container to LocalStack; it runs on the host here.
      OVERRIDE_IN_DOCKER: '0',
      GATEWAY_LISTEN: `127.0.0.1:${port}`,
      LOCALSTACK_HOST: `127.0.0.1:${port}`,
      LAMBDA_RUNTIME_EXECUTOR: 'noop',
      DNS_ADDRESS: '0',
      DISABLE_EVENTS: '1',
      SKIP_SSL_CERT_DOWNLOAD: '1',
      SKIP_INFRA_DOWNLOADS: '1',
      PERSISTENCE: '0',
      FILESYSTEM_ROOT: join(dir, 'fs'),
      TMPDIR: dir,
    },
  });
  if (!child.pid) throw new Error('LocalStack did not start');
  const pid = child.pid;
  const endpoint = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const stop = async () => {
    if (exited) return;
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && !exited; i++) await new Promise((r) => setTimeout(r, 100));
    if (!exited) process.kill(pid, 'SIGKILL');
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`LocalStack exited during start; see ${logFile}`);
    try {
      const res = await fetch(`${endpoint}/_localstack/health`);
      if (res.ok) {
        const health = (await res.json()) as { services?: Record<string, string> };
        if (health.services?.cloudformation) return { endpoint, dir, pid, logFile, stop };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`LocalStack not healthy after ${timeoutMs / 1000} s; see ${logFile}`);
}
