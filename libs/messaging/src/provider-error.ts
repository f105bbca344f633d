import { KafkaHeader } from '@lgsp/contracts';
import { OutgoingMessage } from './messages';

export const PROVIDER_ERROR = 'PROVIDER_ERROR';

/**
 * The reply a requester gets when the provider's handler threw: HTTP-style status and a machine-readable code in
 * headers (so the gateway can map it without parsing the body), and `{error: {code, message}}` as the body — the
 * shape of the gateway's own errors, so that an agency system reads every refusal alike. An error's `details`
 * object (e.g. `{problems: […]}`) is added beside code and message.
 */
export function errorReply(error: unknown): OutgoingMessage {
  const fields = typeof error === 'object' && error !== null ? (error as { status?: unknown; code?: unknown; details?: unknown }) : {};
  const status = typeof fields.status === 'number' && Number.isInteger(fields.status) ? fields.status : 500;
  const code = typeof fields.code === 'string' && fields.code !== '' ? fields.code : PROVIDER_ERROR;
  const message = error instanceof Error ? error.message : String(error);
  const details = typeof fields.details === 'object' && fields.details !== null && !Array.isArray(fields.details) ? fields.details : {};
  return {
    value: JSON.stringify({ error: { ...details, code, message } }),
    headers: {
      [KafkaHeader.Status]: String(status),
      [KafkaHeader.ErrorCode]: code,
      [KafkaHeader.ContentType]: 'application/json',
    },
  };
}
