/** AWS implementations of the ports, through the shared per-service clients. */
import { resolveTxt } from 'node:dns/promises';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
} from '@aws-sdk/client-kms';
import { ChangeResourceRecordSetsCommand, InvalidChangeBatch } from '@aws-sdk/client-route-53';
import {
  GetEmailIdentityCommand,
  NotFoundException,
  PutEmailIdentityDkimSigningAttributesCommand,
} from '@aws-sdk/client-sesv2';
import { PublishCommand } from '@aws-sdk/client-sns';
import { kmsClient } from '../../shared/clients/kms.js';
import { route53Client } from '../../shared/clients/route53.js';
import { sesv2Client } from '../../shared/clients/sesv2.js';
import { snsClient } from '../../shared/clients/sns.js';
import type { Topics } from './config.js';
import { DnsPublishError, KeyDecryptionError, KeyGenerationError, SesUpdateError } from './errors.js';
import type {
  DkimStatus,
  DnsLookup,
  DnsPublisher,
  KeyContext,
  KeyVault,
  MetricPoint,
  MetricsSink,
  Notification,
  Notifier,
  SesPort,
} from './ports.js';

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

  async putExternal(domain: string, selector: string, privateKeyBase64: string) {
    try {
      await sesv2Client().send(
        new PutEmailIdentityDkimSigningAttributesCommand({
          EmailIdentity: domain,
          SigningAttributesOrigin: 'EXTERNAL',
          SigningAttributes: { DomainSigningSelector: selector, DomainSigningPrivateKey: privateKeyBase64 },
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

/** node:dns: ENOTFOUND / ENODATA mean "no record". */
export class NodeDnsLookup implements DnsLookup {
  async resolveTxt(name: string) {
    try {
      return await resolveTxt(name);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
      throw err;
    }
  }
}

export class Route53Publisher implements DnsPublisher {
  async upsertTxt(hostedZoneId: string, name: string, value: string) {
    await this.change(hostedZoneId, 'UPSERT', name, value);
  }

  async deleteTxt(hostedZoneId: string, name: string, value: string) {
    try {
      await this.change(hostedZoneId, 'DELETE', name, value);
    } catch (err) {
      // Route 53 rejects deleting a record that is not there: that is the state we want.
      if (err instanceof DnsPublishError && err.cause instanceof InvalidChangeBatch) return;
      throw err;
    }
  }

  private async change(zone: string, action: 'UPSERT' | 'DELETE', name: string, value: string) {
    try {
      await route53Client().send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zone,
          ChangeBatch: {
            Comment: `ses-migration BYODKIM ${action === 'UPSERT' ? 'publish' : 'remove'} ${name}`,
            Changes: [
              {
                Action: action,
                ResourceRecordSet: { Name: name, Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: value }] },
              },
            ],
          },
        }),
      );
    } catch (cause) {
      throw new DnsPublishError(
        `Route 53 ${action} of TXT ${name} in zone ${zone} failed: ${errName(cause)}`,
        {
          cause,
        },
      );
    }
  }
}

export class SnsNotifier implements Notifier {
  constructor(private readonly topics: Topics) {}

  async publish(n: Notification) {
    await snsClient().send(
      new PublishCommand({
        TopicArn: this.topics[n.severity],
        Subject: n.subject,
        Message: n.body,
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: n.severity },
          kind: { DataType: 'String', StringValue: n.kind },
          ...(n.domain ? { domain: { DataType: 'String', StringValue: n.domain } } : {}),
        },
      }),
    );
  }
}

/**
 * EMF through Powertools. Each point goes out twice: with dimension `Domain` (detail) and without any
 * dimension (account-wide aggregate the seed-named alarms watch). The default `service` dimension is
 * removed so alarms match exactly these dimension sets.
 */
export class PowertoolsMetricsSink implements MetricsSink {
  private readonly points: MetricPoint[] = [];
  private readonly metrics: Metrics;

  constructor(namespace: string, serviceName: string) {
    this.metrics = new Metrics({ namespace, serviceName });
    this.metrics.clearDefaultDimensions();
  }

  put(point: MetricPoint) {
    this.points.push(point);
  }

  flush() {
    if (this.points.length === 0) return;
    const byDomain = new Map<string, MetricPoint[]>();
    for (const p of this.points) {
      if (p.domain === undefined) continue;
      const list = byDomain.get(p.domain) ?? [];
      list.push(p);
      byDomain.set(p.domain, list);
    }
    for (const [domain, list] of byDomain) {
      this.metrics.addDimension('Domain', domain);
      for (const p of list) this.metrics.addMetric(p.name, p.unit, p.value);
      this.metrics.publishStoredMetrics();
    }
    // Account-wide: same points, no dimension. Several domains -> several values of one metric in one blob.
    // addDimensions({}) renders the empty dimension set `[[]]`; a bare `[]` has no dimension set at all,
    // which the EMF schema rejects (Dimensions needs at least one set), so no metric would be extracted.
    this.metrics.addDimensions({});
    for (const p of this.points) this.metrics.addMetric(p.name, p.unit, p.value);
    this.metrics.publishStoredMetrics();
    this.points.length = 0;
  }
}
