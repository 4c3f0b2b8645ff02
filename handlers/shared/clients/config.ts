/**
 * Shared SDK client settings. The SDK itself honours AWS_REGION and AWS_ENDPOINT_URL (used by tests against
 * moto on 127.0.0.1); here only retries are set, so a throttled call is retried with backoff before it fails.
 */
export function clientConfig() {
  return { maxAttempts: 5, retryMode: 'adaptive' } as const;
}
