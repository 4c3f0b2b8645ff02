/**
 * The BYODKIM rotation state table (handlers/byodkim writes it; `npm run status` and the reports read it):
 * item keys, attribute names and the read-only view of one domain's state that tools may show. One codec,
 * so a reader never re-implements the layout. The full state type is handlers/byodkim/core/types.ts.
 *
 *   state item  pk = `state#<domain>`: version (N), stage (S), updatedAt (S), state (S, JSON)
 *   lock item   pk = `lock#<domain>`:  lockOwner (S), expiresAt (N, epoch ms)
 */

export const BYODKIM_STATE_KEY = (domain: string) => `state#${domain}`;
export const BYODKIM_LOCK_KEY = (domain: string) => `lock#${domain}`;
/** The tick's cursor item (attribute `next`, S: the domain the next tick starts with). */
export const BYODKIM_CURSOR_KEY = 'cursor#tick';

/** Attribute names of the items. */
export const BYODKIM_ITEM = {
  key: 'pk',
  version: 'version',
  stage: 'stage',
  updatedAt: 'updatedAt',
  state: 'state',
  lockOwner: 'lockOwner',
  expiresAt: 'expiresAt',
} as const;

/** What a tool may read out of a domain's state: no ciphertext, no public key material. */
export interface ByodkimStateView {
  readonly stage?: string;
  readonly updatedAt?: string;
  readonly selector?: string;
  readonly keyCreatedAt?: string;
  readonly switchedAt?: string;
  readonly lastRotationCompletedAt?: string;
  readonly lastRotationFailedAt?: string;
  readonly nextRotationAt?: string;
  readonly nextRotationKind?: string;
  readonly completedRotations: number;
  readonly lastError?: string;
  /** The external effect a run was about to perform when it stopped (crash consistency), if any. */
  readonly pendingEffect?: string;
}

type Attr = { readonly S?: string; readonly N?: string };
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Decodes a state item (DynamoDB attribute map); undefined when there is none; unreadable JSON -> stage only. */
export function decodeByodkimStateItem(
  item: Readonly<Record<string, Attr>> | undefined,
): ByodkimStateView | undefined {
  if (!item) return undefined;
  const stage = item[BYODKIM_ITEM.stage]?.S;
  const updatedAt = item[BYODKIM_ITEM.updatedAt]?.S;
  let s: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(item[BYODKIM_ITEM.state]?.S ?? '{}');
    if (parsed && typeof parsed === 'object') s = parsed as Record<string, unknown>;
  } catch {
    // keep the stage from the item itself
  }
  const current = (s.current ?? {}) as Record<string, unknown>;
  const lastError = s.lastError as { name?: unknown; message?: unknown } | undefined;
  const intent = s.intent as { effect?: unknown; selector?: unknown; at?: unknown } | undefined;
  return {
    stage: str(s.stage) ?? stage,
    updatedAt,
    selector: str(current.selector),
    keyCreatedAt: str(current.createdAt),
    switchedAt: str(s.switchedAt),
    lastRotationCompletedAt: str(s.lastRotationCompletedAt),
    lastRotationFailedAt: str(s.lastRotationFailedAt),
    nextRotationAt: str(s.nextRotationAt),
    nextRotationKind: str(s.nextRotationKind),
    completedRotations: typeof s.completedRotations === 'number' ? s.completedRotations : 0,
    lastError: lastError
      ? `${String(lastError.name)}: ${String(lastError.message)}`.slice(0, 160)
      : undefined,
    pendingEffect: intent
      ? `${String(intent.effect)}${intent.selector ? ` ${String(intent.selector)}` : ''} since ${String(intent.at)}`
      : undefined,
  };
}
