/** The Kafka APIs this broker implements, and the version range it advertises for each (KAFKA-BROKER.md). */
export enum ApiKey {
  Produce = 0,
  Fetch = 1,
  ListOffsets = 2,
  Metadata = 3,
  OffsetCommit = 8,
  OffsetFetch = 9,
  FindCoordinator = 10,
  JoinGroup = 11,
  Heartbeat = 12,
  LeaveGroup = 13,
  SyncGroup = 14,
  DescribeGroups = 15,
  ListGroups = 16,
  ApiVersions = 18,
  CreateTopics = 19,
  DeleteTopics = 20,
  InitProducerId = 22,
  CreatePartitions = 37,
  DeleteGroups = 42,
}

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/**
 * Why these ranges: only ApiVersions v3 uses flexible (tagged-field) encoding, and librdkafka's group consumer
 * needs the group APIs to include v0. OffsetFetch starts at 1 because kafkajs crashes if its max is 0.
 * Metadata stops at 6 (v7 adds leader epochs), Fetch at 11 (v12 is flexible).
 */
export const SUPPORTED_VERSIONS: ReadonlyMap<ApiKey, VersionRange> = new Map([
  [ApiKey.Produce, { min: 3, max: 7 }],
  [ApiKey.Fetch, { min: 4, max: 11 }],
  [ApiKey.ListOffsets, { min: 0, max: 3 }],
  [ApiKey.Metadata, { min: 1, max: 6 }],
  [ApiKey.OffsetCommit, { min: 0, max: 5 }],
  [ApiKey.OffsetFetch, { min: 1, max: 4 }],
  [ApiKey.FindCoordinator, { min: 0, max: 2 }],
  [ApiKey.JoinGroup, { min: 0, max: 5 }],
  [ApiKey.Heartbeat, { min: 0, max: 3 }],
  [ApiKey.LeaveGroup, { min: 0, max: 3 }],
  [ApiKey.SyncGroup, { min: 0, max: 3 }],
  [ApiKey.DescribeGroups, { min: 0, max: 2 }],
  [ApiKey.ListGroups, { min: 0, max: 2 }],
  [ApiKey.ApiVersions, { min: 0, max: 3 }],
  [ApiKey.CreateTopics, { min: 0, max: 3 }],
  [ApiKey.DeleteTopics, { min: 0, max: 1 }],
  [ApiKey.InitProducerId, { min: 0, max: 1 }],
  [ApiKey.CreatePartitions, { min: 0, max: 1 }],
  [ApiKey.DeleteGroups, { min: 0, max: 1 }],
]);

/** Request header v2 (with tagged fields) is used only by the flexible versions we accept. */
export function isFlexibleRequest(apiKey: number, version: number): boolean {
  return apiKey === ApiKey.ApiVersions && version >= 3;
}

export function apiName(apiKey: number): string {
  return ApiKey[apiKey] ?? `unknown(${apiKey})`;
}
