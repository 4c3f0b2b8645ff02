/** Errors of the notifier: each says what is wrong, the value given and what is allowed. */

/** An environment variable is missing or malformed (the function's environment contract throws it). */
export { NotifierConfigError } from '../../contracts/functions/notifier.js';

/** An SNS record came from a topic that is none of the three alarm topics. */
export class UnknownAlarmTopicError extends Error {
  override readonly name = 'UnknownAlarmTopicError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A published SNS message is not a CloudWatch alarm state change. */
export class AlarmMessageError extends Error {
  override readonly name = 'AlarmMessageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The event is neither an SNS event nor `{"action":"escalate"}`. */
export class UnsupportedEventError extends Error {
  override readonly name = 'UnsupportedEventError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** One or more Publish calls failed; thrown after the others were tried so the failure destination fires. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
