import { Body, Controller, Get, HttpCode, Param, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GrantConfig, Registry, RegistryError } from '@lgsp/registry';
import { RequireRoles } from '../auth/bearer-auth.guard';
import { AuthenticatedRequest } from '../auth/principal';
import { GATEWAY_ERRORS, GatewayErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { AddClientDto, GrantDto } from './admin.dto';
import { AdminExchangeInterceptor } from './admin-exchange.interceptor';
import { RegistryChangesService } from './registry-changes.service';

/** The registry's own error codes are the platform's codes too; its sentence names the field. */
function asGatewayError(err: unknown): unknown {
  if (err instanceof RegistryError && err.code in GATEWAY_ERRORS) return new GatewayError(err.code as GatewayErrorCode, err.message);
  return err;
}

function grantOf(dto: GrantDto): GrantConfig {
  return Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as GrantConfig;
}

/**
 * The operator API over the registry: operators read it; admins add and revoke client systems and grants at run
 * time. Every change is audited (who, when, what) in the registry-audit topic before it takes effect.
 */
@ApiTags('registry administration')
@ApiBearerAuth()
@Controller('admin')
@UseInterceptors(AdminExchangeInterceptor)
export class RegistryAdminController {
  constructor(
    private readonly registry: Registry,
    private readonly changes: RegistryChangesService,
  ) {}

  @Get('registry')
  @RequireRoles('operator', 'admin')
  @ApiOperation({ summary: 'The registry and catalog as they are now (secret hashes left out)' })
  snapshot() {
    const config = this.registry.snapshot();
    return { ...config, clients: config.clients.map(({ secretHash: _hash, ...client }) => client) };
  }

  @Get('audit')
  @RequireRoles('operator', 'admin')
  @ApiOperation({ summary: 'Every run-time change to the registry, oldest first' })
  audit() {
    return { changes: this.changes.changes() };
  }

  @Post('clients')
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Add a client system; the answer carries its secret, shown this once' })
  async addClient(@Body() dto: AddClientDto, @Req() req: AuthenticatedRequest) {
    try {
      return await this.changes.commit(async (scratch) => {
        const { change, secret } = await scratch.addClient(req.principal!.clientId, dto);
        return { change, result: { clientId: dto.id, secret, at: change.at } };
      });
    } catch (err) {
      throw asGatewayError(err);
    }
  }

  @Post('clients/:id/revoke')
  @HttpCode(200)
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Revoke a client system: its tokens stop working at once' })
  async revokeClient(@Param('id') id: string, @Req() req: AuthenticatedRequest) {
    try {
      return await this.changes.commit((scratch) => {
        const change = scratch.revokeClient(req.principal!.clientId, id);
        return { change, result: { clientId: id, revoked: true, at: change.at } };
      });
    } catch (err) {
      throw asGatewayError(err);
    }
  }

  @Post('grants')
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Grant a client or a group access to a service (optionally per method and path)' })
  async addGrant(@Body() dto: GrantDto, @Req() req: AuthenticatedRequest) {
    try {
      return await this.changes.commit((scratch) => {
        const change = scratch.addGrant(req.principal!.clientId, grantOf(dto));
        return { change, result: { grant: change.details['grant'], at: change.at } };
      });
    } catch (err) {
      throw asGatewayError(err);
    }
  }

  @Post('grants/revoke')
  @HttpCode(200)
  @RequireRoles('admin')
  @ApiOperation({ summary: 'Revoke a grant (the same service, grantee, methods and paths)' })
  async revokeGrant(@Body() dto: GrantDto, @Req() req: AuthenticatedRequest) {
    try {
      return await this.changes.commit((scratch) => {
        const change = scratch.revokeGrant(req.principal!.clientId, grantOf(dto));
        return { change, result: { revoked: change.details['grant'], at: change.at } };
      });
    } catch (err) {
      throw asGatewayError(err);
    }
  }
}
