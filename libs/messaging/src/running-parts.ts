import type { ConsumerRunner } from './consumer-runner';
import type { EventPublisher } from './event-publisher';

/**
 * What EventConsumer, RequestResponder and RequestReplyClient hold while running: a group consumer, the publisher
 * its handler answers (or dead-letters) through, and the registration that lets the connection close them.
 */
export interface RunningParts {
  runner?: ConsumerRunner;
  publisher?: EventPublisher;
  untrack?: () => void;
}

/**
 * Stops the parts in the order they need — the consumer first, because the message in hand may still publish —
 * and forgets them, so that a later start() begins afresh.
 */
export async function stopRunningParts(parts: RunningParts): Promise<void> {
  const { runner, publisher, untrack } = parts;
  parts.runner = undefined;
  parts.publisher = undefined;
  parts.untrack = undefined;
  await runner?.stop();
  await publisher?.stop();
  untrack?.();
}
