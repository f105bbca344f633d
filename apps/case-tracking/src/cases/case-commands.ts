import { z } from 'zod';
import { isLocalDate } from '@lgsp/working-days';
import { CaseTrackingError } from './case-tracking-error';

/**
 * The bodies one-stop-shop systems send, validated once here: unknown fields are refused (a misspelt field must not be
 * silently dropped), and every problem names its field.
 */
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const officer = z.strictObject({ name: text(200), title: text(200).optional() });

export const intakeCommand = z.strictObject({
  /** The one-stop-shop system's own id for this intake: the same id twice is the same case. */
  externalId: text(100),
  procedureCode: text(60),
  /** Defaults to the caller's agency; a district's system may receive for its communes. */
  receivingAgency: z.string().optional(),
  channel: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'must be 1 (in person), 2 (online) or 3 (postal service)' }),
  /** 1 = newly registered online, waiting to be accepted; 2 = accepted at once. Default: 1 online, 2 otherwise. */
  status: z.union([z.literal(1), z.literal(2)], { error: 'an intake starts at 1 (newly registered) or 2 (accepted)' }).optional(),
  /** When the desk received it (ISO 8601 with offset), if entered later; default now. */
  receivedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with its offset, e.g. 2026-12-07T09:30:00+07:00' }).optional(),
  applicant: z.strictObject({
    name: text(200),
    /** CCCD, passport or enterprise code: the national portal requires it with every case (SoGiayToChuHoSo). */
    idNumber: z.string({ error: 'the applicant\'s identity document number is required (the national portal requires it)' }).trim().regex(/^[0-9A-Z-]{6,20}$/, 'must be 6–20 digits, capital letters or hyphens'),
    kind: z.enum(['citizen', 'organization']).default('citizen'),
  }),
  summary: text(1000),
  officer,
  documents: z.array(z.strictObject({ name: text(300), copies: z.number().int().min(1).max(100).default(1) })).max(100).default([]),
  fees: z.array(z.strictObject({ name: text(300), amount: z.number().int().min(0).max(1e12) })).max(50).default([]),
});
export type IntakeCommand = z.infer<typeof intakeCommand>;

export const statusCommand = z.strictObject({
  status: z.number({ error: 'must be a status code 1–10' }).int().min(1).max(10),
  officer,
  note: text(2000).optional(),
});
export type StatusCommand = z.infer<typeof statusCommand>;

export const transferCommand = z.strictObject({
  toAgency: z.string({ error: 'the agency the case goes to is required' }),
  officer,
  note: text(2000).optional(),
});
export type TransferCommand = z.infer<typeof transferCommand>;

export const apologyCommand = z.strictObject({
  newAppointment: z.string().refine(isLocalDate, 'must be a real date YYYY-MM-DD'),
  reason: text(2000),
  officer,
});
export type ApologyCommand = z.infer<typeof apologyCommand>;

/** Parses a JSON body against a command schema, or refuses it with every problem by field. */
export function parseCommand<T extends z.ZodType>(schema: T, body: Buffer, what: string): z.infer<T> {
  let json: unknown;
  try {
    json = body.length === 0 ? undefined : JSON.parse(body.toString('utf8'));
  } catch {
    throw new CaseTrackingError(400, 'INVALID_JSON', `The ${what} is not valid JSON.`);
  }
  if (json === undefined) throw new CaseTrackingError(400, 'EMPTY_BODY', `The ${what} is missing: send it as a JSON object.`);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
    const first = problems[0]!;
    throw new CaseTrackingError(400, 'INVALID_REQUEST', `The ${what} is not valid: ${first.field}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}.`, { problems });
  }
  return parsed.data;
}
