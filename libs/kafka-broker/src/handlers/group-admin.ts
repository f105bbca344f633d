import { ErrorCode } from '../protocol/error-codes';
import { ProtocolWriter } from '../protocol/writer';
import { RequestHandler, writeThrottle } from './request-context';

/** DescribeGroups v0–v2. An unknown group is described as "Dead", which is what Kafka answers. */
export const handleDescribeGroups: RequestHandler = (ctx, r) => {
  const v = ctx.apiVersion;
  const ids = r.array((r) => r.string());
  const w = new ProtocolWriter();
  writeThrottle(w, v >= 1);
  w.array(ids, (w, id) => {
    const g = ctx.broker.groups.describe(id);
    w.int16(ErrorCode.None).string(g.groupId).string(g.state).string(g.protocolType).string(g.protocolName);
    w.array(g.members, (w, m) => w.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment));
  });
  return w;
};

/** ListGroups v0–v2. */
export const handleListGroups: RequestHandler = (ctx) => {
  const v = ctx.apiVersion;
  const w = new ProtocolWriter();
  writeThrottle(w, v >= 1);
  w.int16(ErrorCode.None);
  w.array(ctx.broker.groups.list(), (w, g) => w.string(g.groupId).string(g.protocolType));
  return w;
};

/** DeleteGroups v0–v1: only groups without members; their committed offsets are deleted. */
export const handleDeleteGroups: RequestHandler = (ctx, r) => {
  const ids = r.array((r) => r.string());
  const w = new ProtocolWriter();
  w.int32(0);
  w.array(ids, (w, id) => w.string(id).int16(ctx.broker.groups.delete(id)));
  return w;
};
