import { parseBudgetUnitCode } from '@lgsp/identifiers';
import { Connector, mapRemoteError, parseJsonAnswer, pathSegment, remoteRefusals, RemoteAnswer } from '../connector';

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
  readAnswer(answer: RemoteAnswer, identifier: string): unknown {
    const body = parseJsonAnswer(answer);
    const remoteCode = body && typeof body.ResultCode === 'number' ? body.ResultCode : NaN;
    if (!body || Number.isNaN(remoteCode)) {
      if (answer.status >= 500) throw remoteRefusals.error(SYSTEM_NAME, `HTTP ${answer.status}`);
      throw remoteRefusals.badAnswer(SYSTEM_NAME, body ? 'no result code in it' : 'not JSON');
    }
    if (answer.status === 200 && remoteCode === 0) {
      if (typeof body.Data === 'object' && body.Data !== null && !Array.isArray(body.Data)) return body.Data;
      throw remoteRefusals.badAnswer(SYSTEM_NAME, 'success without a record');
    }
    throw mapRemoteError(SYSTEM_NAME, answer, remoteCode, String(body.Message ?? ''), identifier);
  },
};
