/** Route 53 adapter of the DnsPublisher port (only for domains with a hostedZoneId). */
import { ChangeResourceRecordSetsCommand, InvalidChangeBatch } from '@aws-sdk/client-route-53';
import { route53Client } from '../../shared/clients/route53.js';
import { DnsPublishError } from '../core/errors.js';
import type { DnsPublisher } from '../core/ports.js';

function errName(err: unknown): string {
  return err instanceof Error ? err.name : 'UnknownError';
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
