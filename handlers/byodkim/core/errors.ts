/** Named errors of the BYODKIM rotation. Messages never contain key material. */

export class ByodkimError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Invalid configuration (environment variables). */
export class ConfigurationError extends ByodkimError {}

/** Invalid operator or schedule payload. */
export class InvalidRequestError extends ByodkimError {}

/** The requested action is not possible in the domain's current stage. */
export class InvalidStageError extends ByodkimError {}

/** The stored state changed between read and write (another writer). */
export class ConcurrentModificationError extends ByodkimError {}

/** KMS could not generate or decrypt a key. */
export class KeyGenerationError extends ByodkimError {}
export class KeyDecryptionError extends ByodkimError {}

/** SES call failed. */
export class SesUpdateError extends ByodkimError {}

/** SES signs with a selector the state does not expect. */
export class StateMismatchError extends ByodkimError {}

/** No key to return to. */
export class RollbackNotPossibleError extends ByodkimError {}

/** Route 53 change failed. */
export class DnsPublishError extends ByodkimError {}

/** One or more domains failed in a run; each domain's error is in `failures`. */
export class RotationRunError extends ByodkimError {
  constructor(
    readonly failures: ReadonlyArray<{ domain: string; error: string }>,
    options?: { cause?: unknown },
  ) {
    super(
      `BYODKIM run failed for ${failures.length} domain(s): ${failures.map((f) => `${f.domain} (${f.error})`).join(', ')}`,
      options,
    );
  }
}

/** Short description of any thrown value, safe to log (name + message only). */
export function describeError(err: unknown): { name: string; message: string } {
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'UnknownError', message: String(err) };
}
