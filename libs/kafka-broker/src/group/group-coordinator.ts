import { randomUUID } from 'node:crypto';
import { BrokerLogger } from '../broker-logger';
import { ErrorCode } from '../protocol/error-codes';
import { OffsetStore } from './offset-store';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface ProtocolOffer {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinRequest {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly ProtocolOffer[];
}

export interface JoinResult {
  readonly errorCode: ErrorCode;
  readonly generationId: number;
  readonly protocolName: string;
  readonly leaderId: string;
  readonly memberId: string;
  /** Filled for the leader only: every member with its metadata for the chosen protocol. */
  readonly members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  readonly errorCode: ErrorCode;
  readonly assignment: Buffer;
}

export interface GroupDescription {
  readonly groupId: string;
  readonly state: GroupState;
  readonly protocolType: string;
  readonly protocolName: string;
  readonly members: { memberId: string; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }[];
}

export interface CoordinatorSettings {
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  /** How long a new group waits for more members before the first generation (Kafka: 3 s; here ≈ 0). */
  readonly initialRebalanceDelayMs: number;
}

const EMPTY = Buffer.alloc(0);

class Member {
  protocols: readonly ProtocolOffer[] = [];
  assignment: Buffer = EMPTY;
  pendingJoin: ((r: JoinResult) => void) | null = null;
  pendingSync: ((r: SyncResult) => void) | null = null;
  sessionTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly id: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public sessionTimeoutMs: number,
    public rebalanceTimeoutMs: number,
  ) {}

  metadataFor(protocol: string): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY;
  }
}

class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType = '';
  protocolName = '';
  leaderId = '';
  readonly members = new Map<string, Member>();
  rebalanceTimer: NodeJS.Timeout | null = null;
  /** True while a new group waits out the initial rebalance delay for more members to arrive. */
  delayingFirstRebalance = false;

  constructor(readonly id: string) {}
}

/**
 * Kafka's group membership protocol for one node: JoinGroup / SyncGroup / Heartbeat / LeaveGroup with real
 * rebalances. A rebalance holds every JoinGroup reply until all known members have rejoined (or the rebalance
 * timeout removes the ones that did not), then answers them together with a new generation; the leader's
 * SyncGroup assignment is handed to every member. Members that stop heartbeating are evicted after their
 * session timeout, which starts the next rebalance.
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly offsets: OffsetStore,
    private readonly settings: CoordinatorSettings,
    private readonly logger: BrokerLogger,
  ) {}

  join(req: JoinRequest, reply: (r: JoinResult) => void): void {
    const fail = (errorCode: ErrorCode): void =>
      reply({ errorCode, generationId: -1, protocolName: '', leaderId: '', memberId: req.memberId, members: [] });
    if (!req.groupId) return fail(ErrorCode.InvalidGroupId);
    if (req.sessionTimeoutMs < this.settings.minSessionTimeoutMs || req.sessionTimeoutMs > this.settings.maxSessionTimeoutMs) {
      return fail(ErrorCode.InvalidSessionTimeout);
    }
    if (!req.protocolType || req.protocols.length === 0) return fail(ErrorCode.InconsistentGroupProtocol);

    let group = this.groups.get(req.groupId);
    if (!group) this.groups.set(req.groupId, (group = new Group(req.groupId)));
    if (group.members.size > 0 && (req.protocolType !== group.protocolType || !this.protocolsCompatible(group, req.protocols))) {
      return fail(ErrorCode.InconsistentGroupProtocol);
    }

    let member: Member | undefined;
    if (req.memberId === '') {
      member = new Member(`${req.clientId}-${randomUUID()}`, req.groupInstanceId, req.clientId, req.clientHost, req.sessionTimeoutMs, req.rebalanceTimeoutMs);
      group.members.set(member.id, member);
      this.logger.info({ group: group.id, member: member.id }, 'member joined the group');
    } else {
      member = group.members.get(req.memberId);
      if (!member) return fail(ErrorCode.UnknownMemberId);
      // A follower rejoining a stable group with unchanged protocols gets the current generation back,
      // without forcing everyone else through a rebalance.
      if (group.state === 'Stable' && member.id !== group.leaderId && sameProtocols(member.protocols, req.protocols)) {
        this.touch(group, member);
        return reply({
          errorCode: ErrorCode.None,
          generationId: group.generationId,
          protocolName: group.protocolName,
          leaderId: group.leaderId,
          memberId: member.id,
          members: [],
        });
      }
    }
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.protocols = req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) }));
    group.protocolType = req.protocolType;
    if (member.pendingJoin) member.pendingJoin(this.joinError(member.id, ErrorCode.RebalanceInProgress));
    member.pendingJoin = reply;
    this.stopSessionTimer(member); // a member waiting in a rebalance is bounded by the rebalance timeout instead

    if (group.state !== 'PreparingRebalance') this.prepareRebalance(group, `member ${member.id} joined`);
    else this.maybeCompleteJoin(group);
  }

  sync(groupId: string, generationId: number, memberId: string, assignments: { memberId: string; assignment: Buffer }[], reply: (r: SyncResult) => void): void {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return reply({ errorCode: ErrorCode.UnknownMemberId, assignment: EMPTY });
    if (generationId !== group.generationId) return reply({ errorCode: ErrorCode.IllegalGeneration, assignment: EMPTY });
    if (group.state === 'PreparingRebalance') return reply({ errorCode: ErrorCode.RebalanceInProgress, assignment: EMPTY });
    this.touch(group, member);
    if (group.state === 'Stable') return reply({ errorCode: ErrorCode.None, assignment: member.assignment });

    // CompletingRebalance: followers wait for the leader's assignment.
    if (member.pendingSync) member.pendingSync({ errorCode: ErrorCode.RebalanceInProgress, assignment: EMPTY });
    member.pendingSync = reply;
    // A member waiting for its assignment cannot heartbeat (kafkajs sends nothing while a request is held), so it
    // stays alive; a leader that never sends the assignment is what times out, and that rebalances everyone.
    if (memberId !== group.leaderId) {
      this.stopSessionTimer(member);
      return;
    }
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    for (const m of group.members.values()) m.assignment = Buffer.from(byMember.get(m.id) ?? EMPTY);
    group.state = 'Stable';
    this.logger.info({ group: group.id, generation: group.generationId, members: group.members.size }, 'group is stable');
    for (const m of group.members.values()) {
      const pending = m.pendingSync;
      m.pendingSync = null;
      this.touch(group, m);
      pending?.({ errorCode: ErrorCode.None, assignment: m.assignment });
    }
  }

  heartbeat(groupId: string, generationId: number, memberId: string): ErrorCode {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UnknownMemberId;
    if (group.state === 'PreparingRebalance') {
      // Still alive (Kafka resets the session here too): only the rebalance timeout may remove it for not rejoining.
      this.touch(group, member);
      return ErrorCode.RebalanceInProgress;
    }
    if (generationId !== group.generationId) return ErrorCode.IllegalGeneration;
    this.touch(group, member);
    return ErrorCode.None;
  }

  leave(groupId: string, memberIds: string[]): { memberId: string; errorCode: ErrorCode }[] {
    const group = this.groups.get(groupId);
    return memberIds.map((memberId) => {
      const member = group?.members.get(memberId);
      if (!group || !member) return { memberId, errorCode: ErrorCode.UnknownMemberId };
      this.removeMember(group, member, 'left the group');
      return { memberId, errorCode: ErrorCode.None };
    });
  }

  /** Whether an offset commit from this member may be accepted now. */
  validateCommit(groupId: string, generationId: number, memberId: string): ErrorCode {
    const group = this.groups.get(groupId);
    if (!groupId) return ErrorCode.InvalidGroupId;
    if (generationId < 0 && memberId === '') {
      // A "simple" commit by a client that manages its own partitions: only allowed while nobody is a member.
      return group && group.members.size > 0 ? ErrorCode.IllegalGeneration : ErrorCode.None;
    }
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UnknownMemberId;
    // As on Kafka, the current generation may still commit while others rejoin: an eager consumer commits what it
    // consumed when its partitions are revoked, before rejoining or leaving (librdkafka's commit on unassign).
    if (group.state === 'CompletingRebalance') return ErrorCode.RebalanceInProgress;
    if (generationId !== group.generationId) return ErrorCode.IllegalGeneration;
    this.touch(group, member);
    return ErrorCode.None;
  }

  describe(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    if (!group) {
      return { groupId, state: this.offsets.hasGroup(groupId) ? 'Empty' : 'Dead', protocolType: '', protocolName: '', members: [] };
    }
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType,
      protocolName: group.state === 'Stable' || group.state === 'CompletingRebalance' ? group.protocolName : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.id,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: m.metadataFor(group.protocolName),
        assignment: m.assignment,
      })),
    };
  }

  /** Groups with members or with committed offsets (Kafka lists both). */
  list(): { groupId: string; protocolType: string; state: GroupState }[] {
    const ids = new Set([...this.groups.keys(), ...this.offsets.groupIds()]);
    return [...ids].map((id) => {
      const g = this.groups.get(id);
      return { groupId: id, protocolType: g?.protocolType ?? 'consumer', state: g?.state ?? 'Empty' };
    });
  }

  delete(groupId: string): ErrorCode {
    const group = this.groups.get(groupId);
    if (group && group.members.size > 0) return ErrorCode.NonEmptyGroup;
    if (!group && !this.offsets.hasGroup(groupId)) return ErrorCode.GroupIdNotFound;
    this.groups.delete(groupId);
    this.offsets.deleteGroup(groupId);
    this.logger.info({ group: groupId }, 'group deleted');
    return ErrorCode.None;
  }

  shutdown(): void {
    for (const group of this.groups.values()) {
      if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
      for (const m of group.members.values()) this.stopSessionTimer(m);
    }
    this.groups.clear();
  }

  private protocolsCompatible(group: Group, offered: readonly ProtocolOffer[]): boolean {
    const names = new Set(offered.map((p) => p.name));
    for (const m of group.members.values()) {
      if (!m.protocols.some((p) => names.has(p.name))) return false;
    }
    return true;
  }

  private joinError(memberId: string, errorCode: ErrorCode): JoinResult {
    return { errorCode, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
  }

  private prepareRebalance(group: Group, reason: string): void {
    if (group.state === 'CompletingRebalance') {
      // Members still waiting for the old generation's assignment must rejoin.
      for (const m of group.members.values()) {
        m.assignment = EMPTY;
        const pending = m.pendingSync;
        m.pendingSync = null;
        pending?.({ errorCode: ErrorCode.RebalanceInProgress, assignment: EMPTY });
      }
    }
    const wasEmpty = group.state === 'Empty';
    group.state = 'PreparingRebalance';
    this.logger.info({ group: group.id, reason }, 'rebalance started');
    let timeout = 0;
    for (const m of group.members.values()) timeout = Math.max(timeout, m.rebalanceTimeoutMs);
    if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
    if (wasEmpty && this.settings.initialRebalanceDelayMs > 0) {
      group.delayingFirstRebalance = true;
      group.rebalanceTimer = setTimeout(() => {
        group.delayingFirstRebalance = false;
        group.rebalanceTimer = setTimeout(() => this.completeJoin(group), timeout);
        this.maybeCompleteJoin(group);
      }, this.settings.initialRebalanceDelayMs);
      return;
    }
    group.rebalanceTimer = setTimeout(() => this.completeJoin(group), timeout);
    this.maybeCompleteJoin(group);
  }

  private maybeCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance' || group.delayingFirstRebalance) return;
    for (const m of group.members.values()) if (!m.pendingJoin) return;
    if (group.members.size === 0) return;
    this.completeJoin(group);
  }

  /** Ends the join phase: members that did not rejoin are dropped, the rest get the new generation. */
  private completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = null;
    group.delayingFirstRebalance = false;
    for (const m of [...group.members.values()]) {
      if (!m.pendingJoin) {
        this.logger.info({ group: group.id, member: m.id }, 'member did not rejoin in time; removed');
        this.stopSessionTimer(m);
        group.members.delete(m.id);
      }
    }
    group.generationId++;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.leaderId = '';
      group.protocolName = '';
      return;
    }
    group.protocolName = this.chooseProtocol(group);
    if (!group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value as string;
    group.state = 'CompletingRebalance';
    this.logger.info(
      { group: group.id, generation: group.generationId, leader: group.leaderId, members: group.members.size },
      'rebalance completed; awaiting assignment',
    );
    const everyone = [...group.members.values()].map((m) => ({
      memberId: m.id,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadataFor(group.protocolName),
    }));
    for (const m of group.members.values()) {
      const pending = m.pendingJoin;
      m.pendingJoin = null;
      this.touch(group, m);
      pending?.({
        errorCode: ErrorCode.None,
        generationId: group.generationId,
        protocolName: group.protocolName,
        leaderId: group.leaderId,
        memberId: m.id,
        members: m.id === group.leaderId ? everyone : [],
      });
    }
  }

  /** Kafka's vote: each member votes for its most preferred protocol that every member supports. */
  private chooseProtocol(group: Group): string {
    const members = [...group.members.values()];
    const common = members[0].protocols.map((p) => p.name).filter((n) => members.every((m) => m.protocols.some((p) => p.name === n)));
    const votes = new Map<string, number>();
    for (const m of members) {
      const choice = m.protocols.find((p) => common.includes(p.name))?.name;
      if (choice) votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = common[0];
    for (const name of common) if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
    return best;
  }

  /** Proof of life: restarts the member's session timer. */
  private touch(group: Group, member: Member): void {
    this.stopSessionTimer(member);
    member.sessionTimer = setTimeout(() => {
      member.sessionTimer = null;
      if (group.members.get(member.id) === member && !member.pendingJoin && !member.pendingSync) {
        this.removeMember(group, member, `session timed out after ${member.sessionTimeoutMs} ms`);
      }
    }, member.sessionTimeoutMs);
  }

  private stopSessionTimer(member: Member): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
  }

  private removeMember(group: Group, member: Member, reason: string): void {
    this.stopSessionTimer(member);
    group.members.delete(member.id);
    this.logger.info({ group: group.id, member: member.id, reason }, 'member removed from the group');
    // Held replies must always be answered: responses on a connection go out in order.
    const join = member.pendingJoin;
    member.pendingJoin = null;
    join?.(this.joinError(member.id, ErrorCode.UnknownMemberId));
    const sync = member.pendingSync;
    member.pendingSync = null;
    sync?.({ errorCode: ErrorCode.UnknownMemberId, assignment: EMPTY });

    if (group.state === 'PreparingRebalance') {
      if (group.members.size === 0) this.completeJoin(group);
      else this.maybeCompleteJoin(group);
      return;
    }
    if (group.members.size === 0) {
      if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
      group.rebalanceTimer = null;
      group.generationId++;
      group.state = 'Empty';
      group.leaderId = '';
      group.protocolName = '';
      return;
    }
    this.prepareRebalance(group, `member ${member.id} ${reason}`);
  }
}

function sameProtocols(a: readonly ProtocolOffer[], b: readonly ProtocolOffer[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i].name && p.metadata.equals(b[i].metadata));
}
