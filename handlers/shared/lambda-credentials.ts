/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (esbuild alias in
 * scripts/lib/bundle.ts). Lambda hands every function its role's credentials in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the first source of the SDK's default chain;
 * the rest of that chain (shared ini files, SSO, web identity, process, container, IMDS) never applies there
 * and brought ~100 KiB of nested STS/SSO clients into each bundle. Tests and scripts run unbundled and keep
 * the full chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
