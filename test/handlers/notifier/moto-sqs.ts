/**
 * Minimal SQS access to moto over its JSON protocol (the project has no SQS client dependency): SNS topics
 * subscribed to queues let a test read exactly what the notifier published. Loopback only.
 */
const AUTH =
  'AWS4-HMAC-SHA256 Credential=testing/20260101/ap-northeast-1/sqs/aws4_request, SignedHeaders=host, Signature=0';

async function call<T>(endpoint: string, target: string, body: unknown): Promise<T> {
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': `AmazonSQS.${target}`,
      Authorization: AUTH,
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`moto SQS ${target} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

export interface Queue {
  readonly url: string;
  readonly arn: string;
}

export async function createQueue(endpoint: string, name: string): Promise<Queue> {
  const { QueueUrl } = await call<{ QueueUrl: string }>(endpoint, 'CreateQueue', { QueueName: name });
  const { Attributes } = await call<{ Attributes: { QueueArn: string } }>(endpoint, 'GetQueueAttributes', {
    QueueUrl,
    AttributeNames: ['QueueArn'],
  });
  return { url: QueueUrl, arn: Attributes.QueueArn };
}

/** The SNS envelope SNS puts on a queue (no raw delivery). */
export interface SnsEnvelope {
  readonly Type: string;
  readonly TopicArn: string;
  readonly Subject?: string;
  readonly Message: string;
  readonly MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/** Everything currently on the queue, removed from it. */
export async function drain(endpoint: string, queue: Queue): Promise<SnsEnvelope[]> {
  const out: SnsEnvelope[] = [];
  for (;;) {
    const { Messages = [] } = await call<{ Messages?: { Body: string; ReceiptHandle: string }[] }>(
      endpoint,
      'ReceiveMessage',
      { QueueUrl: queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 },
    );
    if (Messages.length === 0) return out;
    for (const m of Messages) {
      out.push(JSON.parse(m.Body) as SnsEnvelope);
      await call(endpoint, 'DeleteMessage', { QueueUrl: queue.url, ReceiptHandle: m.ReceiptHandle });
    }
  }
}
