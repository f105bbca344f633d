import { KafkaHeader } from '@lgsp/contracts';
import { OutgoingMessage } from './messages';

export const PROVIDER_ERROR = 'PROVIDER_ERROR';

/**
 * The reply a requester gets when the provider's handler threw: HTTP-style status and a machine-readable code in
 * headers (so the gateway can map it without parsing the body), and {code, message} as the body for people.
 */
export function errorReply(error: unknown): OutgoingMessage {
  const fields = typeof error === 'object' && error !== null ? (error as { status?: unknown; code?: unknown }) : {};
  const status = typeof fields.status === 'number' && Number.isInteger(fields.status) ? fields.status : 500;
  const code = typeof fields.code === 'string' && fields.code !== '' ? fields.code : PROVIDER_ERROR;
  const message = error instanceof Error ? error.message : String(error);
  return {
    value: JSON.stringify({ code, message }),
    headers: {
      [KafkaHeader.Status]: String(status),
      [KafkaHeader.ErrorCode]: code,
      [KafkaHeader.ContentType]: 'application/json',
    },
  };
}
