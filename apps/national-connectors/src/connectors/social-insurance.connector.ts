import { parseHealthInsuranceCard, parseSocialInsuranceCode } from '@lgsp/identifiers';
import { Connector, pathSegment, readJsonAnswer, remoteCode } from '../connector';

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
  readAnswer: (answer, identifier) =>
    readJsonAnswer(SYSTEM_NAME, answer, identifier, (body) => {
      // The system writes its codes as digit strings ("0", "201"); a number is read too.
      const code = remoteCode(body.maLoi);
      if (Number.isNaN(code)) return null;
      return code === 0 ? { record: body.duLieu } : { refusal: { code, message: String(body.thongBao ?? '') } };
    }),
};
