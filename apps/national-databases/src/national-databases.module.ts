import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { HealthModule, LoggingModule } from '@lgsp/observability';
import {
  NATIONAL_DATABASES_CONFIG,
  NATIONAL_SYSTEMS,
  NationalDatabasesConfig,
  SIMULATION_CLOCK,
  SIMULATION_RANDOM,
  systemCredentials,
  type Clock,
  type NationalSystem,
  type RandomSource,
} from './config/national-databases-config';
import { SimulatedConditionsInterceptor } from './simulation/simulated-conditions.interceptor';
import { SimulationController } from './simulation/simulation.controller';
import { SimulationState } from './simulation/simulation-state';
import { NationalRecordsService } from './systems/national-records.service';
import {
  BudgetUnitsController,
  BusinessController,
  CivilStatusController,
  InsuranceController,
  LandController,
  PopulationController,
} from './systems/national-systems.controllers';
import { TokenStore } from './systems/token-store';

export interface NationalDatabasesPorts {
  clock?: Clock;
  random?: RandomSource;
}

/**
 * Six simulated national systems in one process, each under its own prefix with its own credentials, plus the /sim
 * controls and health. Built from a validated configuration, so `main.ts` and the tests share it.
 */
@Module({})
export class NationalDatabasesModule {
  static forRoot(config: NationalDatabasesConfig, ports: NationalDatabasesPorts = {}): DynamicModule {
    const clock = ports.clock ?? Date.now;
    const credentials = Object.fromEntries(NATIONAL_SYSTEMS.map((s) => [s, systemCredentials(config, s)])) as Record<
      NationalSystem,
      { clientId: string; clientSecret: string }
    >;
    return {
      module: NationalDatabasesModule,
      imports: [LoggingModule.forRoot({ service: 'national-databases', level: config.LOG_LEVEL }), HealthModule.forRoot({ checks: [] })],
      controllers: [PopulationController, BusinessController, InsuranceController, LandController, BudgetUnitsController, CivilStatusController, SimulationController],
      providers: [
        { provide: NATIONAL_DATABASES_CONFIG, useValue: config },
        { provide: SIMULATION_CLOCK, useValue: clock },
        { provide: SIMULATION_RANDOM, useValue: ports.random ?? Math.random },
        { provide: TokenStore, useFactory: () => new TokenStore(credentials, config.NATIONAL_DATABASES_TOKEN_TTL_SECONDS * 1000, clock) },
        {
          provide: SimulationState,
          useFactory: () => new SimulationState(clock, { allowedIps: config.NATIONAL_DATABASES_ALLOWED_IPS, agencyIds: config.NATIONAL_DATABASES_AGENCY_IDS }),
        },
        NationalRecordsService,
        { provide: APP_INTERCEPTOR, useClass: SimulatedConditionsInterceptor },
      ],
    };
  }
}
