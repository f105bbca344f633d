import { ApiKey } from '../protocol/api-keys';
import { handleApiVersions } from './api-versions';
import { handleFetch } from './fetch';
import { handleDeleteGroups, handleDescribeGroups, handleListGroups } from './group-admin';
import { handleHeartbeat, handleJoinGroup, handleLeaveGroup, handleSyncGroup } from './group-membership';
import { handleListOffsets } from './list-offsets';
import { handleMetadata } from './metadata';
import { handleOffsetCommit, handleOffsetFetch } from './offsets';
import { handleProduce } from './produce';
import { handleFindCoordinator, handleInitProducerId } from './producer-ids';
import { RequestHandler } from './request-context';
import { handleCreatePartitions, handleCreateTopics, handleDeleteTopics } from './topic-admin';

/** One handler per API key; SUPPORTED_VERSIONS (protocol/api-keys.ts) says which versions reach it. */
export const HANDLERS: ReadonlyMap<ApiKey, RequestHandler> = new Map<ApiKey, RequestHandler>([
  [ApiKey.Produce, handleProduce],
  [ApiKey.Fetch, handleFetch],
  [ApiKey.ListOffsets, handleListOffsets],
  [ApiKey.Metadata, handleMetadata],
  [ApiKey.OffsetCommit, handleOffsetCommit],
  [ApiKey.OffsetFetch, handleOffsetFetch],
  [ApiKey.FindCoordinator, handleFindCoordinator],
  [ApiKey.JoinGroup, handleJoinGroup],
  [ApiKey.Heartbeat, handleHeartbeat],
  [ApiKey.LeaveGroup, handleLeaveGroup],
  [ApiKey.SyncGroup, handleSyncGroup],
  [ApiKey.DescribeGroups, handleDescribeGroups],
  [ApiKey.ListGroups, handleListGroups],
  [ApiKey.ApiVersions, handleApiVersions],
  [ApiKey.CreateTopics, handleCreateTopics],
  [ApiKey.DeleteTopics, handleDeleteTopics],
  [ApiKey.InitProducerId, handleInitProducerId],
  [ApiKey.CreatePartitions, handleCreatePartitions],
  [ApiKey.DeleteGroups, handleDeleteGroups],
]);
