import { SetMetadata } from '@nestjs/common';

/**
 * Route metadata saying "no credentials needed". Health probes and Prometheus scrapes carry no token, so an app
 * guard that denies by default must let these through; the gateway's guard reads the same key.
 */
export const PUBLIC_ROUTE_METADATA = 'lgsp:public';

export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE_METADATA, true);
