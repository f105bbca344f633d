import { parseHealthInsuranceCard, parseSocialInsuranceCode } from '@lgsp/identifiers';
import { Connector, mapRemoteError, parseJsonAnswer, pathSegment, remoteRefusals, RemoteAnswer } from '../connector';

const SYSTEM_NAME = 'The national insurance database';

/**
 * The national insurance database (CSDLQG về bảo hiểm): a participant by social insurance code, and a legacy health
 * insurance card by its 15-character number. Its envelope has Vietnamese field names and codes as strings:
 * `{maLoi: "0", moTaLoi, duLieu}` or `{maLoi: "201", moTaLoi, thongBao}`.
 */
export const socialInsuranceConnector: Connector = {
  service: 'national.social-insurance',
  system: 'insurance',
  systemName: SYSTEM_NAME,
  // Name, birth date and registered residence of a person: a look-up must state its case or purpose.
  personalData: true,
  // Participation status and cards change with payroll runs and renewals: minutes, not hours.
  cacheTtlMs: 5 * 60_000,
  operations: [
    {
      route: 'GET /participants/{socialInsuranceCode}',
      method: 'GET',
      pattern: /^\/participants\/([^/]+)$/,
      resolve(match) {
        const code = parseSocialInsuranceCode(pathSegment(match, 1));
        return { remotePath: `/participants/${code}`, identifier: code };
      },
    },
    {
      route: 'GET /cards/{cardNumber}',
      method: 'GET',
      pattern: /^\/cards\/([^/]+)$/,
      resolve(match) {
        const card = parseHealthInsuranceCard(pathSegment(match, 1));
        return { remotePath: `/cards/${card.value}`, identifier: card.value };
      },
    },
  ],
  readAnswer(answer: RemoteAnswer, identifier: string): unknown {
    const body = parseJsonAnswer(answer);
    const remoteCode = body ? codeOf(body.maLoi) : NaN;
    if (!body || Number.isNaN(remoteCode)) {
      if (answer.status >= 500) throw remoteRefusals.error(SYSTEM_NAME, `HTTP ${answer.status}`);
      throw remoteRefusals.badAnswer(SYSTEM_NAME, body ? 'no error code in it' : 'not JSON');
    }
    if (answer.status === 200 && remoteCode === 0) {
      if (typeof body.duLieu === 'object' && body.duLieu !== null && !Array.isArray(body.duLieu)) return body.duLieu;
      throw remoteRefusals.badAnswer(SYSTEM_NAME, 'success without a record');
    }
    throw mapRemoteError(SYSTEM_NAME, answer, remoteCode, String(body.thongBao ?? ''), identifier);
  },
};

/** The system writes its codes as digit strings ("0", "201"); a number is read too, anything else is no code. */
function codeOf(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return NaN;
}
