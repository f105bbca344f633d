import type { KafkaMessage, Message } from 'kafkajs';

export interface OutgoingMessage {
  key?: string | null;
  value: Buffer | string;
  headers?: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  /** Epoch milliseconds, as the producer (or the broker, for log-append time) stamped it. */
  timestamp: number;
}

/**
 * kafkajs headers -> plain strings. Kafka allows a header name to repeat (kafkajs then gives an array); the last
 * value wins, as in the Java client's `lastHeader`, so a hop that appends an override is honoured.
 */
export function headersToRecord(headers: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  if (headers === null || typeof headers !== 'object') return record;
  for (const [name, raw] of Object.entries(headers as Record<string, unknown>)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined || value === null) continue;
    record[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return record;
}

export function toKafkaMessage(message: OutgoingMessage): Message {
  return { key: message.key ?? null, value: message.value, headers: { ...message.headers } };
}

export function fromKafkaMessage(topic: string, partition: number, message: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    // A tombstone (null value) reaches handlers as an empty body rather than a null they must all check for.
    value: message.value ?? Buffer.alloc(0),
    headers: headersToRecord(message.headers),
    timestamp: Number(message.timestamp),
  };
}
