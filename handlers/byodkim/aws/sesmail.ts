/** SES v2 SendEmail adapter of the Mailer port: the DNS team's mail from the configured sender (UTF-8 text). */
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { sesv2Client } from '../../shared/clients/sesv2.js';
import type { Mailer } from '../core/dns-team.js';

export class SesMailer implements Mailer {
  constructor(private readonly sender: string) {}

  async send(to: readonly string[], subject: string, body: string) {
    await sesv2Client().send(
      new SendEmailCommand({
        FromEmailAddress: this.sender,
        Destination: { ToAddresses: [...to] },
        Content: {
          Simple: {
            Subject: { Data: subject, Charset: 'UTF-8' },
            Body: { Text: { Data: body, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  }
}
