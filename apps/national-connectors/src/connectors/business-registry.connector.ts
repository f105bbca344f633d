import { parseEnterpriseCode } from '@lgsp/identifiers';
import { Connector, mapRemoteError, parseJsonAnswer, pathSegment, remoteRefusals, RemoteAnswer } from '../connector';

const SYSTEM_NAME = 'The national business registration database';

/**
 * The national business registration database (CSDLQG về đăng ký doanh nghiệp): an enterprise, or one of its
 * branches (`{code}-{NNN}`), by enterprise code. Its envelope is `{errorCode: 0, errorMessage, data}` or
 * `{errorCode, errorMessage, description}`.
 */
export const businessRegistryConnector: Connector = {
  service: 'national.business-registry',
  system: 'business',
  systemName: SYSTEM_NAME,
  // Enterprise registration details are published by law on the national business registration portal; member
  // names come with them there too, so a look-up needs no stated case.
  personalData: false,
  cacheTtlMs: 60 * 60_000,
  operations: [
    {
      route: 'GET /enterprises/{enterpriseCode}',
      method: 'GET',
      pattern: /^\/enterprises\/([^/]+)$/,
      resolve(match) {
        const code = parseEnterpriseCode(pathSegment(match, 1));
        return { remotePath: `/enterprises/${code.value}`, identifier: code.value };
      },
    },
  ],
  readAnswer(answer: RemoteAnswer, identifier: string): unknown {
    const body = parseJsonAnswer(answer);
    const remoteCode = body ? Number(body.errorCode) : NaN;
    if (!body || Number.isNaN(remoteCode)) {
      if (answer.status >= 500) throw remoteRefusals.error(SYSTEM_NAME, `HTTP ${answer.status}`);
      throw remoteRefusals.badAnswer(SYSTEM_NAME, body ? 'no error code in it' : 'not JSON');
    }
    if (answer.status === 200 && remoteCode === 0) {
      if (typeof body.data === 'object' && body.data !== null) return body.data;
      throw remoteRefusals.badAnswer(SYSTEM_NAME, 'success without a record');
    }
    throw mapRemoteError(SYSTEM_NAME, answer, remoteCode, String(body.description ?? ''), identifier);
  },
};
