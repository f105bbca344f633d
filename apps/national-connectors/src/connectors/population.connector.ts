import { parsePersonalId } from '@lgsp/identifiers';
import { Connector, mapRemoteError, parseJsonAnswer, pathSegment, remoteRefusals, RemoteAnswer } from '../connector';

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
  readAnswer(answer: RemoteAnswer, identifier: string): unknown {
    const body = parseJsonAnswer(answer);
    if (!body) return failOrGarbage(answer, 'not JSON');
    if (answer.status === 200 && body.status === 'OK' && typeof body.data === 'object' && body.data !== null) return body.data;
    const error = typeof body.error === 'object' && body.error !== null ? (body.error as Record<string, unknown>) : null;
    if (body.status !== 'ERROR' || !error) return failOrGarbage(answer, 'no record and no error in it');
    throw mapRemoteError(SYSTEM_NAME, answer, Number(error.code), String(error.message ?? ''), identifier);
  },
};

/** A 5xx is an outage whatever its body; anything else unreadable is a bad answer. */
function failOrGarbage(answer: RemoteAnswer, why: string): never {
  if (answer.status >= 500) throw remoteRefusals.error(SYSTEM_NAME, `HTTP ${answer.status}`);
  throw remoteRefusals.badAnswer(SYSTEM_NAME, why);
}
