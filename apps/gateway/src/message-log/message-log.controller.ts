import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { MessageLogRecord } from '@lgsp/message-log';
import { maskPersonalData } from '@lgsp/observability';
import { AuthenticatedRequest } from '../auth/principal';
import { MESSAGE_LOG_INDEX, MessageLogIndex } from './message-log-index';

export class MessageLogQueryDto {
  @IsOptional() @IsString() @Matches(/^[a-z0-9][a-z0-9._-]{2,63}$/) client?: string;
  @IsOptional() @IsString() @Matches(/^[a-z0-9][a-z0-9.-]{1,63}$/) service?: string;
  @IsOptional() @Matches(/^(succeeded|failed|\d{3})$/, { message: 'status must be succeeded, failed or an HTTP status code' }) status?: string;
  @IsOptional() @IsISO8601() from?: string;
  @IsOptional() @IsISO8601() to?: string;
  @IsOptional() @Matches(/^[A-Za-z0-9._:-]{1,128}$/) requestId?: string;
  @IsOptional() @IsString() issue?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @IsOptional() @Matches(/^\d+$/) cursor?: string;
}

/** A record as a person reads it: bodies decoded and personal data masked. */
function forReading(r: MessageLogRecord) {
  const decode = (b64: string | null) => (b64 === null ? null : maskPersonalData(Buffer.from(b64, 'base64').toString('utf8')));
  return { ...r, requestBody: decode(r.requestBody), responseBody: decode(r.responseBody), path: r.path === null ? null : maskPersonalData(r.path) };
}

@ApiTags('message log')
@ApiBearerAuth()
@Controller('message-log')
export class MessageLogController {
  constructor(@Inject(MESSAGE_LOG_INDEX) private readonly index: MessageLogIndex) {}

  /** Newest first. An agency system sees only its own exchanges; operators and admins see all. */
  @Get()
  @ApiOperation({ summary: 'Search the message log (one record per exchange), newest first' })
  async search(@Query() q: MessageLogQueryDto, @Req() req: AuthenticatedRequest) {
    const principal = req.principal!;
    const seesAll = principal.roles.includes('operator') || principal.roles.includes('admin');
    const page = await this.index.search({
      client: seesAll ? q.client : principal.clientId,
      service: q.service,
      status: q.status,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      requestId: q.requestId,
      issue: q.issue,
      limit: q.limit ?? 50,
      cursor: q.cursor,
    });
    return { items: page.items.map(forReading), nextCursor: page.nextCursor };
  }
}
