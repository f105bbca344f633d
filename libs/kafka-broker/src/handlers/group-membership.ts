import { JoinResult, SyncResult } from '../group/group-coordinator';
import { ErrorCode } from '../protocol/error-codes';
import { ProtocolWriter } from '../protocol/writer';
import { RequestHandler, writeThrottle } from './request-context';

/** JoinGroup v0–v5. The reply is held until the rebalance completes for every member. */
export const handleJoinGroup: RequestHandler = (ctx, r) => {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const sessionTimeoutMs = r.int32();
  const rebalanceTimeoutMs = v >= 1 ? r.int32() : sessionTimeoutMs;
  const memberId = r.string();
  const groupInstanceId = v >= 5 ? r.nullableString() : null;
  const protocolType = r.string();
  const protocols = r.array((r) => ({ name: r.string(), metadata: r.bytes() }));

  return new Promise<ProtocolWriter>((resolve) => {
    ctx.broker.groups.join(
      { groupId, memberId, groupInstanceId, clientId: ctx.clientId, clientHost: ctx.clientHost, sessionTimeoutMs, rebalanceTimeoutMs, protocolType, protocols },
      (res: JoinResult) => {
        const w = new ProtocolWriter();
        writeThrottle(w, v >= 2);
        w.int16(res.errorCode).int32(res.generationId).string(res.protocolName).string(res.leaderId).string(res.memberId);
        w.array(res.members, (w, m) => {
          w.string(m.memberId);
          if (v >= 5) w.nullableString(m.groupInstanceId);
          w.bytes(m.metadata);
        });
        resolve(w);
      },
    );
  });
};

/** SyncGroup v0–v3. Followers' replies are held until the leader sends the assignment. */
export const handleSyncGroup: RequestHandler = (ctx, r) => {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  if (v >= 3) r.nullableString(); // group_instance_id
  const assignments = r.array((r) => ({ memberId: r.string(), assignment: r.bytes() }));
  return new Promise<ProtocolWriter>((resolve) => {
    ctx.broker.groups.sync(groupId, generationId, memberId, assignments, (res: SyncResult) => {
      const w = new ProtocolWriter();
      writeThrottle(w, v >= 1);
      w.int16(res.errorCode).bytes(res.assignment);
      resolve(w);
    });
  });
};

/** Heartbeat v0–v3: REBALANCE_IN_PROGRESS tells the member to rejoin. */
export const handleHeartbeat: RequestHandler = (ctx, r) => {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  if (v >= 3) r.nullableString(); // group_instance_id
  const w = new ProtocolWriter();
  writeThrottle(w, v >= 1);
  return w.int16(ctx.broker.groups.heartbeat(groupId, generationId, memberId));
};

/** LeaveGroup v0–v3 (v3 may remove several members at once). */
export const handleLeaveGroup: RequestHandler = (ctx, r) => {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const members =
    v >= 3
      ? r.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }))
      : [{ memberId: r.string(), groupInstanceId: null as string | null }];
  const results = ctx.broker.groups.leave(groupId, members.map((m) => m.memberId));
  const w = new ProtocolWriter();
  writeThrottle(w, v >= 1);
  if (v < 3) return w.int16(results[0].errorCode);
  w.int16(ErrorCode.None);
  w.array(results, (w, res) => w.string(res.memberId).nullableString(null).int16(res.errorCode));
  return w;
};
