/** KMS adapter of the KeyVault port (the only module of the BYODKIM functions that imports the KMS client). */
import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
} from '@aws-sdk/client-kms';
import { kmsClient } from '../../shared/clients/kms.js';
import { KeyDecryptionError, KeyGenerationError } from '../core/errors.js';
import type { KeyContext, KeyVault } from '../core/ports.js';

function encryptionContext(ctx: KeyContext): Record<string, string> {
  return { purpose: 'ses-byodkim', domain: ctx.domain, selector: ctx.selector };
}

function errName(err: unknown): string {
  return err instanceof Error ? err.name : 'UnknownError';
}

/**
 * KMS `GenerateDataKeyPairWithoutPlaintext` (RSA_2048) under the symmetric key `keyId`: KMS returns the
 * public key and the encrypted private key only, so the plaintext never exists outside the switch call.
 */
export class KmsKeyVault implements KeyVault {
  constructor(private readonly keyId: string) {}

  async generateKeyPair(ctx: KeyContext) {
    try {
      const out = await kmsClient().send(
        new GenerateDataKeyPairWithoutPlaintextCommand({
          KeyId: this.keyId,
          KeyPairSpec: 'RSA_2048',
          EncryptionContext: encryptionContext(ctx),
        }),
      );
      if (!out.PublicKey || !out.PrivateKeyCiphertextBlob) {
        throw new KeyGenerationError('KMS answered without PublicKey or PrivateKeyCiphertextBlob');
      }
      return { publicKeyDer: out.PublicKey, privateKeyCiphertext: out.PrivateKeyCiphertextBlob };
    } catch (cause) {
      if (cause instanceof KeyGenerationError) throw cause;
      throw new KeyGenerationError(
        `KMS GenerateDataKeyPairWithoutPlaintext (RSA_2048) under ${this.keyId} failed for ${ctx.domain}: ${errName(cause)}`,
        { cause },
      );
    }
  }

  async decryptPrivateKey(ciphertext: Uint8Array, ctx: KeyContext) {
    try {
      const out = await kmsClient().send(
        new DecryptCommand({
          CiphertextBlob: ciphertext,
          KeyId: this.keyId,
          EncryptionContext: encryptionContext(ctx),
        }),
      );
      if (!out.Plaintext) throw new KeyDecryptionError('KMS Decrypt answered without Plaintext');
      return out.Plaintext;
    } catch (cause) {
      if (cause instanceof KeyDecryptionError) throw cause;
      throw new KeyDecryptionError(
        `KMS Decrypt of the private key of selector ${ctx.selector} (${ctx.domain}) failed: ${errName(cause)}`,
        { cause },
      );
    }
  }

  async keyState() {
    const out = await kmsClient().send(new DescribeKeyCommand({ KeyId: this.keyId }));
    return out.KeyMetadata?.KeyState ?? 'Unknown';
  }
}
