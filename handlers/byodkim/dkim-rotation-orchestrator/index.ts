/**
 * ses-migration-<env>-dkim-rotation-orchestrator: drives every domain's rotation state machine.
 * Payloads: {"action":"tick"} (schedule), {"action":"rotate","domain":"...","force":true},
 * {"action":"status","domain"?:"..."}, {"action":"abort","domain":"..."}, {"action":"rollback","domain":"..."}.
 */
import { orchestratorRequest, parseRequest } from '../core/requests.js';
import { createRuntime, type Runtime } from '../core/runtime.js';

let runtime: Runtime | undefined;

/** The tick leaves this much of the Lambda's time unused (response, metrics flush). */
const TICK_MARGIN_MS = 10_000;

export async function handler(event: unknown, context?: { getRemainingTimeInMillis?: () => number }) {
  runtime ??= await createRuntime('dkim-rotation-orchestrator');
  const { engine, ports } = runtime;
  const req = parseRequest(
    orchestratorRequest,
    event,
    '{"action":"tick"} | {"action":"rotate","domain":"...","force":true} | {"action":"status"} | {"action":"abort","domain":"..."} | {"action":"rollback","domain":"..."}',
  );
  try {
    switch (req.action) {
      case 'tick': {
        const remaining = context?.getRemainingTimeInMillis?.();
        const deadlineMs =
          remaining === undefined ? undefined : ports.clock.now().getTime() + remaining - TICK_MARGIN_MS;
        return { action: req.action, domains: await engine.tick({ deadlineMs }) };
      }
      case 'rotate':
        return { action: req.action, ...(await engine.rotate(req.domain, req.force)) };
      case 'status':
        return { action: req.action, domains: await engine.status(req.domain) };
      case 'abort':
        return { action: req.action, ...(await engine.abort(req.domain)) };
      case 'rollback':
        return { action: req.action, ...(await engine.rollback(req.domain)) };
    }
  } finally {
    ports.metrics.flush();
  }
}
