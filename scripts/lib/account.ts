/**
 * The account an environment deploys to (`accountId` of environments/<env>.yaml) and the check every command runs
 * with it (`assertAccount` of contracts/account.ts over sts:GetCallerIdentity). Reads only that key, so it works
 * before the rest of the file is valid. A real deploy needs the key: no accountId, no action.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { parse } from 'yaml';
import { AccountMismatchError, assertAccount } from '../../contracts/account.js';
import { ConfigError } from '../../lib/errors.js';
import { credentialsAdvice, findEnvironmentFile, withTimeout } from './preflight.js';

/** sts:GetCallerIdentity, the first AWS call of every command, gives up after this long. */
const STS_TIMEOUT_MS = 20_000;

export interface AccountTarget {
  /** Sceptre environment (`prod`, `dev`). */
  readonly env: string;
  /** `accountId` of environments/<env>.yaml; undefined when the file or the key is missing. */
  readonly accountId: string | undefined;
}

/** `{ env, accountId }` from `<dir>/<env>.yaml`. */
export function accountTargetOf(env: string, environmentsDir = 'environments'): AccountTarget {
  const file = findEnvironmentFile(env, environmentsDir) ?? join(environmentsDir, `${env}.yaml`);
  if (!existsSync(file)) return { env, accountId: undefined };
  const doc = parse(readFileSync(file, 'utf8')) as { accountId?: unknown } | null;
  const value = doc?.accountId;
  if (value === undefined || value === null) return { env, accountId: undefined };
  if (typeof value !== 'string' || !/^\d{12}$/.test(value)) {
    throw new ConfigError(
      `${file}: accountId is ${JSON.stringify(value)}; must be the 12-digit AWS account id in quotes, such as '123456789012'`,
    );
  }
  return { env, accountId: value };
}

/** Resolves to the account id when the credentials belong to the environment's account; throws otherwise. */
export async function checkAccount(
  target: AccountTarget,
  callerAccount: () => Promise<string | undefined>,
): Promise<string> {
  if (target.accountId === undefined) {
    throw new AccountMismatchError(
      `environments/${target.env}.yaml: accountId is not set; set the 12-digit id of the AWS account ` +
        `${target.env} deploys to before acting on it`,
    );
  }
  try {
    await assertAccount(target.env, target.accountId, () =>
      withTimeout(callerAccount(), STS_TIMEOUT_MS, 'sts:GetCallerIdentity'),
    );
  } catch (error) {
    if (error instanceof AccountMismatchError) throw error;
    const advice = credentialsAdvice(error);
    throw new AccountMismatchError(
      advice
        ? `${advice} (refusing to act on ${target.env}, account ${target.accountId})`
        : `cannot tell which account these credentials belong to (sts:GetCallerIdentity: ${
            (error instanceof Error ? error.message : String(error)).split('\n')[0]
          }); refusing to act on ${target.env} (account ${target.accountId})`,
    );
  }
  return target.accountId;
}

export interface StsSender {
  // biome-ignore lint/suspicious/noExplicitAny: a real STS client or a mock
  send(command: any): Promise<any>;
}

/** `callerAccount` over an STS client. */
export function stsCallerAccount(sts: StsSender): () => Promise<string | undefined> {
  return async () => ((await sts.send(new GetCallerIdentityCommand({}))) as { Account?: string }).Account;
}
