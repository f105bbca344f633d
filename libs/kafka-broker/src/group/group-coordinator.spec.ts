import { silentLogger } from '../broker-logger';
import { ErrorCode } from '../protocol/error-codes';
import { CoordinatorSettings, GroupCoordinator, JoinRequest, JoinResult, ProtocolOffer, SyncResult } from './group-coordinator';
import { OffsetStore } from './offset-store';

/** The part of OffsetStore the coordinator uses, in memory. */
class FakeOffsets {
  readonly groups = new Set<string>();
  readonly deleteGroup = jest.fn((g: string) => void this.groups.delete(g));
  hasGroup(g: string): boolean {
    return this.groups.has(g);
  }
  groupIds(): string[] {
    return [...this.groups];
  }
}

/** A held reply: what the coordinator has answered so far. */
interface Held<T> {
  readonly calls: T[];
  readonly reply: (r: T) => void;
  /** The single answer; fails the test if there is none or more than one. */
  result(): T;
}

function held<T>(): Held<T> {
  const calls: T[] = [];
  return {
    calls,
    reply: (r) => void calls.push(r),
    result() {
      expect(calls).toHaveLength(1);
      return calls[0];
    },
  };
}

const SESSION = 10_000;
const REBALANCE = 60_000;
const GROUP = 'orders-service';

function offer(name: string, metadata = name): ProtocolOffer {
  return { name, metadata: Buffer.from(metadata) };
}

describe('GroupCoordinator', () => {
  let offsets: FakeOffsets;
  let coordinator: GroupCoordinator;

  const create = (settings: Partial<CoordinatorSettings> = {}): GroupCoordinator => {
    coordinator?.shutdown();
    coordinator = new GroupCoordinator(
      offsets as unknown as OffsetStore,
      { minSessionTimeoutMs: 1000, maxSessionTimeoutMs: 300_000, initialRebalanceDelayMs: 0, ...settings },
      silentLogger,
    );
    return coordinator;
  };

  function join(req: Partial<JoinRequest> & { clientId?: string } = {}): Held<JoinResult> {
    const h = held<JoinResult>();
    const clientId = req.clientId ?? 'client';
    coordinator.join(
      {
        groupId: GROUP,
        memberId: '',
        groupInstanceId: null,
        clientHost: '/127.0.0.1',
        sessionTimeoutMs: SESSION,
        rebalanceTimeoutMs: REBALANCE,
        protocolType: 'consumer',
        protocols: [offer('RoundRobinAssigner', `meta-${clientId}`)],
        ...req,
        clientId,
      },
      h.reply,
    );
    return h;
  }

  function sync(memberId: string, generationId: number, assignments: Record<string, string> = {}): Held<SyncResult> {
    const h = held<SyncResult>();
    const list = Object.entries(assignments).map(([m, a]) => ({ memberId: m, assignment: Buffer.from(a) }));
    coordinator.sync(GROUP, generationId, memberId, list, h.reply);
    return h;
  }

  const state = (groupId = GROUP): string => coordinator.describe(groupId).state;
  const memberIds = (): string[] => coordinator.describe(GROUP).members.map((m) => m.memberId);

  /** One member, joined and synced: a Stable group at generation 1. */
  function stableSingle(clientId = 'a', extra: Partial<JoinRequest> = {}): string {
    const a = join({ clientId, ...extra }).result();
    expect(a.generationId).toBe(1);
    expect(sync(a.memberId, 1, { [a.memberId]: `for-${clientId}` }).result().errorCode).toBe(ErrorCode.None);
    return a.memberId;
  }

  /** Two members joined (A leader, B follower) at generation 2, in CompletingRebalance. */
  function twoJoined(): { a: string; b: string } {
    const a = stableSingle('a');
    const bJoin = join({ clientId: 'b' });
    const aJoin = join({ clientId: 'a', memberId: a });
    const b = bJoin.result().memberId;
    expect(aJoin.result()).toMatchObject({ generationId: 2, leaderId: a });
    expect(bJoin.result()).toMatchObject({ generationId: 2, leaderId: a });
    return { a, b };
  }

  /** Two members, both synced: Stable at generation 2. */
  function twoStable(): { a: string; b: string } {
    const ids = twoJoined();
    expect(sync(ids.b, 2).calls).toHaveLength(0);
    sync(ids.a, 2, { [ids.a]: 'for-a', [ids.b]: 'for-b' });
    expect(state()).toBe('Stable');
    return ids;
  }

  beforeEach(() => {
    jest.useFakeTimers();
    offsets = new FakeOffsets();
    create();
  });

  afterEach(() => {
    coordinator.shutdown();
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  describe('join', () => {
    it('gives a lone member generation 1, a new member id, and the member list as leader', () => {
      const res = join({ clientId: 'svc-a' }).result();
      expect(res.errorCode).toBe(ErrorCode.None);
      expect(res.memberId).toMatch(/^svc-a-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(res).toEqual({
        errorCode: ErrorCode.None,
        generationId: 1,
        protocolName: 'RoundRobinAssigner',
        leaderId: res.memberId,
        memberId: res.memberId,
        members: [{ memberId: res.memberId, groupInstanceId: null, metadata: Buffer.from('meta-svc-a') }],
      });
      expect(coordinator.describe(GROUP)).toMatchObject({ state: 'CompletingRebalance', protocolType: 'consumer', protocolName: 'RoundRobinAssigner' });
    });

    it('copies the offered metadata (the request frame is reused)', () => {
      const metadata = Buffer.from('original');
      const res = join({ protocols: [{ name: 'p', metadata }] }).result();
      metadata.write('XXXXXXXX');
      expect(coordinator.describe(GROUP).members[0].metadata.toString()).toBe('original');
      expect(res.members[0].metadata.toString()).toBe('original');
    });

    it.each<[string, Partial<JoinRequest>, ErrorCode]>([
      ['an empty group id', { groupId: '' }, ErrorCode.InvalidGroupId],
      ['a session timeout below the minimum', { sessionTimeoutMs: 999 }, ErrorCode.InvalidSessionTimeout],
      ['a session timeout above the maximum', { sessionTimeoutMs: 300_001 }, ErrorCode.InvalidSessionTimeout],
      ['no protocol type', { protocolType: '' }, ErrorCode.InconsistentGroupProtocol],
      ['no protocols', { protocols: [] }, ErrorCode.InconsistentGroupProtocol],
      ['an unknown member id', { memberId: 'ghost' }, ErrorCode.UnknownMemberId],
    ])('rejects %s', (_name, req, code) => {
      expect(join(req).result()).toEqual({ errorCode: code, generationId: -1, protocolName: '', leaderId: '', memberId: req.memberId ?? '', members: [] });
    });

    it('rejects a member whose protocol type or protocols do not fit the group', () => {
      stableSingle();
      expect(join({ protocolType: 'connect' }).result().errorCode).toBe(ErrorCode.InconsistentGroupProtocol);
      expect(join({ protocols: [offer('range')] }).result().errorCode).toBe(ErrorCode.InconsistentGroupProtocol);
      expect(state()).toBe('Stable');
      expect(memberIds()).toHaveLength(1);
    });

    it('holds a new member’s join until every known member has rejoined', () => {
      const a = stableSingle('a');
      const bJoin = join({ clientId: 'b' });
      expect(bJoin.calls).toHaveLength(0);
      expect(state()).toBe('PreparingRebalance');
      expect(coordinator.heartbeat(GROUP, 1, a)).toBe(ErrorCode.RebalanceInProgress);
      jest.advanceTimersByTime(SESSION - 1);
      expect(bJoin.calls).toHaveLength(0);

      const aJoin = join({ clientId: 'a', memberId: a });
      const b = bJoin.result().memberId;
      expect(aJoin.result()).toEqual({
        errorCode: ErrorCode.None,
        generationId: 2,
        protocolName: 'RoundRobinAssigner',
        leaderId: a,
        memberId: a,
        members: [
          { memberId: a, groupInstanceId: null, metadata: Buffer.from('meta-a') },
          { memberId: b, groupInstanceId: null, metadata: Buffer.from('meta-b') },
        ],
      });
      expect(bJoin.result()).toMatchObject({ errorCode: ErrorCode.None, generationId: 2, leaderId: a, memberId: b, members: [] });
      expect(state()).toBe('CompletingRebalance');
    });

    it('removes members that do not rejoin within the rebalance timeout', () => {
      const a = stableSingle('a', { sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 5000 });
      const bJoin = join({ clientId: 'b', sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 5000 });
      jest.advanceTimersByTime(4999);
      expect(bJoin.calls).toHaveLength(0);
      expect(memberIds()).toContain(a);
      jest.advanceTimersByTime(1);
      const b = bJoin.result();
      expect(b).toMatchObject({ errorCode: ErrorCode.None, generationId: 2, leaderId: b.memberId });
      expect(b.members.map((m) => m.memberId)).toEqual([b.memberId]);
      expect(memberIds()).toEqual([b.memberId]);
      expect(coordinator.heartbeat(GROUP, 1, a)).toBe(ErrorCode.UnknownMemberId);
    });

    it('waits for the longest rebalance timeout among the members', () => {
      stableSingle('a', { sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 20_000 });
      const bJoin = join({ clientId: 'b', sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 5000 });
      jest.advanceTimersByTime(19_999);
      expect(bJoin.calls).toHaveLength(0);
      jest.advanceTimersByTime(1);
      expect(bJoin.result().generationId).toBe(2);
    });

    it('answers an earlier held join of the same member with REBALANCE_IN_PROGRESS', () => {
      const a = stableSingle('a');
      const bJoin = join({ clientId: 'b' });
      const b = memberIds().find((m) => m !== a)!;
      expect(bJoin.calls).toHaveLength(0);
      const bAgain = join({ clientId: 'b', memberId: b });
      expect(bJoin.result()).toMatchObject({ errorCode: ErrorCode.RebalanceInProgress, memberId: b, generationId: -1 });
      join({ clientId: 'a', memberId: a });
      expect(bAgain.result()).toMatchObject({ errorCode: ErrorCode.None, generationId: 2 });
    });

    it('gives a follower that rejoins a stable group with the same protocols the current generation, without a rebalance', () => {
      const { a, b } = twoStable();
      const again = join({ clientId: 'b', memberId: b }).result();
      expect(again).toEqual({ errorCode: ErrorCode.None, generationId: 2, protocolName: 'RoundRobinAssigner', leaderId: a, memberId: b, members: [] });
      expect(state()).toBe('Stable');
      // The leader rejoining does start a rebalance.
      const aJoin = join({ clientId: 'a', memberId: a });
      expect(state()).toBe('PreparingRebalance');
      expect(aJoin.calls).toHaveLength(0);
    });

    it('chooses the protocol most members prefer among those all of them support', () => {
      const a = join({ clientId: 'a', protocols: [offer('range', 'ra'), offer('roundrobin', 'rra'), offer('sticky')] }).result().memberId;
      const bJoin = join({ clientId: 'b', protocols: [offer('roundrobin', 'rrb'), offer('range', 'rb')] });
      const cJoin = join({ clientId: 'c', protocols: [offer('roundrobin', 'rrc'), offer('range', 'rc')] });
      const aJoin = join({ clientId: 'a', memberId: a, protocols: [offer('range', 'ra'), offer('roundrobin', 'rra'), offer('sticky')] });
      const leader = aJoin.result();
      expect(leader.protocolName).toBe('roundrobin');
      expect(leader.members.map((m) => m.metadata.toString())).toEqual(['rra', 'rrb', 'rrc']);
      expect(bJoin.result().protocolName).toBe('roundrobin');
      expect(cJoin.result().protocolName).toBe('roundrobin');
    });
  });

  describe('sync', () => {
    it('holds followers until the leader syncs, then hands each member its own assignment', () => {
      const { a, b } = twoJoined();
      const bSync = sync(b, 2);
      expect(bSync.calls).toHaveLength(0);
      expect(state()).toBe('CompletingRebalance');
      const aSync = sync(a, 2, { [a]: 'for-a', [b]: 'for-b' });
      expect(aSync.result()).toEqual({ errorCode: ErrorCode.None, assignment: Buffer.from('for-a') });
      expect(bSync.result()).toEqual({ errorCode: ErrorCode.None, assignment: Buffer.from('for-b') });
      expect(state()).toBe('Stable');
      expect(coordinator.describe(GROUP).members.map((m) => m.assignment.toString())).toEqual(['for-a', 'for-b']);
    });

    it('answers a follower that syncs after the leader at once', () => {
      const { a, b } = twoJoined();
      sync(a, 2, { [a]: 'for-a', [b]: 'for-b' });
      expect(sync(b, 2).result()).toEqual({ errorCode: ErrorCode.None, assignment: Buffer.from('for-b') });
    });

    it('gives a member the leader left out an empty assignment', () => {
      const { a, b } = twoJoined();
      const bSync = sync(b, 2);
      sync(a, 2, { [a]: 'everything' });
      expect(bSync.result()).toEqual({ errorCode: ErrorCode.None, assignment: Buffer.alloc(0) });
    });

    it('rejects unknown members, stale generations, and syncs during a rebalance', () => {
      const { a } = twoJoined();
      expect(sync('ghost', 2).result().errorCode).toBe(ErrorCode.UnknownMemberId);
      expect(coordinator.describe(GROUP).state).toBe('CompletingRebalance');
      const other = held<SyncResult>();
      coordinator.sync('other-group', 2, a, [], other.reply);
      expect(other.result().errorCode).toBe(ErrorCode.UnknownMemberId);
      expect(sync(a, 1).result().errorCode).toBe(ErrorCode.IllegalGeneration);
      join({ clientId: 'c' });
      expect(sync(a, 2).result()).toEqual({ errorCode: ErrorCode.RebalanceInProgress, assignment: Buffer.alloc(0) });
    });

    it('answers held followers with REBALANCE_IN_PROGRESS when a new rebalance starts before the leader syncs', () => {
      const { b } = twoJoined();
      const bSync = sync(b, 2);
      const cJoin = join({ clientId: 'c' });
      expect(bSync.result()).toEqual({ errorCode: ErrorCode.RebalanceInProgress, assignment: Buffer.alloc(0) });
      expect(state()).toBe('PreparingRebalance');
      expect(cJoin.calls).toHaveLength(0);
    });
  });

  describe('heartbeat', () => {
    it('answers NONE, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID and REBALANCE_IN_PROGRESS as the state demands', () => {
      const { a, b } = twoJoined();
      expect(coordinator.heartbeat(GROUP, 2, b)).toBe(ErrorCode.None); // CompletingRebalance, current generation
      sync(a, 2, { [a]: 'x', [b]: 'y' });
      expect(coordinator.heartbeat(GROUP, 2, a)).toBe(ErrorCode.None);
      expect(coordinator.heartbeat(GROUP, 1, a)).toBe(ErrorCode.IllegalGeneration);
      expect(coordinator.heartbeat(GROUP, 2, 'ghost')).toBe(ErrorCode.UnknownMemberId);
      expect(coordinator.heartbeat('no-such-group', 2, a)).toBe(ErrorCode.UnknownMemberId);
      join({ clientId: 'c' });
      expect(coordinator.heartbeat(GROUP, 2, a)).toBe(ErrorCode.RebalanceInProgress);
      expect(coordinator.heartbeat(GROUP, 2, b)).toBe(ErrorCode.RebalanceInProgress);
      expect([ErrorCode.IllegalGeneration, ErrorCode.UnknownMemberId, ErrorCode.RebalanceInProgress]).toEqual([22, 25, 27]);
    });
  });

  describe('session timeout', () => {
    it('evicts a silent member and starts a rebalance for the others', () => {
      const { a, b } = twoStable();
      for (let i = 0; i < 3; i++) {
        jest.advanceTimersByTime(3000);
        expect(coordinator.heartbeat(GROUP, 2, a)).toBe(ErrorCode.None);
      }
      expect(memberIds()).toEqual([a, b]);
      jest.advanceTimersByTime(SESSION - 9000 - 1);
      expect(memberIds()).toEqual([a, b]);
      jest.advanceTimersByTime(1);
      expect(memberIds()).toEqual([a]);
      expect(state()).toBe('PreparingRebalance');
      expect(coordinator.heartbeat(GROUP, 2, b)).toBe(ErrorCode.UnknownMemberId);
      expect(coordinator.heartbeat(GROUP, 2, a)).toBe(ErrorCode.RebalanceInProgress);
      const again = join({ clientId: 'a', memberId: a }).result();
      expect(again).toMatchObject({ errorCode: ErrorCode.None, generationId: 3, leaderId: a });
      expect(again.members.map((m) => m.memberId)).toEqual([a]);
    });

    it('keeps a follower that waits for its assignment alive, and evicts the leader that never sends it', () => {
      const { a, b } = twoJoined();
      const bSync = sync(b, 2); // held: the leader has not synced
      jest.advanceTimersByTime(SESSION - 1);
      expect(memberIds()).toEqual([a, b]);
      jest.advanceTimersByTime(1);
      // The leader went silent; the waiting follower did not expire, it is told to rejoin.
      expect(memberIds()).toEqual([b]);
      expect(bSync.result().errorCode).toBe(ErrorCode.RebalanceInProgress);
      expect(state()).toBe('PreparingRebalance');
      expect(join({ clientId: 'b', memberId: b }).result()).toMatchObject({ errorCode: ErrorCode.None, generationId: 3, leaderId: b });
    });

    it('empties the group when its only member goes silent', () => {
      const a = stableSingle();
      jest.advanceTimersByTime(SESSION);
      expect(state()).toBe('Empty');
      expect(coordinator.heartbeat(GROUP, 1, a)).toBe(ErrorCode.UnknownMemberId);
      expect(coordinator.validateCommit(GROUP, -1, '')).toBe(ErrorCode.None);
    });

    it('evicts a member that joined but never syncs', () => {
      const { a, b } = twoJoined();
      jest.advanceTimersByTime(SESSION - 1);
      expect(coordinator.heartbeat(GROUP, 2, a)).toBe(ErrorCode.None);
      jest.advanceTimersByTime(1);
      expect(memberIds()).toEqual([a]);
      expect(coordinator.heartbeat(GROUP, 2, b)).toBe(ErrorCode.UnknownMemberId);
    });

    it('counts commits as proof of life', () => {
      const a = stableSingle();
      jest.advanceTimersByTime(SESSION - 1000);
      expect(coordinator.validateCommit(GROUP, 1, a)).toBe(ErrorCode.None);
      jest.advanceTimersByTime(SESSION - 1000);
      expect(coordinator.heartbeat(GROUP, 1, a)).toBe(ErrorCode.None);
    });

    it('does not evict a member waiting in a held join', () => {
      const a = stableSingle('a');
      const bJoin = join({ clientId: 'b' });
      // A keeps heartbeating (answered REBALANCE_IN_PROGRESS) but takes longer than its session to rejoin, as an
      // eager consumer does while it finishes the batch in hand: only the rebalance timeout may remove it.
      for (let t = 0; t < 30_000; t += 3000) {
        jest.advanceTimersByTime(3000);
        expect(coordinator.heartbeat(GROUP, 1, a)).toBe(ErrorCode.RebalanceInProgress);
      }
      expect(bJoin.calls).toHaveLength(0);
      expect(memberIds()).toHaveLength(2);
      const aJoin = join({ clientId: 'a', memberId: a });
      expect(aJoin.result()).toMatchObject({ errorCode: ErrorCode.None, generationId: 2, leaderId: a });
      expect(bJoin.result()).toMatchObject({ errorCode: ErrorCode.None, generationId: 2 });
    });

    it('does not evict a member whose join is held, even if it heartbeats meanwhile', () => {
      const a = stableSingle('a', { sessionTimeoutMs: 30_000 });
      const bJoin = join({ clientId: 'b' });
      const b = memberIds().find((m) => m !== a)!;
      expect(coordinator.heartbeat(GROUP, -1, b)).toBe(ErrorCode.RebalanceInProgress);
      jest.advanceTimersByTime(SESSION + 1);
      expect(memberIds()).toEqual([a, b]);
      expect(bJoin.calls).toHaveLength(0);
      join({ clientId: 'a', memberId: a, sessionTimeoutMs: 30_000 });
      expect(bJoin.result()).toMatchObject({ errorCode: ErrorCode.None, generationId: 2, memberId: b });
    });

    it('removes a member that heartbeats through a rebalance but never rejoins at the rebalance timeout', () => {
      const a = stableSingle('a', { rebalanceTimeoutMs: 20_000 });
      const bJoin = join({ clientId: 'b', rebalanceTimeoutMs: 20_000 });
      for (let t = 0; t < 18_000; t += 3000) {
        jest.advanceTimersByTime(3000);
        expect(coordinator.heartbeat(GROUP, 1, a)).toBe(ErrorCode.RebalanceInProgress);
      }
      jest.advanceTimersByTime(1999);
      expect(bJoin.calls).toHaveLength(0);
      jest.advanceTimersByTime(1);
      expect(bJoin.result().members.map((m) => m.memberId)).toEqual([bJoin.result().memberId]);
      expect(coordinator.heartbeat(GROUP, 2, a)).toBe(ErrorCode.UnknownMemberId);
    });

    it('still evicts, during a rebalance, a member that stops heartbeating', () => {
      const a = stableSingle('a');
      const bJoin = join({ clientId: 'b' });
      jest.advanceTimersByTime(SESSION);
      const b = bJoin.result();
      expect(b).toMatchObject({ errorCode: ErrorCode.None, generationId: 2, leaderId: b.memberId });
      expect(memberIds()).toEqual([b.memberId]);
      expect(coordinator.heartbeat(GROUP, 1, a)).toBe(ErrorCode.UnknownMemberId);
    });
  });

  describe('leave', () => {
    it('empties the group when its last member leaves, and the next generation continues the count', () => {
      const a = stableSingle();
      expect(coordinator.leave(GROUP, [a])).toEqual([{ memberId: a, errorCode: ErrorCode.None }]);
      expect(coordinator.describe(GROUP)).toMatchObject({ state: 'Empty', members: [] });
      expect(jest.getTimerCount()).toBe(0);
      expect(join({ clientId: 'z' }).result().generationId).toBe(3);
    });

    it('rebalances the members that stay', () => {
      const { a, b } = twoStable();
      expect(coordinator.leave(GROUP, [b, 'ghost'])).toEqual([
        { memberId: b, errorCode: ErrorCode.None },
        { memberId: 'ghost', errorCode: ErrorCode.UnknownMemberId },
      ]);
      expect(state()).toBe('PreparingRebalance');
      expect(coordinator.heartbeat(GROUP, 2, a)).toBe(ErrorCode.RebalanceInProgress);
      const again = join({ clientId: 'a', memberId: a }).result();
      expect(again.generationId).toBe(3);
      expect(again.members.map((m) => m.memberId)).toEqual([a]);
    });

    it('answers a leaving member’s held join, and completes the rebalance without it', () => {
      const a = stableSingle('a');
      const bJoin = join({ clientId: 'b' });
      const b = memberIds().find((m) => m !== a)!;
      const aJoin = held<JoinResult>();
      coordinator.leave(GROUP, [b]);
      expect(bJoin.result()).toMatchObject({ errorCode: ErrorCode.UnknownMemberId, memberId: b });
      coordinator.join(
        { groupId: GROUP, memberId: a, groupInstanceId: null, clientId: 'a', clientHost: 'h', sessionTimeoutMs: SESSION, rebalanceTimeoutMs: REBALANCE, protocolType: 'consumer', protocols: [offer('RoundRobinAssigner')] },
        aJoin.reply,
      );
      expect(aJoin.result()).toMatchObject({ errorCode: ErrorCode.None, generationId: 2, leaderId: a });
    });

    it('answers an unknown group with UNKNOWN_MEMBER_ID', () => {
      expect(coordinator.leave('nope', ['m'])).toEqual([{ memberId: 'm', errorCode: ErrorCode.UnknownMemberId }]);
    });
  });

  describe('validateCommit', () => {
    it('allows a simple commit (generation -1, no member) only while the group has no members', () => {
      expect(coordinator.validateCommit('standalone', -1, '')).toBe(ErrorCode.None);
      const a = stableSingle();
      expect(coordinator.validateCommit(GROUP, -1, '')).toBe(ErrorCode.IllegalGeneration);
      coordinator.leave(GROUP, [a]);
      expect(state()).toBe('Empty');
      expect(coordinator.validateCommit(GROUP, -1, '')).toBe(ErrorCode.None);
    });

    it('accepts the current generation of a known member and rejects the rest', () => {
      const a = stableSingle();
      expect(coordinator.validateCommit(GROUP, 1, a)).toBe(ErrorCode.None);
      expect(coordinator.validateCommit(GROUP, 0, a)).toBe(ErrorCode.IllegalGeneration);
      expect(coordinator.validateCommit(GROUP, -1, a)).toBe(ErrorCode.IllegalGeneration);
      expect(coordinator.validateCommit(GROUP, 1, 'ghost')).toBe(ErrorCode.UnknownMemberId);
      expect(coordinator.validateCommit('other', 1, a)).toBe(ErrorCode.UnknownMemberId);
      expect(coordinator.validateCommit('', 1, a)).toBe(ErrorCode.InvalidGroupId);
    });

    it('lets the current generation commit while a rebalance is prepared, but not before the new one is synced', () => {
      const a = stableSingle();
      join({ clientId: 'b' });
      expect(state()).toBe('PreparingRebalance');
      expect(coordinator.validateCommit(GROUP, 1, a)).toBe(ErrorCode.None);
      join({ clientId: 'a', memberId: a });
      expect(state()).toBe('CompletingRebalance');
      expect(coordinator.validateCommit(GROUP, 2, a)).toBe(ErrorCode.RebalanceInProgress);
      expect(coordinator.validateCommit(GROUP, 1, a)).toBe(ErrorCode.RebalanceInProgress);
    });
  });

  describe('delete, describe and list', () => {
    it('refuses to delete a group with members', () => {
      stableSingle();
      expect(coordinator.delete(GROUP)).toBe(ErrorCode.NonEmptyGroup);
      expect(ErrorCode.NonEmptyGroup).toBe(68);
      expect(state()).toBe('Stable');
      expect(offsets.deleteGroup).not.toHaveBeenCalled();
    });

    it('answers GROUP_ID_NOT_FOUND for a group it has never seen', () => {
      expect(coordinator.delete('never')).toBe(ErrorCode.GroupIdNotFound);
      expect(ErrorCode.GroupIdNotFound).toBe(69);
      expect(offsets.deleteGroup).not.toHaveBeenCalled();
    });

    it('deletes an empty group and its committed offsets', () => {
      const a = stableSingle();
      offsets.groups.add(GROUP);
      coordinator.leave(GROUP, [a]);
      expect(coordinator.delete(GROUP)).toBe(ErrorCode.None);
      expect(offsets.deleteGroup).toHaveBeenCalledWith(GROUP);
      expect(state()).toBe('Dead');
      expect(coordinator.list()).toEqual([]);
      expect(coordinator.delete(GROUP)).toBe(ErrorCode.GroupIdNotFound);
    });

    it('deletes a group known only by its committed offsets', () => {
      offsets.groups.add('offsets-only');
      expect(coordinator.describe('offsets-only')).toMatchObject({ state: 'Empty', members: [] });
      expect(coordinator.delete('offsets-only')).toBe(ErrorCode.None);
      expect(offsets.deleteGroup).toHaveBeenCalledWith('offsets-only');
      expect(coordinator.describe('offsets-only').state).toBe('Dead');
    });

    it('lists groups with members and groups with only offsets', () => {
      stableSingle();
      offsets.groups.add('offsets-only');
      expect(coordinator.list()).toEqual([
        { groupId: GROUP, protocolType: 'consumer', state: 'Stable' },
        { groupId: 'offsets-only', protocolType: 'consumer', state: 'Empty' },
      ]);
    });

    it('describes members with their metadata and assignment', () => {
      const { a, b } = twoStable();
      expect(coordinator.describe(GROUP)).toEqual({
        groupId: GROUP,
        state: 'Stable',
        protocolType: 'consumer',
        protocolName: 'RoundRobinAssigner',
        members: [
          { memberId: a, clientId: 'a', clientHost: '/127.0.0.1', metadata: Buffer.from('meta-a'), assignment: Buffer.from('for-a') },
          { memberId: b, clientId: 'b', clientHost: '/127.0.0.1', metadata: Buffer.from('meta-b'), assignment: Buffer.from('for-b') },
        ],
      });
    });
  });

  describe('initial rebalance delay', () => {
    beforeEach(() => {
      create({ initialRebalanceDelayMs: 3000 });
    });

    it('gathers the members that arrive during the delay into the first generation', () => {
      const aJoin = join({ clientId: 'a' });
      jest.advanceTimersByTime(1000);
      const bJoin = join({ clientId: 'b' });
      jest.advanceTimersByTime(1999);
      expect(aJoin.calls).toHaveLength(0);
      expect(bJoin.calls).toHaveLength(0);
      expect(state()).toBe('PreparingRebalance');
      jest.advanceTimersByTime(1);
      const leader = aJoin.result();
      expect(leader).toMatchObject({ errorCode: ErrorCode.None, generationId: 1, leaderId: leader.memberId });
      expect(leader.members.map((m) => m.metadata.toString())).toEqual(['meta-a', 'meta-b']);
      expect(bJoin.result()).toMatchObject({ generationId: 1, leaderId: leader.memberId, members: [] });
    });

    it('does not delay later rebalances of a non-empty group', () => {
      const aJoin = join({ clientId: 'a' });
      jest.advanceTimersByTime(3000);
      const a = aJoin.result().memberId;
      sync(a, 1, {});
      const bJoin = join({ clientId: 'b' });
      join({ clientId: 'a', memberId: a });
      expect(bJoin.result().generationId).toBe(2);
    });

    it('ends the delay cleanly when the only member leaves during it', () => {
      join({ clientId: 'a' });
      const a = memberIds()[0];
      coordinator.leave(GROUP, [a]);
      expect(state()).toBe('Empty');
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
