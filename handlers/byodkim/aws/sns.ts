/** SNS adapter of the Notifier port: one topic per severity, message attributes for filtering. */
import { PublishCommand } from '@aws-sdk/client-sns';
import { snsClient } from '../../shared/clients/sns.js';
import type { Topics } from '../core/config.js';
import type { Notification, Notifier } from '../core/ports.js';

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
