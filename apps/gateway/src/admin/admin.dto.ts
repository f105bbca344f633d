import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const CLIENT_ID = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const ROLES = ['agency-system', 'operator', 'admin'] as const;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Shapes are checked here (unknown fields refused by the global ValidationPipe); meaning — does the member exist,
 * is the agency code valid QCVN 102, does the tier exist — is checked by the registry, with its own error codes.
 */
export class AddClientDto {
  @Matches(CLIENT_ID, { message: 'id must be 3-64 of lowercase letters, digits, ".", "_" or "-", starting with a letter or digit' }) id!: string;
  @IsString() @MaxLength(32) member!: string;
  @IsString() @MaxLength(200) name!: string;
  @IsString() @MaxLength(32) tier!: string;
  @IsArray() @ArrayUnique() @IsIn(ROLES, { each: true }) roles!: (typeof ROLES)[number][];
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) groups?: string[];
}

export class GrantDto {
  @IsString() @MaxLength(64) service!: string;
  @IsOptional() @Matches(CLIENT_ID) client?: string;
  @IsOptional() @IsString() @MaxLength(64) group?: string;
  @IsOptional() @IsArray() @ArrayUnique() @IsIn(METHODS, { each: true }) methods?: (typeof METHODS)[number][];
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) paths?: string[];
}
