/**
 * ses-migration-<env>-dkim-key-generator: starts a rotation (or onboarding) for one domain and generates its
 * key pair (KMS GenerateDataKeyPairWithoutPlaintext); answers with the TXT record to publish. The
 * orchestrator's next tick sends the DNS request and continues.
 * Payload: {"action":"generate","domain":"goo.ne.jp","force":true}
 */
import { dkimTxtRecord } from '../core/dkim.js';
import { generateRequest, parseRequest } from '../core/requests.js';
import { createRuntime, type Runtime } from '../core/runtime.js';

let runtime: Runtime | undefined;

export async function handler(event: unknown) {
  runtime ??= await createRuntime('dkim-key-generator');
  const { engine, ports } = runtime;
  const req = parseRequest(generateRequest, event, '{"action":"generate","domain":"...","force":true}');
  try {
    const outcome = await engine.rotate(req.domain, req.force, new Set(['KEY_GENERATED']));
    const state = await ports.store.get(req.domain);
    const pending = state?.pending;
    return {
      ...outcome,
      recordToPublish: pending ? dkimTxtRecord(pending.selector, req.domain, pending.publicKey) : undefined,
    };
  } finally {
    ports.metrics.flush();
  }
}
