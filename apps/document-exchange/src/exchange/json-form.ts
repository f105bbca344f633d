import { z } from 'zod';
import { buildDocumentPackage, buildStatusPackage, edxmlDate, edxmlTimestamp, STATUS_CODES } from '@lgsp/edxml';
import { DocumentExchangeError } from './document-exchange-error';

const organization = z.object({
  organId: z.string(),
  organizationInCharge: z.string().optional(),
  organName: z.string().optional(),
  organAdd: z.string().optional(),
  email: z.string().optional(),
  telephone: z.string().optional(),
  fax: z.string().optional(),
  website: z.string().optional(),
}).strict();

const documentForm = z
  .object({
    to: z.array(organization).min(1),
    code: z.object({ codeNumber: z.string().min(1), codeNotation: z.string().min(1) }).strict(),
    promulgationInfo: z.object({ place: z.string().optional(), date: z.string().optional() }).strict().optional(),
    documentType: z.object({ type: z.string().min(1), typeDetail: z.string().optional(), typeName: z.string().optional() }).strict(),
    subject: z.string().min(1),
    content: z.string().optional(),
    signerInfo: z.object({ competence: z.string().optional(), position: z.string().optional(), fullName: z.string().optional() }).strict().optional(),
    dueDate: z.string().optional(),
    toPlaces: z.array(z.string()).optional(),
    priority: z.number().int().min(0).max(4).optional(),
    steeringType: z.number().int().min(0).max(99).optional(),
    /** Generated as {From},{PromulgationDate},{CodeNumber}/{CodeNotation} when absent. */
    documentId: z.string().optional(),
    business: z
      .object({
        docType: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
        reason: z.string().optional(),
        receiverChanges: z.array(z.object({ organId: z.string(), receiverType: z.union([z.literal(0), z.literal(1)]) }).strict()).optional(),
        replacements: z.array(z.object({ documentId: z.string(), organIds: z.array(z.string()) }).strict()).optional(),
      })
      .strict()
      .optional(),
    attachments: z
      .array(z.object({ name: z.string().min(1), contentType: z.string().min(1), description: z.string().optional(), contentBase64: z.string() }).strict())
      .optional(),
  })
  .strict();

const statusForm = z
  .object({
    responseFor: z.object({ organId: z.string(), documentId: z.string(), code: z.string().optional(), promulgationDate: z.string().optional() }).strict(),
    statusCode: z.enum(Object.keys(STATUS_CODES) as [keyof typeof STATUS_CODES, ...(keyof typeof STATUS_CODES)[]]),
    description: z.string().optional(),
    staffInfo: z.object({ department: z.string().optional(), staff: z.string().optional(), mobile: z.string().optional(), email: z.string().optional() }).strict().optional(),
  })
  .strict();

/**
 * The JSON form of a package, for agency systems that do not write XML: the platform turns it into edXML, with the
 * caller's agency as From and this moment as the sender's hop, and then treats it exactly as a package sent as XML.
 */
export function packageFromJson(body: Buffer, from: { organId: string; organName?: string }, now: Date): string {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch {
    throw new DocumentExchangeError(400, 'INVALID_JSON', 'The body is not valid JSON.');
  }
  const isStatus = typeof raw === 'object' && raw !== null && 'statusCode' in raw;
  const parsed = (isStatus ? statusForm : documentForm).safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
    throw new DocumentExchangeError(400, 'INVALID_PACKAGE_FORM', `The package form is not valid: ${problems[0].path}: ${problems[0].message}.`, { problems });
  }
  const trace = [{ organId: from.organId, timestamp: edxmlTimestamp(now) }];
  if (isStatus) {
    const form = parsed.data as z.infer<typeof statusForm>;
    return buildStatusPackage({ ...form, from, timestamp: edxmlTimestamp(now), traces: trace });
  }
  const form = parsed.data as z.infer<typeof documentForm>;
  const date = form.promulgationInfo?.date ?? edxmlDate(now);
  const attachments = (form.attachments ?? []).map((a, i) => {
    const compact = a.contentBase64.replace(/\s+/g, '');
    if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
      throw new DocumentExchangeError(400, 'EDXML_ATTACHMENT_BAD_BASE64', `attachments.${i}.contentBase64 is not valid base64.`);
    }
    return { contentId: `attachment-${i + 1}`, name: a.name, contentType: a.contentType, ...(a.description ? { description: a.description } : {}), content: Buffer.from(compact, 'base64') };
  });
  return buildDocumentPackage({
    from,
    to: form.to,
    code: form.code,
    promulgationInfo: { ...(form.promulgationInfo?.place ? { place: form.promulgationInfo.place } : {}), date },
    documentType: form.documentType,
    subject: form.subject,
    ...(form.content ? { content: form.content } : {}),
    ...(form.signerInfo ? { signerInfo: form.signerInfo } : {}),
    ...(form.dueDate ? { dueDate: form.dueDate } : {}),
    toPlaces: form.toPlaces ?? [],
    otherInfo: { priority: form.priority ?? 0, appendixes: [], extra: {} },
    ...(form.steeringType !== undefined ? { steeringType: form.steeringType } : {}),
    documentId: form.documentId ?? `${from.organId},${date},${form.code.codeNumber}/${form.code.codeNotation}`,
    traces: trace,
    business: { docType: form.business?.docType ?? 0, ...(form.business?.reason ? { reason: form.business.reason } : {}), receiverChanges: form.business?.receiverChanges ?? [], replacements: form.business?.replacements ?? [] },
    attachments,
  });
}
