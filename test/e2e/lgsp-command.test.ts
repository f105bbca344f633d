import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { cliEntry } from '@lgsp/test-support/cli-entry';
import { Spawned, freePort, freePorts, isAlive } from '@lgsp/test-support/spawned';
import { waitFor } from '@lgsp/test-support/test-broker';

/** The `lgsp` command as a person runs it: real processes, real signals. */
describe('the lgsp command', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lgsp-cli-'));
  const running: Spawned[] = [];
  const lgsp = (...args: string[]): Spawned => {
    const p = new Spawned(process.execPath, [cliEntry(), ...args], { LOG_LEVEL: 'warn' });
    running.push(p);
    return p;
  };
  const listTopics = async (port: number): Promise<string[]> => {
    const admin = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'cli-check' }] });
      return await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  };

  afterAll(() => {
    for (const p of running) p.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('lgsp broker', () => {
    it('prints one ready line, serves kafkajs, and stops cleanly on SIGTERM', async () => {
      const port = await freePort();
      const broker = lgsp('broker', '--port', String(port), '--data-dir', join(dataDir, 'b1'));
      const [line] = await broker.waitForOutput(/^broker listening on .*$/m);
      expect(line).toBe(`broker listening on 127.0.0.1:${port}`);
      expect(broker.stdout.split('\n').filter((l) => l.startsWith('broker listening'))).toHaveLength(1);
      expect(await listTopics(port)).toContain('cli-check');
      broker.kill('SIGTERM');
      expect(await broker.exit()).toEqual({ code: 0, signal: null });
    });

    it('refuses a bad --port with a sentence and a non-zero exit', async () => {
      const broker = lgsp('broker', '--port', 'ninety');
      const { code } = await broker.exit();
      expect(code).not.toBe(0);
      expect(broker.stderr).toMatch(/port is an integer from 0 to 65535/);
    });

    it('says so when the port is taken, or the data directory is in use', async () => {
      const port = await freePort();
      const first = lgsp('broker', '--port', String(port), '--data-dir', join(dataDir, 'b2'));
      await first.waitForOutput(/broker listening/);
      const samePort = lgsp('broker', '--port', String(port), '--data-dir', join(dataDir, 'b3'));
      expect((await samePort.exit()).code).toBe(1);
      expect(samePort.stderr).toMatch(new RegExp(`port ${port} is already in use`));
      const sameDir = lgsp('broker', '--port', '0', '--data-dir', join(dataDir, 'b2'));
      expect((await sameDir.exit()).code).toBe(1);
      expect(sameDir.stderr).toMatch(/is in use by process \d+/);
      first.kill('SIGTERM');
      await first.exit();
    });
  });

  describe('lgsp up', () => {
    it('starts the platform, restarts a crashed service, and stops everything on Ctrl-C', async () => {
      const [port, gatewayPort, portalPort, databasesPort] = await freePorts(4);
      const up = lgsp('up', '--data-dir', join(dataDir, 'up'), '--kafka-port', String(port), '--gateway-port', String(gatewayPort), '--portal-port', String(portalPort), '--databases-port', String(databasesPort));
      const table = await up.waitForOutput(/broker\s+kafka:\/\/127\.0\.0\.1:(\d+)\s+pid (\d+)/, 60_000);
      expect(Number(table[1])).toBe(port);
      const brokerPid = Number(table[2]);
      expect(up.stdout).toMatch(new RegExp(`gateway\\s+http://127\\.0\\.0\\.1:${gatewayPort}\\s+pid \\d+`));
      expect(await listTopics(port)).toContain('cli-check');

      // The generated demo platform: its credentials work against the running gateway, end to end.
      const credentialsPath = join(dataDir, 'up', 'demo-credentials.json');
      expect(up.stdout).toContain(credentialsPath);
      const { clients } = JSON.parse(readFileSync(credentialsPath, 'utf8')) as { clients: { clientId: string; secret: string }[] };
      expect(clients.filter((c) => c.clientId.includes('-qlvb-'))).toHaveLength(48);
      const qlvb = clients.find((c) => c.clientId.includes('-qlvb-'))!;
      const base = `http://127.0.0.1:${gatewayPort}`;
      const tokenRes = await fetch(`${base}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: qlvb.clientId, client_secret: qlvb.secret }),
      });
      expect(tokenRes.status).toBe(200);
      const { access_token } = (await tokenRes.json()) as { access_token: string };
      const ping = await fetch(`${base}/r1/ping`, { headers: { authorization: `Bearer ${access_token}` } });
      expect(ping.status).toBe(200);
      expect(await ping.json()).toMatchObject({ pong: true, client: qlvb.clientId, platform: { instance: 'lgsp-h56' } });

      // A document from one demo agency to another, through the document-exchange process.
      const tokenOf = async (c: { clientId: string; secret: string }) =>
        ((await (await fetch(`${base}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.secret }) })).json()) as { access_token: string }).access_token;
      const demo = clients as { clientId: string; secret: string; member: string }[];
      const [sender, recipient] = demo.filter((c) => c.clientId.includes('-qlvb-'));
      const sent = await fetch(`${base}/r1/document-exchange.documents/packages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await tokenOf(sender)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ to: [{ organId: recipient.member }], code: { codeNumber: '1', codeNotation: 'E2E' }, documentType: { type: '1' }, subject: 'Kiểm thử đầu cuối' }),
      });
      expect(sent.status).toBe(201);
      const { documentId } = (await sent.json()) as { documentId: string };
      const inbox = await fetch(`${base}/r1/document-exchange.documents/inbox`, { headers: { authorization: `Bearer ${await tokenOf(recipient)}` } });
      expect(((await inbox.json()) as { items: { documentId: string; from: string }[] }).items).toContainEqual(expect.objectContaining({ documentId, from: sender.member }));

      // A one-stop-shop case: the district's system receives it for one of its communes, and the sync worker takes
      // it to the simulated national portal.
      const oneStop = demo.find((c) => c.clientId.includes('-motcua-'))!;
      const oneStopToken = await tokenOf(oneStop);
      const cases = `${base}/r1/case-tracking.cases`;
      const listing = (await (await fetch(`${cases}/procedures?tier=district&agency=${oneStop.member}&limit=1`, { headers: { authorization: `Bearer ${oneStopToken}` } })).json()) as { items: { code: string }[] };
      const received = await fetch(`${cases}/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${oneStopToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ externalId: 'E2E-1', procedureCode: listing.items[0]!.code, channel: 1, applicant: { name: 'Nguyễn Văn An', idNumber: '038090001234' }, summary: 'Kiểm thử đầu cuối', officer: { name: 'Lê Thị Hoa' } }),
      });
      expect(received.status).toBe(201);
      const { case: intake } = (await received.json()) as { case: { code: string } };
      expect(intake.code).toMatch(new RegExp(`^${oneStop.member.replace(/\./g, '\\.')}-\\d{6}-0001$`));
      const portalCases = async () => ((await (await fetch(`http://127.0.0.1:${portalPort}/sim/stats`)).json()) as { cases: number }).cases;
      await waitFor(async () => (await portalCases()) === 1, 20_000, 'the case to reach the national portal');
      // A national database through its connector: an enterprise (public data, so no issue needed) by a valid code.
      const enterprise = await fetch(`${base}/r1/national.business-registry/enterprises/0100109106`, { headers: { authorization: `Bearer ${oneStopToken}` } });
      expect(enterprise.status).toBe(200);
      expect(await enterprise.json()).toMatchObject({ data: expect.objectContaining({ enterpriseCode: '0100109106' }) });
      expect(up.stdout).toMatch(/\[broker\s*\] broker listening on/); // the service's own output, prefixed

      process.kill(brokerPid, 'SIGKILL');
      await up.waitForOutput(/broker exited with signal SIGKILL; restarting/, 10_000);
      await up.waitForOutput(/broker is back on kafka:\/\/127\.0\.0\.1:\d+/, 20_000);
      expect(await listTopics(port)).toContain('cli-check'); // same port, same data

      up.kill('SIGINT');
      expect(await up.exit(30_000)).toEqual({ code: 0, signal: null });
      expect(up.stdout).toMatch(/all services stopped/);
      expect(isAlive(brokerPid)).toBe(false);
      await expect(fetch(`${base}/health/live`)).rejects.toThrow(); // the gateway is gone too
      // The restarted broker was stopped cleanly too: it released its data-directory lock on the way out.
      expect(existsSync(join(dataDir, 'up', 'kafka', '.lock'))).toBe(false);
    }, 120_000);

    it('takes its services down with it when the supervisor itself is killed', async () => {
      const [port, gatewayPort, portalPort, databasesPort] = await freePorts(4);
      const up = lgsp('up', '--data-dir', join(dataDir, 'up-killed'), '--kafka-port', String(port), '--gateway-port', String(gatewayPort), '--portal-port', String(portalPort), '--databases-port', String(databasesPort));
      const broker = await up.waitForOutput(/broker\s+kafka:\/\/\S+\s+pid (\d+)/, 60_000);
      const gateway = await up.waitForOutput(/gateway\s+http:\/\/\S+\s+pid (\d+)/, 60_000);
      const documents = await up.waitForOutput(/documents\s+document exchange.*pid (\d+)/, 60_000);
      const cases = await up.waitForOutput(/cases\s+case tracking.*pid (\d+)/, 60_000);
      const portal = await up.waitForOutput(/portal\s+http:\/\/\S+.*pid (\d+)/, 60_000);
      const databases = await up.waitForOutput(/databases\s+http:\/\/\S+.*pid (\d+)/, 60_000);
      const connectors = await up.waitForOutput(/connectors\s+national connectors.*pid (\d+)/, 60_000);
      up.kill('SIGKILL');
      const pids = [broker, gateway, documents, cases, portal, databases, connectors].map((m) => Number(m[1]));
      const deadline = Date.now() + 20_000;
      while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(pids.filter(isAlive)).toEqual([]);
      // They stopped cleanly: the broker released its data directory.
      expect(existsSync(join(dataDir, 'up-killed', 'kafka', '.lock'))).toBe(false);
    }, 90_000);
  });
});
