/**
 * moto_server (local AWS emulator) on 127.0.0.1 for integration and end-to-end tests.
 * Never points anywhere but loopback; dummy credentials only.
 *
 * The `integration` and `e2e` vitest projects start ONE server per run (test/support/moto-global.ts) and run
 * their files one at a time; `startMoto()` in a test file then resets that server to empty and hands it out.
 * Outside those projects (a file run on its own with another config) it starts a private server.
 */
import { inject } from 'vitest';
import { type Moto, startMotoServer } from './moto-server.js';

export { type Moto, motoClientConfig, startMotoServer } from './moto-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the run's shared moto_server, set by test/support/moto-global.ts. */
    motoEndpoint?: string;
  }
}

/**
 * The run's shared moto_server, reset to empty (every service, every region), for one test file; `stop()`
 * leaves the server to the global teardown. Without a shared server, a private one.
 */
export async function startMoto(): Promise<Moto> {
  const shared = inject('motoEndpoint');
  if (!shared) return startMotoServer();
  const res = await fetch(`${shared}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset on ${shared} answered ${res.status}`);
  return { endpoint: shared, stop: async () => {} };
}
