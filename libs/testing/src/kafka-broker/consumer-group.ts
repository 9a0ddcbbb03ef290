import { randomUUID } from 'node:crypto';
import { ErrorCode } from './protocol';

/*
 * One group's membership state machine, following Kafka's classic group coordinator:
 *
 *   Empty --join--> PreparingRebalance --all known members joined, or rebalance timeout-->
 *   CompletingRebalance --leader's SyncGroup--> Stable --join/leave/session expiry--> PreparingRebalance
 *
 * Members are not tied to connections: a client that vanishes without LeaveGroup is only removed
 * when its session times out (see expire()), exactly like a real broker.
 */

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

export interface GroupProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinRequest {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly GroupProtocol[];
  /** JoinGroup v4+: a new member first receives its id with MEMBER_ID_REQUIRED, then joins with it. */
  readonly requireKnownMemberId: boolean;
}

export interface JoinResult {
  readonly errorCode: number;
  readonly generationId: number;
  readonly protocolName: string;
  readonly leaderId: string;
  readonly memberId: string;
  /** Filled for the leader only: it computes the assignment from everyone's metadata. */
  readonly members: ReadonlyArray<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }>;
}

export interface SyncResult {
  readonly errorCode: number;
  readonly assignment: Buffer;
}

export interface MemberDescription {
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  readonly metadata: Buffer;
  readonly assignment: Buffer;
}

interface Member {
  readonly id: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: readonly GroupProtocol[];
  assignment: Buffer;
  lastHeartbeatAt: number;
  awaitingJoin?: (result: JoinResult) => void;
  awaitingSync?: (result: SyncResult) => void;
}

const EMPTY = Buffer.alloc(0);

const failedJoin = (errorCode: number, memberId: string): JoinResult => ({
  errorCode,
  generationId: -1,
  protocolName: '',
  leaderId: '',
  memberId,
  members: [],
});

const failedSync = (errorCode: number): SyncResult => ({ errorCode, assignment: EMPTY });

const sameProtocols = (a: readonly GroupProtocol[], b: readonly GroupProtocol[]): boolean =>
  a.length === b.length && a.every((p, i) => p.name === b[i].name && p.metadata.equals(b[i].metadata));

export class ConsumerGroup {
  private currentState: GroupState = 'Empty';
  private generation = 0;
  private protocolType: string | null = null;
  private protocolName: string | null = null;
  private leaderId: string | null = null;
  private readonly members = new Map<string, Member>();
  /** Ids handed out with MEMBER_ID_REQUIRED whose owner has not joined yet, with their expiry time. */
  private readonly pendingMembers = new Map<string, number>();
  private joinDeadline = 0;

  constructor(
    readonly id: string,
    private readonly now: () => number = Date.now,
  ) {}

  join(request: JoinRequest): Promise<JoinResult> {
    if (request.sessionTimeoutMs <= 0)
      return Promise.resolve(failedJoin(ErrorCode.INVALID_SESSION_TIMEOUT, request.memberId));
    if (!this.acceptsProtocols(request)) {
      return Promise.resolve(failedJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, request.memberId));
    }
    if (request.memberId === '') {
      const memberId = `${request.clientId}-${randomUUID()}`;
      if (!request.requireKnownMemberId) return this.addMember(memberId, request);
      this.pendingMembers.set(memberId, this.now() + request.sessionTimeoutMs);
      return Promise.resolve(failedJoin(ErrorCode.MEMBER_ID_REQUIRED, memberId));
    }
    if (this.pendingMembers.delete(request.memberId)) return this.addMember(request.memberId, request);
    const member = this.members.get(request.memberId);
    if (!member) return Promise.resolve(failedJoin(ErrorCode.UNKNOWN_MEMBER_ID, request.memberId));
    return this.rejoin(member, request);
  }

  sync(memberId: string, generationId: number, assignments: ReadonlyMap<string, Buffer>): Promise<SyncResult> {
    const member = this.members.get(memberId);
    if (!member) return Promise.resolve(failedSync(ErrorCode.UNKNOWN_MEMBER_ID));
    if (generationId !== this.generation) return Promise.resolve(failedSync(ErrorCode.ILLEGAL_GENERATION));
    member.lastHeartbeatAt = this.now();

    switch (this.currentState) {
      case 'Stable':
        return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: member.assignment });
      case 'CompletingRebalance': {
        const result = new Promise<SyncResult>((resolve) => {
          member.awaitingSync?.(failedSync(ErrorCode.REBALANCE_IN_PROGRESS));
          member.awaitingSync = resolve;
        });
        if (memberId === this.leaderId) this.completeSync(assignments);
        return result;
      }
      default:
        return Promise.resolve(failedSync(ErrorCode.REBALANCE_IN_PROGRESS));
    }
  }

  heartbeat(memberId: string, generationId: number): number {
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generation) return ErrorCode.ILLEGAL_GENERATION;
    member.lastHeartbeatAt = this.now();
    // A member learns about a rebalance from its heartbeat and answers by joining again.
    return this.currentState === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leave(memberId: string): number {
    if (this.pendingMembers.delete(memberId)) {
      this.tryCompleteJoin();
      return ErrorCode.NONE;
    }
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(member);
    return ErrorCode.NONE;
  }

  /** Whether an OffsetCommit from this member and generation is acceptable (Kafka's rules). */
  checkCommit(memberId: string, generationId: number): number {
    // Commits from outside group management (admin tools, generation -1) need an empty group.
    if (generationId < 0 && this.currentState === 'Empty') return ErrorCode.NONE;
    if (this.currentState === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generation) return ErrorCode.ILLEGAL_GENERATION;
    member.lastHeartbeatAt = this.now();
    return ErrorCode.NONE;
  }

  /** Called periodically: drops members whose session timed out and ends overdue join phases. */
  expire(): void {
    const now = this.now();
    for (const [memberId, expiresAt] of this.pendingMembers) if (now >= expiresAt) this.pendingMembers.delete(memberId);
    for (const member of [...this.members.values()]) {
      // Members waiting for a JoinGroup or SyncGroup answer cannot heartbeat; Kafka keeps them too.
      if (member.awaitingJoin || member.awaitingSync || !this.members.has(member.id)) continue;
      if (now - member.lastHeartbeatAt > member.sessionTimeoutMs) this.removeMember(member);
    }
    if (this.currentState === 'PreparingRebalance' && now >= this.joinDeadline) this.completeJoin();
    else this.tryCompleteJoin();
  }

  /** Answers every waiting JoinGroup/SyncGroup, e.g. when the broker stops. */
  abortWaiting(errorCode: number): void {
    for (const member of this.members.values()) {
      member.awaitingJoin?.(failedJoin(errorCode, member.id));
      member.awaitingSync?.(failedSync(errorCode));
      member.awaitingJoin = undefined;
      member.awaitingSync = undefined;
    }
  }

  describe(): { state: GroupState; protocolType: string; protocolName: string; members: MemberDescription[] } {
    return {
      state: this.currentState,
      protocolType: this.protocolType ?? '',
      protocolName: this.protocolName ?? '',
      members: [...this.members.values()].map((m) => ({
        memberId: m.id,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: this.metadataOf(m),
        assignment: m.assignment,
      })),
    };
  }

  /** The protocol type of the members ("consumer" for kafkajs); empty for offset-only groups. */
  get type(): string {
    return this.protocolType ?? '';
  }

  private acceptsProtocols(request: JoinRequest): boolean {
    if (request.protocolType === '' || request.protocols.length === 0) return false;
    const others = [...this.members.values()].filter((m) => m.id !== request.memberId);
    if (others.length === 0) return true;
    if (request.protocolType !== this.protocolType) return false;
    return request.protocols.some((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)));
  }

  private addMember(memberId: string, request: JoinRequest): Promise<JoinResult> {
    const member: Member = {
      id: memberId,
      groupInstanceId: request.groupInstanceId,
      clientId: request.clientId,
      clientHost: request.clientHost,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      protocols: request.protocols,
      assignment: EMPTY,
      lastHeartbeatAt: this.now(),
    };
    if (this.members.size === 0) this.protocolType = request.protocolType;
    this.members.set(memberId, member);
    const result = this.awaitJoin(member);
    this.prepareRebalance();
    this.tryCompleteJoin();
    return result;
  }

  private rejoin(member: Member, request: JoinRequest): Promise<JoinResult> {
    const unchanged = sameProtocols(member.protocols, request.protocols);
    Object.assign(member, {
      groupInstanceId: request.groupInstanceId,
      clientId: request.clientId,
      clientHost: request.clientHost,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      protocols: request.protocols,
      lastHeartbeatAt: this.now(),
    });
    // As in Kafka: a member that rejoins with unchanged metadata (e.g. it lost the JoinGroup
    // response) just gets the current generation back, unless the leader must reassign.
    const resend =
      unchanged &&
      (this.currentState === 'CompletingRebalance' || (this.currentState === 'Stable' && member.id !== this.leaderId));
    if (resend) return Promise.resolve(this.joinResultFor(member));

    const result = this.awaitJoin(member);
    this.prepareRebalance();
    this.tryCompleteJoin();
    return result;
  }

  private awaitJoin(member: Member): Promise<JoinResult> {
    return new Promise((resolve) => {
      member.awaitingJoin?.(failedJoin(ErrorCode.REBALANCE_IN_PROGRESS, member.id));
      member.awaitingJoin = resolve;
    });
  }

  private removeMember(member: Member): void {
    this.members.delete(member.id);
    member.awaitingJoin?.(failedJoin(ErrorCode.UNKNOWN_MEMBER_ID, member.id));
    member.awaitingSync?.(failedSync(ErrorCode.UNKNOWN_MEMBER_ID));
    if (this.currentState === 'Stable' || this.currentState === 'CompletingRebalance') this.prepareRebalance();
    this.tryCompleteJoin();
  }

  private prepareRebalance(): void {
    if (this.currentState === 'PreparingRebalance') return;
    if (this.currentState === 'CompletingRebalance') {
      // The assignment being computed is obsolete: waiting members must join again.
      for (const member of this.members.values()) {
        member.awaitingSync?.(failedSync(ErrorCode.REBALANCE_IN_PROGRESS));
        member.awaitingSync = undefined;
      }
    }
    this.currentState = 'PreparingRebalance';
    const rebalanceTimeoutMs = Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
    this.joinDeadline = this.now() + rebalanceTimeoutMs;
  }

  private tryCompleteJoin(): void {
    if (this.currentState !== 'PreparingRebalance') return;
    const everyoneJoined = [...this.members.values()].every((m) => m.awaitingJoin) && this.pendingMembers.size === 0;
    if (everyoneJoined) this.completeJoin();
  }

  private completeJoin(): void {
    // Only reached with stragglers when the rebalance timeout expired: they are out of the group.
    for (const member of [...this.members.values()]) if (!member.awaitingJoin) this.members.delete(member.id);
    this.pendingMembers.clear();
    this.generation++;

    if (this.members.size === 0) {
      // The protocol type stays for listing, as in Kafka; an empty group accepts any type.
      this.currentState = 'Empty';
      this.protocolName = null;
      this.leaderId = null;
      return;
    }

    this.protocolName = this.selectProtocol();
    if (this.leaderId === null || !this.members.has(this.leaderId)) this.leaderId = this.members.keys().next().value!;
    this.currentState = 'CompletingRebalance';
    const now = this.now();
    for (const member of this.members.values()) {
      const answer = member.awaitingJoin!;
      member.awaitingJoin = undefined;
      member.assignment = EMPTY;
      member.lastHeartbeatAt = now;
      answer(this.joinResultFor(member));
    }
  }

  private completeSync(assignments: ReadonlyMap<string, Buffer>): void {
    this.currentState = 'Stable';
    for (const member of this.members.values()) {
      member.assignment = assignments.get(member.id) ?? EMPTY;
      const answer = member.awaitingSync;
      member.awaitingSync = undefined;
      answer?.({ errorCode: ErrorCode.NONE, assignment: member.assignment });
    }
  }

  /** Kafka's vote: each member backs its most preferred protocol that every member supports. */
  private selectProtocol(): string {
    const members = [...this.members.values()];
    const candidates = members[0].protocols
      .map((p) => p.name)
      .filter((name) => members.every((m) => m.protocols.some((p) => p.name === name)));
    if (candidates.length === 0) return members[0].protocols[0].name;
    const votes = new Map<string, number>();
    for (const member of members) {
      const choice = member.protocols.find((p) => candidates.includes(p.name))!.name;
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    return candidates.reduce((best, name) => ((votes.get(name) ?? 0) > (votes.get(best) ?? 0) ? name : best));
  }

  private joinResultFor(member: Member): JoinResult {
    const isLeader = member.id === this.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generation,
      protocolName: this.protocolName ?? '',
      leaderId: this.leaderId ?? '',
      memberId: member.id,
      members: isLeader
        ? [...this.members.values()].map((m) => ({
            memberId: m.id,
            groupInstanceId: m.groupInstanceId,
            metadata: this.metadataOf(m),
          }))
        : [],
    };
  }

  private metadataOf(member: Member): Buffer {
    return member.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY;
  }
}
