/** SESv2 adapter: the report mail as raw MIME through the report's own configuration set. */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

export async function sendRaw(
  ses: SESv2Client,
  raw: Uint8Array,
  from: string,
  to: readonly string[],
  configurationSet: string,
): Promise<string> {
  const res = await ses.send(
    new SendEmailCommand({
      FromEmailAddress: from,
      Destination: { ToAddresses: [...to] },
      Content: { Raw: { Data: raw } },
      ConfigurationSetName: configurationSet,
      EmailTags: [{ Name: 'report', Value: 'periodic' }],
    }),
  );
  return res.MessageId ?? '';
}
