import { parseEnterpriseCode } from '@lgsp/identifiers';
import { Connector, pathSegment, readJsonAnswer, remoteCode } from '../connector';

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
  readAnswer: (answer, identifier) =>
    readJsonAnswer(SYSTEM_NAME, answer, identifier, (body) => {
      const code = remoteCode(body.errorCode);
      if (Number.isNaN(code)) return null;
      return code === 0 ? { record: body.data } : { refusal: { code, message: String(body.description ?? '') } };
    }),
};
