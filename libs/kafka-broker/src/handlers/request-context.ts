import { BrokerLogger } from '../broker-logger';
import { ResolvedBrokerOptions } from '../broker-options';
import { GroupCoordinator } from '../group/group-coordinator';
import { OffsetStore } from '../group/offset-store';
import { BrokerMetadata } from '../log/broker-metadata';
import { LogManager } from '../log/log-manager';
import { ProtocolReader } from '../protocol/reader';
import { ProtocolWriter } from '../protocol/writer';
import type { FetchPurgatory } from './fetch-purgatory';

/** The broker's parts, shared by every request handler. */
export interface BrokerContext {
  readonly options: ResolvedBrokerOptions;
  readonly logs: LogManager;
  readonly groups: GroupCoordinator;
  readonly offsets: OffsetStore;
  readonly metadata: BrokerMetadata;
  readonly fetchPurgatory: FetchPurgatory;
  readonly logger: BrokerLogger;
  /** The port clients reach this broker on (the bound one when started on port 0). */
  readonly port: number;
}

export interface ConnectionHandle {
  readonly closed: boolean;
  onClose(listener: () => void): void;
}

export interface RequestContext {
  readonly broker: BrokerContext;
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string;
  readonly clientHost: string;
  /** The host this client should be told to dial: the advertised host, or the address it connected to. */
  readonly advertisedHost: string;
  readonly connection: ConnectionHandle;
}

/** A response body, nothing (acks=0 produce), or either later (long-poll fetch, held group joins). */
export type HandlerResult = ProtocolWriter | null | Promise<ProtocolWriter | null>;

export type RequestHandler = (ctx: RequestContext, request: ProtocolReader) => HandlerResult;

/** Most responses from v1/v2 on start with throttle_time_ms; the broker never throttles. */
export function writeThrottle(w: ProtocolWriter, present: boolean): void {
  if (present) w.int32(0);
}
