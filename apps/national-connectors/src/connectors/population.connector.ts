import { parsePersonalId } from '@lgsp/identifiers';
import { Connector, pathSegment, readJsonAnswer, remoteCode } from '../connector';

const SYSTEM_NAME = 'The national population database';

/**
 * The national population database (CSDLQG về dân cư): a citizen's record by personal identification number.
 * Its envelope is `{status: "OK", data}` or `{status: "ERROR", error: {code, name, message}}`.
 */
export const populationConnector: Connector = {
  service: 'national.population',
  system: 'population',
  systemName: SYSTEM_NAME,
  personalData: true,
  // Residence and household change rarely within a working session, but they do change: minutes, not hours.
  cacheTtlMs: 5 * 60_000,
  operations: [
    {
      route: 'GET /citizens/{personalId}',
      method: 'GET',
      pattern: /^\/citizens\/([^/]+)$/,
      resolve(match) {
        const id = parsePersonalId(pathSegment(match, 1));
        return { remotePath: `/citizens/${id.value}`, identifier: id.value };
      },
    },
  ],
  readAnswer: (answer, identifier) =>
    readJsonAnswer(SYSTEM_NAME, answer, identifier, (body) => {
      if (body.status === 'OK') return { record: body.data };
      const error = typeof body.error === 'object' && body.error !== null ? (body.error as Record<string, unknown>) : null;
      if (body.status !== 'ERROR' || !error) return null;
      return { refusal: { code: remoteCode(error.code), message: String(error.message ?? '') } };
    }),
};
