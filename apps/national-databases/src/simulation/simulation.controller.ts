import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { z } from 'zod';
import { parseShape } from '@lgsp/registry';
import { NATIONAL_SYSTEMS, type NationalSystem } from '../config/national-databases-config';
import { RemoteError } from '../systems/remote-error';
import { TokenStore } from '../systems/token-store';
import { agencyCodeProblem, ipAddressProblem, normalizeIp } from './caller-access';
import { SimulationState, type SystemConditions, type SystemStats } from './simulation-state';

/** A string `problem` has nothing to say about, or its sentence as the issue. */
const checkedString = (problem: (value: string) => string | null) =>
  z.string().superRefine((value, ctx) => {
    const found = problem(value);
    if (found !== null) ctx.addIssue({ code: 'custom', message: found });
  });

const conditionsSchema = z.strictObject({
  down: z.boolean().optional(),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  garbage: z.boolean().optional(),
  // null accepts everybody; an empty list nobody.
  allowedIps: z.array(checkedString(ipAddressProblem).transform(normalizeIp)).nullable().optional(),
  agencyIds: z.array(checkedString(agencyCodeProblem)).nullable().optional(),
});

const downSchema = z.strictObject({ forMs: z.number().int().min(1).max(24 * 3600 * 1000).optional() });

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = parseShape(schema, body ?? {}, '');
  if (parsed.ok) return parsed.value;
  throw new RemoteError(null, 'INVALID_REQUEST', `The request is not valid: ${parsed.issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`);
}

function systemOf(name: string): NationalSystem {
  if ((NATIONAL_SYSTEMS as readonly string[]).includes(name)) return name as NationalSystem;
  throw new RemoteError(null, 'NOT_FOUND', `There is no system ${JSON.stringify(name)}; the systems are ${NATIONAL_SYSTEMS.join(', ')}.`);
}

/**
 * Test and demo controls, not part of any national system: no token needed, and they change a system for every
 * caller. Bind the simulator to 127.0.0.1 (the default) so that nothing else can reach them.
 */
@Controller('sim')
export class SimulationController {
  constructor(
    private readonly state: SimulationState,
    private readonly tokens: TokenStore,
  ) {}

  @Get('conditions')
  conditions(): Record<NationalSystem, SystemConditions> {
    return this.state.all();
  }

  /** Every system up, without latency, failures or garbage, with the access lists the environment set. */
  @Post('reset')
  @HttpCode(200)
  reset(): Record<NationalSystem, SystemConditions> {
    return this.state.reset();
  }

  @Get('stats')
  stats(): Record<NationalSystem, SystemStats> {
    return this.state.stats();
  }

  /** Every token of every system ends now: each client's next call is AUTHEN_ERROR until it fetches a new token. */
  @Post('tokens/expire')
  @HttpCode(200)
  expireTokens(): { expired: number } {
    return { expired: this.tokens.expireAll() };
  }

  @Get(':system/conditions')
  systemConditions(@Param('system') name: string): SystemConditions {
    return this.state.current(systemOf(name));
  }

  /** Any of `down`, `latencyMs`, `errorRate`, `garbage`, `allowedIps`, `agencyIds`; what is left out stays as it is. */
  @Put(':system/conditions')
  change(@Param('system') name: string, @Body() body: unknown): SystemConditions {
    const system = systemOf(name);
    const { down, ...rest } = parseBody(conditionsSchema, body);
    if (down === true) this.state.down(system);
    if (down === false) this.state.up(system);
    return this.state.change(system, rest);
  }

  /** Down until /up, or with `{"forMs": n}` for n milliseconds, after which it answers again by itself. */
  @Post(':system/down')
  @HttpCode(200)
  down(@Param('system') name: string, @Body() body: unknown): SystemConditions {
    const system = systemOf(name);
    return this.state.down(system, parseBody(downSchema, body).forMs);
  }

  @Post(':system/up')
  @HttpCode(200)
  up(@Param('system') name: string): SystemConditions {
    return this.state.up(systemOf(name));
  }
}
