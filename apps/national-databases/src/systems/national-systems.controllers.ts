import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ForSystem, TokenEndpoint } from '../simulation/simulated-conditions.interceptor';
import { NationalRecordsService, TokenAnswer } from './national-records.service';

/** Citizens by 12-digit personal identification number. */
@Controller('population')
@ForSystem('population')
export class PopulationController {
  constructor(private readonly records: NationalRecordsService) {}

  @Post('token')
  @TokenEndpoint()
  @HttpCode(200)
  token(@Body() body: unknown, @Headers('authorization') authorization?: string): TokenAnswer {
    return this.records.token('population', body, authorization);
  }

  @Get('citizens/:personalId')
  citizen(@Param('personalId') personalId: string): unknown {
    return this.records.citizen(personalId);
  }
}

/** Enterprises and their branches by enterprise code (`0100109106`, `0100109106-001`). */
@Controller('business')
@ForSystem('business')
export class BusinessController {
  constructor(private readonly records: NationalRecordsService) {}

  @Post('token')
  @TokenEndpoint()
  @HttpCode(200)
  token(@Body() body: unknown, @Headers('authorization') authorization?: string): TokenAnswer {
    return this.records.token('business', body, authorization);
  }

  @Get('enterprises/:code')
  enterprise(@Param('code') code: string): unknown {
    return this.records.enterprise(code);
  }
}

/** Participants by social insurance code, and legacy health insurance cards. */
@Controller('insurance')
@ForSystem('insurance')
export class InsuranceController {
  constructor(private readonly records: NationalRecordsService) {}

  @Post('token')
  @TokenEndpoint()
  @HttpCode(200)
  token(@Body() body: unknown, @Headers('authorization') authorization?: string): TokenAnswer {
    return this.records.token('insurance', body, authorization);
  }

  @Get('participants/:code')
  participant(@Param('code') code: string): unknown {
    return this.records.insuranceParticipant(code);
  }

  @Get('cards/:cardNumber')
  card(@Param('cardNumber') cardNumber: string): unknown {
    return this.records.healthInsuranceCard(cardNumber);
  }
}

/** Parcels by `{commune}/{map sheet}/{parcel}`, one path segment each. */
@Controller('land')
@ForSystem('land')
export class LandController {
  constructor(private readonly records: NationalRecordsService) {}

  @Post('token')
  @TokenEndpoint()
  @HttpCode(200)
  token(@Body() body: unknown, @Headers('authorization') authorization?: string): TokenAnswer {
    return this.records.token('land', body, authorization);
  }

  @Get('parcels/:commune/:sheet/:parcel')
  parcel(@Param('commune') commune: string, @Param('sheet') sheet: string, @Param('parcel') parcel: string): unknown {
    return this.records.landParcel(commune, sheet, parcel);
  }
}

/** Budget-relation units by their 7-digit code. */
@Controller('budget-units')
@ForSystem('budget-units')
export class BudgetUnitsController {
  constructor(private readonly records: NationalRecordsService) {}

  @Post('token')
  @TokenEndpoint()
  @HttpCode(200)
  token(@Body() body: unknown, @Headers('authorization') authorization?: string): TokenAnswer {
    return this.records.token('budget-units', body, authorization);
  }

  @Get('units/:code')
  unit(@Param('code') code: string): unknown {
    return this.records.budgetUnit(code);
  }
}

/**
 * The electronic civil-status database (Cơ sở dữ liệu hộ tịch điện tử toàn quốc, Ministry of Justice): birth
 * registration extracts (trích lục khai sinh) by 12-digit personal identification number.
 */
@Controller('civil-status')
@ForSystem('civil-status')
export class CivilStatusController {
  constructor(private readonly records: NationalRecordsService) {}

  @Post('token')
  @TokenEndpoint()
  @HttpCode(200)
  token(@Body() body: unknown, @Headers('authorization') authorization?: string): TokenAnswer {
    return this.records.token('civil-status', body, authorization);
  }

  @Get('births/:personalId')
  birth(@Param('personalId') personalId: string): unknown {
    return this.records.birthExtract(personalId);
  }
}
