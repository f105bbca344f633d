import { Body, Controller, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import type { PortalLoginAnswer, PortalLookupResponse, PortalPushAnswer } from '@lgsp/contracts';
import { SimulatedConditionsInterceptor } from '../simulation/simulated-conditions.interceptor';
import { PortalCallsService } from './portal-calls.service';

/**
 * The portal as a sender sees it (paths in PORTAL_PATHS): log in, then call the integration endpoint (pushes) or the
 * sharing endpoint (look-ups) with the session and the service name in the JSON body, as real senders do.
 */
@Controller('api')
@UseInterceptors(SimulatedConditionsInterceptor)
export class PortalController {
  constructor(private readonly calls: PortalCallsService) {}

  @Post('login')
  @HttpCode(200)
  login(@Body() body: unknown): PortalLoginAnswer {
    return this.calls.login(body);
  }

  @Post('integration')
  @HttpCode(200)
  integration(@Body() body: unknown): PortalPushAnswer {
    return this.calls.integration(body);
  }

  @Post('share')
  @HttpCode(200)
  share(@Body() body: unknown): PortalLookupResponse {
    return this.calls.share(body);
  }
}
