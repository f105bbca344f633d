import { ChildProcess, spawn } from 'node:child_process';
import { Admin, Producer } from 'kafkajs';
import { startTestBroker, TestBroker, waitFor } from '@lgsp/test-support/test-broker';

/**
 * librdkafka, through Debian's kcat, against the embedded broker. librdkafka is stricter than kafkajs in ways
 * kafkajs never exercises: ApiVersions v3 with flexible headers, feature gates computed from the advertised
 * version ranges, CRC-32C checks on every fetched batch, and its own group consumer. If these pass, C, Go
 * (confluent-kafka-go), Python and .NET clients built on librdkafka talk to the broker too.
 */

const KCAT = 'kcat';
const INSTALL_HINT =
  'kcat is required by this suite and CI installs it; install it locally with `apt-get install kcat` (Debian/Ubuntu) or `brew install kcat`';

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Every kcat still running; afterAll kills them so that no test leaves a process behind, whatever fails. */
const running = new Set<Kcat>();

/** One kcat process with its output collected. */
class Kcat {
  stdout = '';
  stderr = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<Exit>;

  constructor(
    readonly args: string[],
    input?: string,
  ) {
    this.child = spawn(KCAT, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(this);
    // setEncoding keeps multi-byte UTF-8 characters whole across chunk boundaries.
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    // A consumer never reads stdin, and a producer may exit early on an error: neither must crash the suite.
    this.child.stdin!.on('error', () => undefined);
    this.child.stdin!.end(input);
    this.exited = new Promise<Exit>((resolve, reject) => {
      this.child.once('error', (err: NodeJS.ErrnoException) => {
        running.delete(this);
        reject(err.code === 'ENOENT' ? new Error(`${KCAT} was not found on PATH: ${INSTALL_HINT}`) : err);
      });
      this.child.once('close', (code, signal) => {
        running.delete(this);
        resolve({ code, signal });
      });
    });
    this.exited.catch(() => undefined); // observed by whoever waits; never an unhandled rejection
  }

  get lines(): string[] {
    return this.stdout.split('\n').filter((l) => l.length > 0);
  }

  /** Waits for the exit; a process still running after `timeoutMs` is killed and the wait fails. */
  async exit(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`kcat ${this.args.join(' ')} still running after ${timeoutMs} ms; stderr:\n${this.stderr.slice(-2000)}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM is kcat's orderly shutdown: a group consumer commits its offsets and leaves the group. */
  async stop(timeoutMs = 10_000): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exit(timeoutMs);
  }

  kill(): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.exit(5_000).catch(() => ({ code: null, signal: 'SIGKILL' as NodeJS.Signals }));
  }
}

/** Runs kcat to completion and fails, with its stderr, unless it exits 0. */
async function kcat(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<Kcat> {
  const p = new Kcat(args, options.input);
  const { code, signal } = await p.exit(options.timeoutMs ?? 20_000);
  if (code !== 0) throw new Error(`kcat ${args.join(' ')} exited with ${code ?? signal}; stderr:\n${p.stderr.slice(-2000)}`);
  return p;
}

/** librdkafka reports protocol trouble on stderr with the process still exiting 0, so stderr is checked too. */
function expectNoErrors(p: Kcat): void {
  expect(p.stderr.split('\n').filter((l) => /error|fail|crc|bad message/i.test(l))).toEqual([]);
}

interface JsonMessage {
  topic: string;
  partition: number;
  offset: number;
  tstype: string;
  ts: number;
  broker: number;
  headers?: string[];
  key: string | null;
  payload: string | null;
}

describe('kcat (librdkafka 2.0.2) against the embedded broker', () => {
  let tb: TestBroker | undefined;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    // Fails every test with the install hint rather than skipping: a missing kcat must not look like a pass.
    await kcat(['-V'], { timeoutMs: 5_000 });
    tb = await startTestBroker();
    admin = tb.kafka('kcat-suite-admin').admin();
    await admin.connect();
    producer = tb.kafka('kcat-suite-producer').producer();
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all([...running].map((p) => p.kill()));
    await producer?.disconnect();
    await admin?.disconnect();
    await tb?.stop();
  });

  const bootstrap = (): string => tb!.bootstrap;

  it('lists brokers and topics with -L', async () => {
    await admin.createTopics({ topics: [{ topic: 'kcat-metadata', numPartitions: 3 }], waitForLeaders: true });

    const listed = await kcat(['-b', bootstrap(), '-L', '-J'], { timeoutMs: 10_000 });
    expectNoErrors(listed);
    const metadata = JSON.parse(listed.stdout) as {
      controllerid: number;
      brokers: { id: number; name: string }[];
      topics: { topic: string; error?: string; partitions: { partition: number; leader: number; replicas: { id: number }[] }[] }[];
    };
    expect(metadata.brokers).toEqual([{ id: 1, name: bootstrap() }]);
    expect(metadata.controllerid).toBe(1);
    const topic = metadata.topics.find((t) => t.topic === 'kcat-metadata');
    expect(topic).toBeDefined();
    expect(topic!.error).toBeUndefined();
    expect(topic!.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2]);
    for (const p of topic!.partitions) {
      expect(p.leader).toBe(1);
      expect(p.replicas).toEqual([{ id: 1 }]);
    }

    // The human-readable form, for one topic, as people will run it.
    const one = await kcat(['-b', bootstrap(), '-L', '-t', 'kcat-metadata'], { timeoutMs: 10_000 });
    expect(one.stdout).toContain('topic "kcat-metadata" with 3 partitions:');
    expect(one.stdout).toContain(`broker 1 at ${bootstrap()} (controller)`);
  });

  it('produces 10,000 keyed messages with headers and reads them back intact with CRC checks', async () => {
    const topic = 'kcat-roundtrip';
    const producers = 4;
    const perProducer = 2_500;
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });

    // Distinct, self-describing messages: the key carries the number, the value repeats it with UTF-8 text and
    // varying lengths (now and then 20 kB, so that batches and fetch responses break at different places).
    const key = (i: number): string => `ho-so-${String(i).padStart(5, '0')}`;
    const value = (i: number): string =>
      `Hồ sơ số ${i}; trạng thái=${['mới', 'đang xử lý', 'hoàn thành'][i % 3]}; ${'đ'.repeat(i % 101)}${i % 997 === 0 ? 'x'.repeat(20_000) : ''}#${i}`;
    const producerOf = (i: number): number => Math.floor(i / perProducer);
    const startedAt = Date.now();

    // Four kcat producers at once, each with its own headers, so that a header can be checked per message.
    await Promise.all(
      Array.from({ length: producers }, (_, c) => {
        let input = '';
        for (let i = c * perProducer; i < (c + 1) * perProducer; i++) input += `${key(i)}|${value(i)}\n`;
        const args = ['-b', bootstrap(), '-P', '-t', topic, '-K', '|', '-H', `producer=${c}`, '-H', 'agency=Sở Tư pháp'];
        return kcat(args, { input, timeoutMs: 20_000 }).then(expectNoErrors);
      }),
    );

    const consumed = await kcat(['-b', bootstrap(), '-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-X', 'check.crcs=true'], {
      timeoutMs: 20_000,
    });
    expectNoErrors(consumed);
    const messages = consumed.lines.map((l) => JSON.parse(l) as JsonMessage);
    expect(messages).toHaveLength(producers * perProducer);

    const seen = new Map(messages.map((m) => [m.key!, m]));
    expect(seen.size).toBe(messages.length); // no key twice
    const mismatches: string[] = [];
    for (let i = 0; i < producers * perProducer; i++) {
      const m = seen.get(key(i));
      if (!m) mismatches.push(`${key(i)} missing`);
      else if (m.payload !== value(i)) mismatches.push(`${key(i)} has value ${JSON.stringify(m.payload).slice(0, 80)}`);
      else if (JSON.stringify(m.headers) !== JSON.stringify(['producer', String(producerOf(i)), 'agency', 'Sở Tư pháp'])) {
        mismatches.push(`${key(i)} has headers ${JSON.stringify(m.headers)}`);
      } else if (m.tstype !== 'create' || m.ts < startedAt - 1_000 || m.ts > Date.now()) {
        mismatches.push(`${key(i)} has timestamp ${m.tstype} ${m.ts}`);
      }
      if (mismatches.length >= 10) break;
    }
    expect(mismatches).toEqual([]);

    // Offsets: each partition is dense from 0, and each producer's messages kept their order within a partition.
    const byPartition = new Map<number, JsonMessage[]>();
    for (const m of messages) {
      if (!byPartition.has(m.partition)) byPartition.set(m.partition, []);
      byPartition.get(m.partition)!.push(m);
    }
    for (const [, list] of byPartition) {
      list.sort((a, b) => a.offset - b.offset);
      expect(list.map((m) => m.offset)).toEqual(list.map((_, i) => i));
      for (let c = 0; c < producers; c++) {
        const numbers = list.filter((m) => producerOf(Number(m.key!.slice(6))) === c).map((m) => Number(m.key!.slice(6)));
        expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      }
    }

    // kafkajs agrees: the watermarks add up to what was produced, partition by partition.
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets).toHaveLength(4);
    let total = 0;
    for (const o of offsets) {
      expect(Number(o.low)).toBe(0);
      expect(Number(o.high)).toBe(byPartition.get(o.partition)?.length ?? 0);
      total += Number(o.high) - Number(o.low);
    }
    expect(total).toBe(producers * perProducer);
  });

  it('consumes as a group with -G: partitions shared, offsets committed, a rerun resumes where it stopped', async () => {
    const topic = 'kcat-group';
    const groupId = 'kcat-group-consumers';
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });

    // -u: unbuffered output, so that progress is visible while the members run. Short heartbeats make the first
    // member notice the second one's join quickly.
    const memberArgs = [
      '-b', bootstrap(), '-G', groupId, '-o', 'beginning', '-u', '-f', '%p\t%o\t%k\t%s\n',
      '-X', 'heartbeat.interval.ms=250', '-X', 'session.timeout.ms=6000', topic,
    ];
    const members = [new Kcat(memberArgs), new Kcat(memberArgs)];

    // Stable with both members, each having applied its share: produce only then, so no rebalance interleaves.
    const assigned = (m: Kcat): number[] | null => {
      const events = [...m.stderr.matchAll(/rebalanced \(memberid [^)]*\): (assigned|revoked): (.*)/g)];
      const last = events[events.length - 1];
      if (!last || last[1] !== 'assigned') return null;
      return [...last[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1])).sort();
    };
    await waitFor(
      async () => {
        if (!members.every((m) => assigned(m)?.length)) return false;
        const { groups } = await admin.describeGroups([groupId]);
        return groups[0].state === 'Stable' && groups[0].members.length === 2;
      },
      20_000,
      'two kcat members sharing the topic',
    );
    const shares = members.map((m) => assigned(m)!);
    expect([...shares[0], ...shares[1]].sort()).toEqual([0, 1, 2]);
    const { groups } = await admin.describeGroups([groupId]);
    expect(groups[0].protocolType).toBe('consumer');
    expect(groups[0].members.map((m) => m.clientId)).toEqual(['rdkafka', 'rdkafka']);

    const count = 3_000;
    for (let i = 0; i < count; i += 500) {
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 500 }, (_, j) => ({ key: `g-${i + j}`, value: `group message ${i + j}` })),
      });
    }

    const received = (): number => members.reduce((n, m) => n + m.lines.length, 0);
    await waitFor(() => received() >= count, 20_000, `${count} messages across the group`);
    await new Promise((r) => setTimeout(r, 300)); // a duplicate delivery would show up by now

    const keys = new Set<string>();
    members.forEach((m, i) => {
      for (const line of m.lines) {
        const [partition, , key, value] = line.split('\t');
        expect(shares[i]).toContain(Number(partition)); // each member read only its own partitions
        expect(value).toBe(`group message ${key.slice(2)}`);
        keys.add(key);
      }
    });
    expect(received()).toBe(count);
    expect(keys.size).toBe(count);

    // An orderly stop commits what was consumed and leaves the group.
    for (const m of members) expect(await m.stop()).toEqual({ code: 0, signal: null });
    const high = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
    const committed = async (): Promise<Map<number, number>> => {
      const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map(t.partitions.map((p) => [p.partition, Number(p.offset)]));
    };
    expect(await committed()).toEqual(high);
    expect([...high.values()].reduce((a, b) => a + b)).toBe(count);
    const after = (await admin.describeGroups([groupId])).groups[0];
    expect(after.state).toBe('Empty');
    expect(after.members).toEqual([]);

    // A new member of the same group starts at the committed offsets: it sees only what came later.
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 30 }, (_, j) => ({ key: `late-${j}`, value: `late ${j}` })) });
    const rerun = await kcat(['-b', bootstrap(), '-G', groupId, '-e', '-f', '%k\n', topic], { timeoutMs: 20_000 });
    expect(rerun.lines.sort()).toEqual(Array.from({ length: 30 }, (_, j) => `late-${j}`).sort());
    const finalHigh = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
    expect([...finalHigh.values()].reduce((a, b) => a + b)).toBe(count + 30);
    expect(await committed()).toEqual(finalHigh);
  });
});
