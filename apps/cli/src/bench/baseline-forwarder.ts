import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { KafkaHeader } from '@lgsp/contracts';
import { MessagingConnection, RequestReplyClient } from '@lgsp/messaging';

/**
 * The gateway benchmark's baseline: the least a service can do to put HTTP in front of Kafka request/reply —
 * bare `node:http`, the same `@lgsp/messaging` RequestReplyClient the gateway uses, and nothing else (no
 * authentication, access check, request hashing, idempotency, message log, metrics or logging). It runs as its own
 * process, forked by the benchmark, so that its CPU is counted apart from the load generator's, as the gateway's is.
 */
export interface ForwarderInput {
  readonly brokers: string[];
  /** The provider's request topic, e.g. `lgsp-bench.service.ping.requests`. */
  readonly requestTopic: string;
  /** Its own reply topic: sharing the gateway's would make the gateway read (and drop) every baseline reply. */
  readonly replyTopic: string;
  readonly deadlineMs: number;
}

/** Sent to the parent over the IPC channel. */
export type ForwarderMessage = { ready: { port: number } } | { error: string };

export async function runForwarder(input: ForwarderInput): Promise<{ port: number; stop: () => Promise<void> }> {
  const connection = new MessagingConnection({ brokers: input.brokers, clientId: 'bench-forwarder' });
  const client = new RequestReplyClient(connection, { replyTopic: input.replyTopic, instanceId: `bench-forwarder-${process.pid}`, defaultDeadlineMs: input.deadlineMs });
  await client.start();

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      client.request(input.requestTopic, { key: null, value: chunks.length ? Buffer.concat(chunks) : Buffer.alloc(0) }).then(
        (reply) => {
          res.writeHead(Number(reply.headers[KafkaHeader.Status] ?? 200), { 'content-type': reply.headers[KafkaHeader.ContentType] ?? 'application/json' });
          res.end(reply.value);
        },
        (err: Error) => {
          res.writeHead(err.name === 'DeadlineExceededError' ? 504 : 502, { 'content-type': 'text/plain' });
          res.end(err.message);
        },
      );
    });
  };
  const server = createServer(forward);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
    },
  };
}

if (require.main === module) {
  const send = (m: ForwarderMessage): void => {
    process.send?.(m);
  };
  runForwarder(JSON.parse(process.argv[2] ?? '{}') as ForwarderInput).then(
    ({ port, stop }) => {
      let stopping = false;
      const onSignal = (): void => {
        if (stopping) return;
        stopping = true;
        stop().finally(() => process.exit(0));
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      // Gone with the parent: a benchmark killed hard must not leave a forwarder behind.
      process.once('disconnect', onSignal);
      send({ ready: { port } });
    },
    (err: Error) => {
      send({ error: err.stack ?? err.message });
      process.exit(1);
    },
  );
}
