import { parseBudgetUnitCode } from '@lgsp/identifiers';
import { Connector, pathSegment, readJsonAnswer } from '../connector';

const SYSTEM_NAME = 'The budget-relation unit register';

/**
 * The register of budget-relation unit codes (danh mục mã số đơn vị có quan hệ với ngân sách): a unit by its 7-digit
 * code. Its envelope is `{ResultCode: 0, ResultName, Data}` or `{ResultCode, ResultName, Message}`.
 */
export const budgetUnitsConnector: Connector = {
  service: 'national.budget-units',
  system: 'budget-units',
  systemName: SYSTEM_NAME,
  // Units are public bodies (offices, schools, health stations): nothing in the record is about a person.
  personalData: false,
  // Codes are issued and closed by the finance offices a few times a year.
  cacheTtlMs: 60 * 60_000,
  operations: [
    {
      route: 'GET /units/{unitCode}',
      method: 'GET',
      pattern: /^\/units\/([^/]+)$/,
      resolve(match) {
        const code = parseBudgetUnitCode(pathSegment(match, 1));
        return { remotePath: `/units/${code}`, identifier: code };
      },
    },
  ],
  readAnswer: (answer, identifier) =>
    readJsonAnswer(SYSTEM_NAME, answer, identifier, (body) => {
      // The code is a number here; a string is another system's habit, so not this envelope.
      if (typeof body.ResultCode !== 'number') return null;
      return body.ResultCode === 0 ? { record: body.Data } : { refusal: { code: body.ResultCode, message: String(body.Message ?? '') } };
    }),
};
