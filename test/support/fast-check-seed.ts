/**
 * setupFiles of every tier: in CI (CI=true) fast-check runs with one fixed seed, so a submission's CI result does
 * not depend on the draw; elsewhere each run draws a new seed and explores. A failure prints its seed and path
 * either way (`fc.assert`), and FC_SEED=<n> replays a run anywhere.
 */
import fc from 'fast-check';

const fixed = process.env.FC_SEED ?? (process.env.CI ? '20261201' : undefined);
if (fixed !== undefined) fc.configureGlobal({ seed: Number(fixed) });
