/**
 * vitest globalSetup of the `integration` and `e2e` projects: one moto_server for the whole run of the project,
 * its endpoint provided to the test files as `inject('motoEndpoint')` (see startMoto in ./moto.ts).
 */
import type { TestProject } from 'vitest/node';
import type {} from './moto.js'; // the ProvidedContext type of motoEndpoint
import { startMotoServer } from './moto-server.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const moto = await startMotoServer();
  project.provide('motoEndpoint', moto.endpoint);
  return () => moto.stop();
}
