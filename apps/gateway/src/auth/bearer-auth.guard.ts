import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE_METADATA, PublicRoute } from '@lgsp/observability';
import { ClientRole } from '@lgsp/registry';
import { GatewayError } from '../errors/gateway-error';
import { TracedRequest } from '../message-log/exchange-trace';
import { AuthenticatedRequest } from './principal';
import { TokenService } from './token.service';

const ROLES = 'lgsp:roles';

/** Marks a route that needs no token (the token endpoint, JWKS; health and metrics carry the same mark). */
export const Public = PublicRoute;
/** Restricts a route to clients holding at least one of these roles. */
export const RequireRoles = (...roles: ClientRole[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES, roles);

/** Bearer token on every call unless the route is @Public(); deny by default. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE_METADATA, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest & { headers: Record<string, string | undefined> }>();
    const header = req.headers.authorization;
    if (!header) throw new GatewayError('TOKEN_MISSING');
    const match = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*\.[A-Za-z0-9\-_]*)$/.exec(header);
    if (!match) throw new GatewayError('TOKEN_INVALID');
    req.principal = await this.tokens.verify(match[1]);
    const trace = (req as TracedRequest).exchangeTrace;
    if (trace) {
      trace.clientId = req.principal.clientId;
      trace.clientMember = req.principal.member;
    }
    const roles = this.reflector.getAllAndOverride<ClientRole[] | undefined>(ROLES, targets);
    if (roles && !roles.some((r) => req.principal!.roles.includes(r))) throw new GatewayError('FORBIDDEN_ROLE');
    return true;
  }
}
