import { parseLandParcelRef } from '@lgsp/identifiers';
import { Connector, pathSegment, readJsonAnswer } from '../connector';

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
  readAnswer: (answer, identifier) =>
    readJsonAnswer(SYSTEM_NAME, answer, identifier, (body) => {
      if (typeof body.success !== 'boolean') return null;
      if (body.success) return { record: body.result };
      return { refusal: { code: typeof body.code === 'number' ? body.code : NaN, message: String(body.message ?? '') } };
    }),
};
