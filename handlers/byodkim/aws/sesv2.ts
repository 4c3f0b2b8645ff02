/** SES v2 adapter of the SesPort port (DKIM status and signing attributes of an identity). */
import {
  GetEmailIdentityCommand,
  NotFoundException,
  PutEmailIdentityDkimSigningAttributesCommand,
} from '@aws-sdk/client-sesv2';
import { sesv2Client } from '../../shared/clients/sesv2.js';
import { SesUpdateError } from '../core/errors.js';
import type { DkimStatus, SesPort } from '../core/ports.js';

function errName(err: unknown): string {
  return err instanceof Error ? err.name : 'UnknownError';
}

export class SesV2Port implements SesPort {
  async getDkim(domain: string): Promise<DkimStatus> {
    try {
      const out = await sesv2Client().send(new GetEmailIdentityCommand({ EmailIdentity: domain }));
      const d = out.DkimAttributes;
      return {
        exists: true,
        status: d?.Status ?? 'UNKNOWN',
        origin: d?.SigningAttributesOrigin ?? 'NONE',
        signingEnabled: d?.SigningEnabled ?? false,
        selectors: d?.Tokens ?? [],
      };
    } catch (err) {
      if (err instanceof NotFoundException) {
        return { exists: false, status: 'NOT_STARTED', origin: 'NONE', signingEnabled: false, selectors: [] };
      }
      throw err;
    }
  }

  async putExternal(domain: string, selector: string, privateKeyDer: Uint8Array) {
    try {
      // The API takes the key as a base64 string; JavaScript strings cannot be wiped, so it is built here,
      // inside the call, from a view of the caller's buffer (no copy of the bytes), and dropped with it.
      await sesv2Client().send(
        new PutEmailIdentityDkimSigningAttributesCommand({
          EmailIdentity: domain,
          SigningAttributesOrigin: 'EXTERNAL',
          SigningAttributes: {
            DomainSigningSelector: selector,
            DomainSigningPrivateKey: Buffer.from(
              privateKeyDer.buffer,
              privateKeyDer.byteOffset,
              privateKeyDer.byteLength,
            ).toString('base64'),
          },
        }),
      );
    } catch (cause) {
      // SDK errors carry the service's answer and metadata, not the request: safe as cause.
      throw new SesUpdateError(
        `SES PutEmailIdentityDkimSigningAttributes (EXTERNAL, selector ${selector}) failed for ${domain}: ${errName(cause)}`,
        { cause },
      );
    }
  }

  async putEasyDkim(domain: string) {
    try {
      await sesv2Client().send(
        new PutEmailIdentityDkimSigningAttributesCommand({
          EmailIdentity: domain,
          SigningAttributesOrigin: 'AWS_SES',
        }),
      );
    } catch (cause) {
      throw new SesUpdateError(
        `SES PutEmailIdentityDkimSigningAttributes (AWS_SES) failed for ${domain}: ${errName(cause)}`,
        { cause },
      );
    }
  }
}
