import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import CircuitBreaker from 'opossum';
import { backoffMs } from '@lgsp/concurrency';
import { InvalidIdentifierError } from '@lgsp/identifiers';
import { maskPersonalData } from '@lgsp/observability';
import { Registry } from '@lgsp/registry';
import { Connector, ConnectorError, ConnectorOperation, identifierRefusal, remoteRefusals } from '../connector';
import { NationalConnectorsConfig, systemCredentials } from '../config/national-connectors-config';
import { Clock, CLOCK, CONNECTORS, NATIONAL_CONNECTORS_CONFIG, Sleep, SLEEP } from '../config/tokens';
import { RemoteSystemClient } from '../remote/remote-system-client';
import { LOOKUP_CACHE, LookupCache } from './lookup-cache';

export const REMOTE_FETCH = Symbol('REMOTE_FETCH');

/** One look-up as the transport hands it over: which operation, the path's match, and who asks for what purpose. */
export interface LookupCommand {
  connector: Connector;
  operation: ConnectorOperation;
  match: RegExpExecArray;
  /** The case or purpose the caller stated (the gateway's `x-lgsp-issue`), or null. */
  issue: string | null;
  clientId: string;
  /** Epoch ms after which the gateway no longer waits: no retry is started that could not finish before it. */
  deadline?: number;
}

export interface LookupResult {
  service: string;
  data: unknown;
  /** When the national system gave this answer: earlier than now when it came from the cache. */
  retrievedAt: string;
  cached: boolean;
}

interface CachedAnswer {
  data: unknown;
  retrievedAt: string;
}

interface ConnectorMachinery {
  client: RemoteSystemClient;
  breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
}

/**
 * What every connector gets without writing it: the identifier check, the issue rule for personal data, the cache
 * (successful answers only), bounded retries of time-outs and 5xx, a circuit breaker per connector, and one log line
 * per look-up with its issue and the identifier masked.
 */
@Injectable()
export class NationalLookupUseCase implements OnApplicationShutdown {
  private readonly logger = new Logger('NationalLookup');
  private readonly machinery = new Map<string, ConnectorMachinery>();

  constructor(
    @Inject(NATIONAL_CONNECTORS_CONFIG) private readonly config: NationalConnectorsConfig,
    @Inject(CONNECTORS) connectors: readonly Connector[],
    @Inject(LOOKUP_CACHE) private readonly cache: LookupCache,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SLEEP) private readonly sleep: Sleep,
    @Inject(REMOTE_FETCH) remoteFetch: typeof fetch,
    @Inject(Registry) registry: Registry,
  ) {
    for (const connector of connectors) {
      const client = new RemoteSystemClient({
        baseUrl: config.NATIONAL_DATABASES_URL,
        system: connector.system,
        systemName: connector.systemName,
        ...systemCredentials(config, connector.system),
        // The platform looks records up on its own behalf: the national systems register the platform's agency.
        agencyCode: registry.platform.code,
        timeoutMs: config.NATIONAL_TIMEOUT_MS,
        clock: () => clock.now(),
        fetch: remoteFetch,
      });
      const breaker = new CircuitBreaker((attempt: () => Promise<unknown>) => attempt(), {
        // Each exchange has its own AbortSignal time-out, which also stops the request; opossum's would not.
        timeout: false,
        errorThresholdPercentage: config.NATIONAL_BREAKER_ERROR_PERCENT,
        volumeThreshold: config.NATIONAL_BREAKER_VOLUME,
        rollingCountTimeout: config.NATIONAL_BREAKER_WINDOW_MS,
        resetTimeout: config.NATIONAL_BREAKER_RESET_MS,
        // A record that does not exist, or an identifier the system refuses, is the system working as it should.
        errorFilter: (error: unknown) => !(error instanceof ConnectorError && error.remoteFailure),
      });
      breaker.on('open', () => this.logger.warn(`circuit of ${connector.service} opened: ${connector.systemName} keeps failing`));
      breaker.on('halfOpen', () => this.logger.log(`circuit of ${connector.service} half-open: the next look-up tries ${connector.systemName}`));
      breaker.on('close', () => this.logger.log(`circuit of ${connector.service} closed: ${connector.systemName} answers again`));
      this.machinery.set(connector.service, { client, breaker });
    }
  }

  async lookup(command: LookupCommand): Promise<LookupResult> {
    const { connector, operation, match, issue } = command;
    const started = this.clock.now();
    // Until the identifier is known to be one, maskPersonalData would not recognise it: hide all but its last digits.
    let identifier = match[0].replace(/\d(?=\d{2})/g, '*');
    let outcome = 'refused';
    let attempts = 0;
    try {
      let resolved;
      try {
        resolved = operation.resolve(match);
      } catch (error) {
        if (error instanceof InvalidIdentifierError) throw identifierRefusal(error);
        throw error;
      }
      identifier = maskPersonalData(resolved.identifier);
      if (connector.personalData && !issue) {
        throw new ConnectorError(
          400,
          'ISSUE_REQUIRED',
          `${connector.systemName} holds personal data: state the case or purpose of the look-up in the x-lgsp-issue header.`,
        );
      }
      const key = `${connector.service}:${resolved.remotePath}`;
      const hit = (await this.cache.get(key)) as CachedAnswer | undefined;
      if (hit) {
        outcome = 'cache';
        return { service: connector.service, data: hit.data, retrievedAt: hit.retrievedAt, cached: true };
      }
      const ask = () => this.machineryOf(connector).client.get(resolved.remotePath).then((answer) => connector.readAnswer(answer, resolved.identifier));
      const data = await this.withRetries(connector, ask, command.deadline, () => ++attempts);
      const answer: CachedAnswer = { data, retrievedAt: new Date(this.clock.now()).toISOString() };
      await this.cache.set(key, answer, connector.cacheTtlMs);
      outcome = 'found';
      return { service: connector.service, data, retrievedAt: answer.retrievedAt, cached: false };
    } catch (error) {
      if (error instanceof ConnectorError) outcome = error.code;
      else outcome = 'INTERNAL_ERROR';
      throw error;
    } finally {
      this.logger.log(
        `lookup ${connector.service} ${operation.route} id=${identifier} issue=${issue ? maskPersonalData(issue) : '-'} client=${command.clientId} ` +
          `outcome=${outcome} attempts=${attempts} ms=${this.clock.now() - started}`,
      );
    }
  }

  private async withRetries(connector: Connector, ask: () => Promise<unknown>, deadline: number | undefined, count: () => number): Promise<unknown> {
    const { breaker } = this.machineryOf(connector);
    for (let attempt = 1; ; attempt++) {
      count();
      try {
        return await breaker.fire(ask);
      } catch (error) {
        if ((error as { code?: unknown }).code === 'EOPENBREAKER') throw remoteRefusals.unavailable(connector.systemName, this.config.NATIONAL_BREAKER_RESET_MS);
        if (!(error instanceof ConnectorError) || !error.retryable || attempt >= this.config.NATIONAL_RETRY_ATTEMPTS) throw error;
        const delay = backoffMs(attempt, this.config.NATIONAL_RETRY_FIRST_DELAY_MS, this.config.NATIONAL_RETRY_MAX_DELAY_MS);
        // A retry the gateway would not wait for only loads a system that is already struggling.
        if (deadline !== undefined && this.clock.now() + delay + this.config.NATIONAL_TIMEOUT_MS > deadline) throw error;
        await this.sleep(delay);
      }
    }
  }

  private machineryOf(connector: Connector): ConnectorMachinery {
    const found = this.machinery.get(connector.service);
    if (!found) throw new Error(`no connector is set up for ${connector.service}`);
    return found;
  }

  onApplicationShutdown(): void {
    // The breakers' rolling windows run on timers; they would keep the process alive.
    for (const { breaker } of this.machinery.values()) breaker.shutdown();
  }
}
