/** Storage settings of one topic; broker-wide defaults can be overridden per topic at creation. */
export interface LogConfig {
  /** A segment file is rolled once it reaches this size. */
  readonly segmentBytes: number;
  /** …or once its first batch is this old, so that time-based retention can drop it. */
  readonly segmentMs: number;
  /** Old segments are deleted while the partition would still hold at least this much without them; -1 = no limit. */
  readonly retentionBytes: number;
  /** Segments whose newest record is older than this are deleted; -1 = keep forever. */
  readonly retentionMs: number;
  /** Largest record batch accepted from a producer. */
  readonly maxMessageBytes: number;
}

/** Kafka's topic-config names for the settings above, as CreateTopics sends them. */
export const TOPIC_CONFIG_KEYS: Readonly<Record<string, keyof LogConfig>> = {
  'segment.bytes': 'segmentBytes',
  'segment.ms': 'segmentMs',
  'retention.bytes': 'retentionBytes',
  'retention.ms': 'retentionMs',
  'max.message.bytes': 'maxMessageBytes',
};
