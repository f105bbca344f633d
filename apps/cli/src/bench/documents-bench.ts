import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { buildDocumentPackage } from '@lgsp/edxml';
import { generateSecret, hashSecret, MemberConfig, parsePlatformConfig, serializePlatformConfig } from '@lgsp/registry';
import { BenchRun, CpuWatch, loadLine, phase, Measured, perRequest, r0, r2, round, TokenSource, withCpu } from './bench-support';
import { BrokerProcess, startBrokerProcess } from './broker-process';
import { startServiceProcess } from './service-process';
import { BenchChild, startGatewayProcess } from './gateway-process';
import { closedLoop, httpCall, LoadResult, LoadTarget, openLoop } from './http-load';
import { percentile } from './process-cpu';

export interface DocumentsBenchOptions {
  readonly durationS: number;
  readonly warmupS: number;
  readonly concurrency: number;
  /** Packages per second of the fixed-rate phase. */
  readonly rate: number;
  readonly rateDurationS: number;
  /** Size of each package as sent (an attachment fills it up). */
  readonly packageBytes: number;
  readonly cliEntry: string;
  readonly progress: (text: string) => void;
}

export interface DocumentsBenchResult {
  suite: 'documents';
  cores: number;
  package_bytes: number;
  concurrency: number;
  duration_s: number;
  /** Packages per second to one recipient, accepted by the gateway (201) and by then in the recipient's inbox. */
  docs_per_s_1: number;
  /** The same with ten recipients per package (ten deliveries each). */
  docs_per_s_10: number;
  deliveries_per_s_10: number;
  /** At `fixed_rate` packages per second to one recipient, from each package's scheduled send to its receipt. */
  fixed_rate: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  /** Every accepted package was found in the first recipient's inbox at the end of the run. */
  verified_in_inbox: number;
  gateway_cpu_ms_per_doc_1: number | null;
  document_exchange_cpu_ms_per_doc_1: number | null;
  broker_cpu_ms_per_doc_1: number | null;
  loadgen_cpu_ms_per_doc_1: number | null;
  document_exchange_cpu_ms_per_doc_10: number | null;
  other_cpu_s: number | null;
}

const INSTANCE = `lgsp-bench-${randomBytes(4).toString('hex')}`;
const PROVINCE = '000.00.00.H56';
const SENDER = '000.00.02.H56';
const RECIPIENTS = Array.from({ length: 10 }, (_, i) => `000.00.${10 + i}.H56`);
const SENDER_CLIENT = 'bench-sender';
const READER_CLIENT = 'bench-reader';
const SERVICE = 'document-exchange.documents';
const DOCUMENT_ID_SLOT = '@@DOCUMENT-ID@@';

async function writePlatformConfig(path: string, secret: string): Promise<void> {
  const secretHash = await hashSecret(secret);
  const member = (code: string, name: string): MemberConfig => ({ code, name, kind: 'department', parent: PROVINCE });
  const client = (id: string, code: string) => ({ id, member: code, name: id, secretHash, tier: 'unlimited', roles: ['agency-system' as const], groups: ['bench'], enabled: true });
  writeFileSync(
    path,
    serializePlatformConfig(
      parsePlatformConfig({
        platform: { role: 'lgsp', code: PROVINCE, name: 'Benchmark platform', instance: INSTANCE },
        members: [{ code: PROVINCE, name: 'UBND tỉnh Thanh Hóa', kind: 'province' }, member(SENDER, 'Sở Tư pháp'), ...RECIPIENTS.map((c, i) => member(c, `Đơn vị nhận ${i + 1}`))],
        clients: [client(SENDER_CLIENT, SENDER), client(READER_CLIENT, RECIPIENTS[0])],
        services: [{ code: SERVICE, provider: PROVINCE, name: 'Liên thông văn bản', kind: 'request-reply', bodyLogging: 'metadata', timeoutMs: 10_000 }],
        grants: [{ service: SERVICE, group: 'bench' }],
      }),
    ),
  );
}

/**
 * A package of about `bytes` to `recipients`, as text with a slot for its DocumentId: every request sends a new
 * document (the same DocumentId again would only be replayed), and filling a slot costs the load generator little.
 */
function packageTemplate(recipients: readonly string[], bytes: number): string {
  const build = (attachmentBytes: number) =>
    buildDocumentPackage({
      from: { organId: SENDER, organName: 'Sở Tư pháp tỉnh Thanh Hóa' },
      to: recipients.map((organId) => ({ organId })),
      code: { codeNumber: '1', codeNotation: 'STP-BENCH' },
      promulgationInfo: { place: 'Thanh Hóa', date: '2026/11/24' },
      documentType: { type: '1', typeName: 'Công văn' },
      subject: 'Văn bản đo hiệu năng liên thông',
      documentId: DOCUMENT_ID_SLOT,
      traces: [{ organId: SENDER, timestamp: '2026/11/24 08:00:00' }],
      attachments: attachmentBytes > 0 ? [{ contentId: 'a1', name: 'van-ban.pdf', contentType: 'application/pdf', content: Buffer.alloc(attachmentBytes, 0x25) }] : [],
    });
  const bare = Buffer.byteLength(build(0));
  // Base64 makes 3 bytes 4; the manifest entry and the Attachment element cost about 300 bytes more.
  return build(Math.max(0, Math.floor(((bytes - bare - 300) * 3) / 4)));
}

function documentTarget(origin: string, tokens: TokenSource, recipients: readonly string[], bytes: number, counter: { n: number }): LoadTarget {
  const template = packageTemplate(recipients, bytes);
  const run = randomBytes(3).toString('hex').toUpperCase();
  return {
    urls: [`${origin}/r1/${SERVICE}/packages`],
    method: 'POST',
    headers: () => ({ authorization: tokens.authorization, 'content-type': 'application/xml' }),
    body: () => Buffer.from(template.replace(DOCUMENT_ID_SLOT, `${SENDER},2026/11/24,${++counter.n}/B${recipients.length}-${run}`)),
  };
}

async function inboxCount(origin: string, reader: TokenSource): Promise<number> {
  let count = 0;
  let after: string | null = null;
  do {
    const query: string = `state=pending&limit=200${after ? `&after=${after}` : ''}`;
    const res = await httpCall(`${origin}/r1/${SERVICE}/inbox?${query}`, { headers: { authorization: reader.authorization } });
    if (res.status !== 200) throw new Error(`reading the inbox failed: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
    const page = JSON.parse(res.body.toString('utf8')) as { items: unknown[]; next: string | null };
    count += page.items.length;
    after = page.next;
  } while (after);
  return count;
}



/**
 * `lgsp bench documents`: edXML packages sent through the gateway to the document exchange, each process on its own
 * (broker, document exchange, gateway), at fixed concurrency to one and to ten recipients and at a fixed rate to
 * one. A package counts once the sender holds its receipt: the exchange answers only after the delivery is written
 * to Kafka and in the recipient's inbox, and the run ends by counting the first recipient's inbox.
 */
export async function runDocumentsBench(opts: DocumentsBenchOptions): Promise<DocumentsBenchResult> {
  const run = new BenchRun('documents');
  const { root } = run;
  try {
    opts.progress('starting the broker…');
    const broker: BrokerProcess = run.track(await startBrokerProcess(opts.cliEntry, join(root, 'kafka')));
    const kafkaBootstrap = `127.0.0.1:${broker.port}`;
    const secret = generateSecret();
    const platformConfig = join(root, 'platform.yaml');
    await writePlatformConfig(platformConfig, secret);
    opts.progress('starting the document exchange…');
    const exchange = run.track(
      await startServiceProcess({ app: 'document-exchange', readyLine: /^document-exchange ready$/, env: { LGSP_CONFIG: platformConfig, KAFKA_BROKERS: kafkaBootstrap }, log: opts.progress }),
    );
    opts.progress('starting the gateway…');
    const gateway: BenchChild = run.track(
      await startGatewayProcess({ platformConfig, dataDir: join(root, 'gateway'), kafkaBootstrap, instanceId: 'bench-gateway', pingProvider: false, log: opts.progress }),
    );
    const sender = run.track(new TokenSource(gateway.origin, SENDER_CLIENT, secret, opts.progress));
    const reader = run.track(new TokenSource(gateway.origin, READER_CLIENT, secret, opts.progress));
    await Promise.all([sender.start(), reader.start()]);

    const counter = { n: 0 };
    const toOne = documentTarget(gateway.origin, sender, RECIPIENTS.slice(0, 1), opts.packageBytes, counter);
    const toTen = documentTarget(gateway.origin, sender, RECIPIENTS, opts.packageBytes, counter);
    const packageBytes = toOne.body!().length;
    counter.n--; // that body was only measured, never sent
    const watch: CpuWatch[] = [
      { name: 'gateway', pid: gateway.pid },
      { name: 'exchange', pid: exchange.pid },
      { name: 'broker', pid: broker.child.pid ?? null },
    ];

    let accepted = 0;
    const count = (r: LoadResult): LoadResult => {
      accepted += r.ok;
      return r;
    };
    opts.progress(`warming up for ${opts.warmupS} s at concurrency ${opts.concurrency} (${packageBytes}-byte packages)…`);
    const warm = count(await phase(opts.concurrency, (agent) => closedLoop(toOne, agent, opts.concurrency, opts.warmupS)));
    if (warm.ok === 0) throw new Error(`no package was accepted during the warm-up (first error: ${warm.firstError})`);
    opts.progress(`${opts.rate} packages/s to one recipient for ${opts.rateDurationS} s (open loop)…`);
    const open: Measured<LoadResult> = await phase(Infinity, (agent) => withCpu(watch, () => openLoop(toOne, agent, opts.rate, opts.rateDurationS)));
    count(open.value);
    opts.progress(loadLine('fixed rate, 1 recipient', 'packages', open.value));
    opts.progress(`${opts.concurrency} in flight to one recipient for ${opts.durationS} s…`);
    const one = await phase(opts.concurrency, (agent) => withCpu(watch, () => closedLoop(toOne, agent, opts.concurrency, opts.durationS)));
    count(one.value);
    opts.progress(loadLine('1 recipient', 'packages', one.value));
    opts.progress(`${opts.concurrency} in flight to ten recipients for ${opts.durationS} s…`);
    const ten = await phase(opts.concurrency, (agent) => withCpu(watch, () => closedLoop(toTen, agent, opts.concurrency, opts.durationS)));
    count(ten.value);
    opts.progress(loadLine('10 recipients', 'packages', ten.value));

    opts.progress('counting the first recipient\'s inbox…');
    const inInbox = await inboxCount(gateway.origin, reader);
    if (inInbox !== accepted) throw new Error(`${accepted} packages were accepted, but the first recipient's inbox holds ${inInbox}`);

    const o = one.value;
    const t = ten.value;
    return {
      suite: 'documents',
      cores: availableParallelism(),
      package_bytes: packageBytes,
      concurrency: opts.concurrency,
      duration_s: opts.durationS,
      docs_per_s_1: r0(o.ok / o.seconds),
      docs_per_s_10: r0(t.ok / t.seconds),
      deliveries_per_s_10: r0((t.ok * 10) / t.seconds),
      fixed_rate: opts.rate,
      p50_ms: r2(percentile(open.value.latenciesMs, 50)),
      p99_ms: r2(percentile(open.value.latenciesMs, 99)),
      errors: warm.errors + open.value.errors + o.errors + t.errors,
      verified_in_inbox: inInbox,
      gateway_cpu_ms_per_doc_1: perRequest(one.cpu.gateway, o.ok),
      document_exchange_cpu_ms_per_doc_1: perRequest(one.cpu.exchange, o.ok),
      broker_cpu_ms_per_doc_1: perRequest(one.cpu.broker, o.ok),
      loadgen_cpu_ms_per_doc_1: perRequest(one.loadgenCpuS, o.ok),
      document_exchange_cpu_ms_per_doc_10: perRequest(ten.cpu.exchange, t.ok),
      other_cpu_s: round(one.otherCpuS, 2),
    };
  } finally {
    await run.close();
  }
}
