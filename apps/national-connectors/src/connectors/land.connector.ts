import { parseLandParcelRef } from '@lgsp/identifiers';
import { Connector, mapRemoteError, parseJsonAnswer, pathSegment, remoteRefusals, RemoteAnswer } from '../connector';

const SYSTEM_NAME = 'The national land database';

/**
 * The national land database (CSDLQG về đất đai): a parcel by commune, map sheet and parcel number, one path segment
 * each, checked together as the platform's parcel reference `{commune}/{sheet}/{parcel}`. Its envelope is
 * `{success: true, result}` or `{success: false, code, name, message}`.
 */
export const landConnector: Connector = {
  service: 'national.land',
  system: 'land',
  systemName: SYSTEM_NAME,
  // A parcel's record names its holders with their personal identification numbers.
  personalData: true,
  // Transfers and new certificates are registered over days, but a look-up should still see one soon after.
  cacheTtlMs: 15 * 60_000,
  operations: [
    {
      route: 'GET /parcels/{communeCode}/{mapSheet}/{parcelNumber}',
      method: 'GET',
      pattern: /^\/parcels\/([^/]+)\/([^/]+)\/([^/]+)$/,
      resolve(match) {
        // Decoded segments are joined before the check, so an escaped "/" inside one makes a reference of more
        // than three parts, which the library refuses.
        const ref = parseLandParcelRef(`${pathSegment(match, 1)}/${pathSegment(match, 2)}/${pathSegment(match, 3)}`);
        return { remotePath: `/parcels/${ref.value}`, identifier: ref.value };
      },
    },
  ],
  readAnswer(answer: RemoteAnswer, identifier: string): unknown {
    const body = parseJsonAnswer(answer);
    if (!body || typeof body.success !== 'boolean') {
      if (answer.status >= 500) throw remoteRefusals.error(SYSTEM_NAME, `HTTP ${answer.status}`);
      throw remoteRefusals.badAnswer(SYSTEM_NAME, body ? 'no success flag in it' : 'not JSON');
    }
    if (body.success) {
      if (answer.status === 200 && typeof body.result === 'object' && body.result !== null && !Array.isArray(body.result)) return body.result;
      if (answer.status >= 500) throw remoteRefusals.error(SYSTEM_NAME, `HTTP ${answer.status}`);
      throw remoteRefusals.badAnswer(SYSTEM_NAME, answer.status === 200 ? 'success without a record' : `success with HTTP ${answer.status}`);
    }
    const remoteCode = typeof body.code === 'number' ? body.code : NaN;
    throw mapRemoteError(SYSTEM_NAME, answer, remoteCode, String(body.message ?? ''), identifier);
  },
};
