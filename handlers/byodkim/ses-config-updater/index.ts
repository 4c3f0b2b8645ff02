/**
 * ses-migration-<env>-ses-config-updater: switches SES to the pending key once DNS publishes it, or rolls
 * back. Payloads: {"action":"switch","domain":"..."}, {"action":"rollback","domain":"..."}.
 */
import { parseRequest, sesUpdateRequest } from '../core/requests.js';
import { createRuntime, type Runtime } from '../core/runtime.js';

let runtime: Runtime | undefined;

export async function handler(event: unknown) {
  runtime ??= await createRuntime('ses-config-updater');
  const { engine, ports } = runtime;
  const req = parseRequest(
    sesUpdateRequest,
    event,
    '{"action":"switch","domain":"..."} | {"action":"rollback","domain":"..."}',
  );
  try {
    if (req.action === 'rollback') return await engine.rollback(req.domain);
    // Only the DNS check and the switch: nothing before (no key generation) and nothing after.
    return await engine.advance(req.domain, {
      onlyFrom: new Set(['AWAITING_DNS', 'DNS_PUBLISHED']),
      stopAfter: new Set(['AWAITING_VERIFICATION']),
    });
  } finally {
    ports.metrics.flush();
  }
}
