import { Connector, ConnectorError, RemoteAnswer } from '../connector';

/** What the connectors' specs share: a remote answer, a path resolved as the responder would, a refusal's status and code. */

export const jsonAnswer = (status: number, body: unknown, contentType = 'application/json'): RemoteAnswer => ({ status, contentType, text: JSON.stringify(body) });

/** Resolves a path by the first of the connector's operations that matches it, as the responder routes. */
export function resolverFor(connector: Connector): (path: string) => { remotePath: string; identifier: string } {
  return (path) => {
    for (const operation of connector.operations) {
      const match = operation.pattern.exec(path);
      if (match) return operation.resolve(match);
    }
    throw new Error(`no operation of ${connector.service} matches ${path}`);
  };
}

/** The status and code of the ConnectorError `fn` throws; fails the test if it throws none. */
export function refusalOf(fn: () => unknown): { status: number; code: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConnectorError) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error('expected a refusal');
}
