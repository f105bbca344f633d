import { Inject, Injectable } from '@nestjs/common';
import {
  InvalidIdentifierError,
  parseBudgetUnitCode,
  parseEnterpriseCode,
  parseHealthInsuranceCard,
  parseLandParcelRef,
  parsePersonalId,
  parseSocialInsuranceCode,
} from '@lgsp/identifiers';
import {
  NATIONAL_DATABASES_CONFIG,
  SIMULATION_CLOCK,
  type Clock,
  type NationalDatabasesConfig,
  type NationalSystem,
} from '../config/national-databases-config';
import { SimulationState } from '../simulation/simulation-state';
import { isAbsent } from '../synthetic/draw';
import {
  birthExtractRecord,
  budgetUnitRecord,
  citizenRecord,
  enterpriseRecord,
  healthInsuranceCardRecord,
  insuranceParticipantRecord,
  landParcelRecord,
} from '../synthetic/records';
import { ENVELOPES, RemoteError } from './remote-error';
import { TokenStore } from './token-store';

export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/**
 * The look-ups of the six systems: check the identifier as the real system would, answer RECORD_NOT_FOUND for the
 * hashed absent share, else build the record from the identifier's hash and wrap it in the system's envelope.
 */
@Injectable()
export class NationalRecordsService {
  private readonly seed: string;
  private readonly absentShare: number;

  constructor(
    @Inject(NATIONAL_DATABASES_CONFIG) config: NationalDatabasesConfig,
    @Inject(SIMULATION_CLOCK) private readonly clock: Clock,
    private readonly tokens: TokenStore,
    private readonly state: SimulationState,
  ) {
    this.seed = config.NATIONAL_DATABASES_SEED;
    this.absentShare = config.NATIONAL_DATABASES_ABSENT_SHARE;
  }

  /**
   * OAuth2 client credentials: `client_id`/`client_secret` in a JSON or form body, or HTTP Basic, as RFC 6749 allows.
   */
  token(system: NationalSystem, body: unknown, authorization: string | undefined): TokenAnswer {
    let { client_id: clientId, client_secret: clientSecret } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) [clientId, clientSecret] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    }
    const issued = this.tokens.issue(system, clientId, clientSecret);
    if (!issued) {
      this.state.count(system, 'authRefused');
      throw new RemoteError(system, 'AUTHEN_ERROR', `The client_id or client_secret is wrong for the ${system} system.`);
    }
    this.state.count(system, 'tokensIssued');
    return { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresInSeconds };
  }

  citizen(personalId: string): unknown {
    const today = this.today();
    return this.lookup('population', () => parsePersonalId(personalId, { now: today }), (id) => id.value, (id) => citizenRecord(this.seed, id, today));
  }

  enterprise(code: string): unknown {
    return this.lookup('business', () => parseEnterpriseCode(code), (c) => c.value, (c) => enterpriseRecord(this.seed, c, this.today()));
  }

  insuranceParticipant(code: string): unknown {
    return this.lookup('insurance', () => parseSocialInsuranceCode(code), (c) => c, (c) => insuranceParticipantRecord(this.seed, c, this.today()));
  }

  /** A card is found exactly when its holder's social insurance code is: both name the same person. */
  healthInsuranceCard(cardNumber: string): unknown {
    return this.lookup('insurance', () => parseHealthInsuranceCard(cardNumber), (c) => c.socialInsuranceCode, (c) => healthInsuranceCardRecord(this.seed, c, this.today()));
  }

  landParcel(commune: string, sheet: string, parcel: string): unknown {
    return this.lookup('land', () => parseLandParcelRef(`${commune}/${sheet}/${parcel}`), (r) => r.value, (r) => landParcelRecord(this.seed, r, this.today()));
  }

  budgetUnit(code: string): unknown {
    return this.lookup('budget-units', () => parseBudgetUnitCode(code), (c) => c, (c) => budgetUnitRecord(this.seed, c, this.today()));
  }

  /**
   * A birth registration extract by personal identification number, checked as the population system checks it. The
   * absent share is the civil-status system's own: someone can be in one database and missing from the other.
   */
  birthExtract(personalId: string): unknown {
    const today = this.today();
    return this.lookup('civil-status', () => parsePersonalId(personalId, { now: today }), (id) => id.value, (id) => birthExtractRecord(this.seed, id, today));
  }

  /** Whether a valid identifier is in the absent share: exported so tests and demos can pick one on purpose. */
  isAbsent(system: NationalSystem, key: string): boolean {
    return isAbsent(this.seed, system, key, this.absentShare);
  }

  private lookup<V>(system: NationalSystem, parse: () => V, absentKey: (value: V) => string, build: (value: V) => unknown): unknown {
    let value: V;
    try {
      value = parse();
    } catch (err) {
      if (!(err instanceof InvalidIdentifierError)) throw err;
      this.state.count(system, 'invalidIdentifiers');
      throw new RemoteError(system, 'INVALID_IDENTIFIER', err.message);
    }
    if (this.isAbsent(system, absentKey(value))) {
      this.state.count(system, 'notFound');
      throw new RemoteError(system, 'RECORD_NOT_FOUND');
    }
    this.state.count(system, 'found');
    return ENVELOPES[system].ok(build(value));
  }

  private today(): Date {
    return new Date(this.clock());
  }
}
