import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ServiceCaller } from '@lgsp/messaging';
import { Registry } from '@lgsp/registry';
import { CaseTrackingConfig } from '../config/case-tracking-config';
import { CASE_TRACKING_CONFIG } from '../config/tokens';
import { actsFor } from './authority';
import { CaseLedger } from './case-ledger';
import { requireCase } from './case-moves.use-case';
import { CaseTrackingError } from './case-tracking-error';
import { caseView, processSheet, publicCaseView } from './case-view';

const isStaff = (caller: ServiceCaller) => caller.roles.includes('operator') || caller.roles.includes('admin');

/** Reading cases: in full for the agencies on a case's sheet (and operators); the public view for anyone with the code. */
@Injectable()
export class CaseQueriesUseCase {
  private readonly publicLookups: RateLimiterMemory;

  constructor(
    private readonly ledger: CaseLedger,
    private readonly registry: Registry,
    @Inject(CASE_TRACKING_CONFIG) config: Pick<CaseTrackingConfig, 'CASE_PUBLIC_LOOKUPS_PER_MINUTE'>,
  ) {
    this.publicLookups = new RateLimiterMemory({ points: config.CASE_PUBLIC_LOOKUPS_PER_MINUTE, duration: 60 });
  }

  get(caller: ServiceCaller, code: string) {
    const record = requireCase(this.ledger, code);
    this.assertMayRead(caller, record.code, [record.receivingAgency, ...record.plan.map((s) => s.agency)]);
    return caseView(record, this.registry);
  }

  sheet(caller: ServiceCaller, code: string) {
    const record = requireCase(this.ledger, code);
    this.assertMayRead(caller, record.code, [record.receivingAgency, ...record.plan.map((s) => s.agency)]);
    return { code: record.code, form: '05', ...processSheet(record, this.registry) };
  }

  /**
   * The public lookup a portal offers citizens. Limited per calling system (a portal serves many citizens, so the
   * gateway's tier limit alone would let one scraper walk the sequence of codes at the portal's full rate).
   */
  async lookup(caller: ServiceCaller, code: string) {
    try {
      await this.publicLookups.consume(caller.clientId);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.ceil(rejection.msBeforeNext / 1000);
      throw new CaseTrackingError(429, 'LOOKUP_RATE_LIMITED', `Too many case lookups from your system; try again in ${retryAfter} s.`, { retryAfterSeconds: retryAfter });
    }
    return publicCaseView(requireCase(this.ledger, code), this.registry);
  }

  private assertMayRead(caller: ServiceCaller, code: string, agencies: string[]): void {
    if (isStaff(caller) || agencies.some((agency) => actsFor(this.registry, caller.member, agency))) return;
    // Not 404: the code is not a secret (it is on the citizen's receipt), and GET /lookup/{code} shows its progress.
    throw new CaseTrackingError(403, 'NOT_YOUR_CASE', `Case ${code} is handled by ${[...new Set(agencies)].join(', ')}; your system acts for ${caller.member}. GET /lookup/${code} shows its public progress.`);
  }
}
