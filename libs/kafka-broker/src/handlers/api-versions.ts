import { SUPPORTED_VERSIONS } from '../protocol/api-keys';
import { ErrorCode } from '../protocol/error-codes';
import { ProtocolWriter } from '../protocol/writer';
import { RequestHandler } from './request-context';

/**
 * The answer to an ApiVersions request in a version we do not speak: Kafka's own behaviour is error 35 with a
 * v0 body listing what it does support, so that the client (librdkafka, a newer kafkajs) retries at a lower version.
 */
export function unsupportedApiVersionsResponse(): ProtocolWriter {
  const w = new ProtocolWriter();
  w.int16(ErrorCode.UnsupportedVersion);
  w.array([...SUPPORTED_VERSIONS], (w, [key, range]) => w.int16(key).int16(range.min).int16(range.max));
  return w;
}

export const handleApiVersions: RequestHandler = (ctx, r) => {
  const version = ctx.apiVersion;
  if (version >= 3) {
    r.compactString(); // client_software_name
    r.compactString(); // client_software_version
    r.skipTaggedFields();
  }
  const w = new ProtocolWriter();
  w.int16(ErrorCode.None);
  const entries = [...SUPPORTED_VERSIONS];
  if (version >= 3) {
    w.compactArray(entries, (w, [key, range]) => w.int16(key).int16(range.min).int16(range.max).emptyTaggedFields());
    w.int32(0); // throttle_time_ms
    w.emptyTaggedFields();
  } else {
    w.array(entries, (w, [key, range]) => w.int16(key).int16(range.min).int16(range.max));
    if (version >= 1) w.int32(0);
  }
  return w;
};

