/** The one DynamoDBClient of a handler: created on first use, reused across invocations; tests replace it with aws-sdk-client-mock. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientConfig } from './config.js';

let client: DynamoDBClient | undefined;

export function dynamodbClient(): DynamoDBClient {
  client ??= new DynamoDBClient(clientConfig());
  return client;
}
