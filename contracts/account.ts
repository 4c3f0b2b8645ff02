/**
 * The account guard every command that touches AWS calls before its first write or read: the caller's account
 * must be the one the environment file declares. No SDK here: the caller passes a function that returns the
 * caller identity's account (STS GetCallerIdentity in production, a stub in tests).
 */

export class AccountMismatchError extends Error {
  override readonly name = 'AccountMismatchError';
}

const ACCOUNT_ID = /^\d{12}$/;

/**
 * Resolves when the credentials belong to `expected` (12 digits, from the environment file's accountId);
 * throws AccountMismatchError naming both accounts otherwise. `environment` names the environment in messages.
 */
export async function assertAccount(
  environment: string,
  expected: string,
  callerAccount: () => Promise<string | undefined>,
): Promise<void> {
  if (!ACCOUNT_ID.test(expected)) {
    throw new AccountMismatchError(
      `${environment}: accountId is ${JSON.stringify(expected)}; allowed: a 12-digit AWS account id`,
    );
  }
  const actual = await callerAccount();
  if (actual !== expected) {
    throw new AccountMismatchError(
      `${environment} is pinned to account ${expected}, but the credentials belong to account ${actual ?? '(unknown)'}: ` +
        'switch credentials (AWS_PROFILE) before running this command',
    );
  }
}
