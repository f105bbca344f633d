import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { z } from 'zod';
import type { PortalSimulationConditions, PortalSimulationStats } from '@lgsp/contracts';
import { parseShape } from '@lgsp/registry';
import { PortalError } from '../portal/portal-error';
import { PortalStore } from '../portal/portal-store';
import { SessionStore } from '../portal/session-store';
import { PortalSimulation } from './portal-simulation';

const conditionsSchema = z.strictObject({
  down: z.boolean().optional(),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  errorRate: z.number().min(0).max(1).optional(),
});

/**
 * Test and demo controls, not part of any real portal: no session needed, and they change how the portal behaves
 * for every sender. Bind the portal to 127.0.0.1 (the default) so that nothing else can reach them.
 */
@Controller('sim')
export class SimulationController {
  constructor(
    private readonly simulation: PortalSimulation,
    private readonly sessions: SessionStore,
    private readonly store: PortalStore,
  ) {}

  /** Every portal call answers 503 PORTAL_DOWN until /sim/up. */
  @Post('down')
  @HttpCode(200)
  down(): PortalSimulationConditions {
    return this.simulation.change({ down: true });
  }

  @Post('up')
  @HttpCode(200)
  up(): PortalSimulationConditions {
    return this.simulation.change({ down: false });
  }

  @Get('conditions')
  conditions(): PortalSimulationConditions {
    return this.simulation.current();
  }

  /** Any of `down`, `latencyMs`, `errorRate`; what is left out stays as it is. */
  @Put('conditions')
  change(@Body() body: unknown): PortalSimulationConditions {
    const update = parseShape(conditionsSchema, body ?? {}, '');
    if (!update.ok) {
      const problems = update.issues.map((i) => ({ field: i.path || '(body)', message: i.message }));
      throw new PortalError('VALIDATION_FAILED', `The conditions are not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
    }
    return this.simulation.change(update.value);
  }

  /** Ends every session now: the next call of each sender is answered SESSION_EXPIRED. */
  @Post('sessions/expire')
  @HttpCode(200)
  expireSessions(): { expired: number } {
    return { expired: this.sessions.expireAll() };
  }

  @Get('stats')
  stats(): PortalSimulationStats {
    return this.simulation.stats({ cases: this.store.caseCount, progressEntries: this.store.progressCount });
  }
}
