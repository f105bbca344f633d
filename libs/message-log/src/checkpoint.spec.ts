import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JWK, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { CheckpointSigningKey, signCheckpoint } from './checkpoint';
import { HashChain, recordHash } from './hash-chain';
import { MessageLogCheckpoint, MessageLogRecord } from './message-log-record';
import { readSavedHead, readSavedHeads, savedHeadPath, writeSavedHead } from './saved-head';
import { describeProblem, verifyRecords } from './verify';
import { exchangeFields as exchange } from './testing/exchange-fields';


interface TestKey {
  readonly signing: CheckpointSigningKey;
  readonly publicJwk: JWK;
}

async function platformKey(): Promise<TestKey> {
  const pair = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(pair.publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { signing: { kid, privateKey: pair.privateKey }, publicJwk: { ...jwk, kid, alg: 'ES256', use: 'sig' } };
}

function chainOf(count: number, name = 'gw-1'): MessageLogRecord[] {
  const chain = new HashChain(name);
  return Array.from({ length: count }, (_, i) => chain.append(exchange(i)));
}

/** Rewrites record `at` and recomputes every later hash, as someone with write access to the topic can. */
function rewriteFrom(records: MessageLogRecord[], at: number): MessageLogRecord[] {
  const chain = new HashChain(records[0].chain, at > 0 ? records[at - 1] : null);
  return records.map((r, i) => {
    if (i < at) return r;
    const { chain: _c, seq: _s, prevHash: _p, hash: _h, ...fields } = r;
    return chain.append(i === at ? { ...fields, status: 204 } : fields);
  });
}

describe('message-log checkpoints', () => {
  let key: TestKey;
  let otherKey: TestKey;
  const sign = (r: MessageLogRecord, k: TestKey = key) => signCheckpoint(r, k.signing, new Date('2026-11-23T10:00:05.000Z'));

  beforeAll(async () => {
    key = await platformKey();
    otherKey = await platformKey();
  });

  it('verifies signed checkpoints and reports the records after the last one as hash-chained only', async () => {
    const r = chainOf(6);
    const log = [r[0], r[1], r[2], await sign(r[2]), r[3], r[4], await sign(r[4]), r[5]];
    const report = verifyRecords(log, { keys: [key.publicJwk] });
    expect(report).toMatchObject({ ok: true, records: 6, checkpoints: 2, signatures: 'verified', problems: [] });
    expect(report.chains).toEqual([{ chain: 'gw-1', intact: true, records: 6, lastSeq: 5, lastHash: r[5].hash, checkpoints: 2, checkpointedSeq: 4, unsigned: 1 }]);
  });

  it('signs the canonical fields with the platform key as a compact ES256 JWS', async () => {
    const [record] = chainOf(1);
    const c = await sign(record);
    const [header, payload] = c.signature.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'ES256', kid: key.signing.kid });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({ type: 'checkpoint', chain: 'gw-1', seq: 0, hash: record.hash, at: '2026-11-23T10:00:05.000Z', kid: key.signing.kid });
  });

  it('still verifies records written before checkpoints existed (no type field), and a chain continued after them', async () => {
    // Two records exactly as the verifier of the previous release wrote them (its HashChain, before `type` existed).
    const old = [
      '{"id":"old-0","requestId":"req-0","client":"h56-qlvb-so-tu-phap","clientMember":"000.00.02.H56","service":"ping","method":"POST","path":"/","issue":null,"requestInAt":"2026-01-05T08:00:00.000Z","requestOutAt":"2026-01-05T08:00:00.001Z","responseInAt":"2026-01-05T08:00:00.004Z","responseOutAt":"2026-01-05T08:00:00.005Z","requestBytes":10,"responseBytes":20,"status":200,"succeeded":true,"faultCode":null,"faultMessage":null,"requestHash":null,"requestBody":null,"responseBody":null,"contentType":"application/json","chain":"gw-old","seq":0,"prevHash":"","hash":"zMcly8PuDKzOJi/OhY2OUdKJX10FxjiBbULcZZL0kjk="}',
      '{"id":"old-1","requestId":"req-1","client":"h56-qlvb-so-tu-phap","clientMember":"000.00.02.H56","service":"ping","method":"POST","path":"/","issue":null,"requestInAt":"2026-01-05T08:00:00.000Z","requestOutAt":"2026-01-05T08:00:00.001Z","responseInAt":"2026-01-05T08:00:00.004Z","responseOutAt":"2026-01-05T08:00:00.005Z","requestBytes":10,"responseBytes":20,"status":200,"succeeded":true,"faultCode":null,"faultMessage":null,"requestHash":null,"requestBody":null,"responseBody":null,"contentType":"application/json","chain":"gw-old","seq":1,"prevHash":"zMcly8PuDKzOJi/OhY2OUdKJX10FxjiBbULcZZL0kjk=","hash":"D9cuF7DRd2QITK0/JC3dlFKs2h30zPaeIZgJ4z2R6FY="}',
    ].map((line) => JSON.parse(line) as MessageLogRecord);
    expect(verifyRecords(old, { keys: [key.publicJwk] })).toMatchObject({ ok: true, records: 2, chains: [{ chain: 'gw-old', checkpointedSeq: -1, unsigned: 2 }] });

    const next = new HashChain('gw-old', old[1]).append(exchange(2));
    const report = verifyRecords([...old, next, await sign(next)], { keys: [key.publicJwk] });
    expect(report).toMatchObject({ ok: true, records: 3, checkpoints: 1, chains: [{ checkpointedSeq: 2, unsigned: 0 }] });
  });

  it('names a checkpoint signed with another key, or with fields changed after signing, as forged', async () => {
    const r = chainOf(3);
    const foreign = await sign(r[2], otherKey);
    const impostor = { ...foreign, kid: key.signing.kid }; // claims the platform's key id
    const unknown = verifyRecords([...r, foreign], { keys: [key.publicJwk] });
    expect(unknown.problems).toEqual([{ kind: 'checkpoint-forged', chain: 'gw-1', seq: 2, position: 3, reason: expect.stringMatching(/names key .* not one of the platform keys/), evidence: 'checkpoint' }]);
    const claimed = verifyRecords([...r, impostor], { keys: [key.publicJwk] });
    expect(claimed.problems[0]).toMatchObject({ kind: 'checkpoint-forged', reason: expect.stringMatching(/header is not|does not verify/) });

    // A genuine signature moved onto other fields: the one for record 1 presented as covering record 2.
    const genuine = await sign(r[1]);
    const moved: MessageLogCheckpoint = { ...genuine, seq: 2, hash: r[2].hash };
    const report = verifyRecords([...r, moved], { keys: [key.publicJwk] });
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'checkpoint-forged', seq: 2, reason: 'its fields differ from the ones that were signed' });
    expect(describeProblem(report.problems[0])).toMatch(/chain gw-1: the checkpoint for record 2 \(log position 3\) is forged/);

    const broken = { ...genuine, signature: `${genuine.signature.slice(0, -4)}AAAA` };
    expect(verifyRecords([r[0], r[1], broken], { keys: [key.publicJwk] }).problems[0]).toMatchObject({ kind: 'checkpoint-forged', reason: 'its signature does not verify with that key' });
  });

  it('detects a chain rewritten with every later hash recomputed, which the hash chain alone accepts', async () => {
    const r = chainOf(6);
    const log = [r[0], r[1], await sign(r[1]), r[2], r[3], r[4], await sign(r[4]), r[5]];
    const rewritten = rewriteFrom(r, 3);
    const tampered = log.map((e) => ('type' in e ? e : rewritten[e.seq]));
    // The chain itself is consistent again: without the checkpoints nothing is wrong.
    expect(verifyRecords(rewritten).ok).toBe(true);

    const report = verifyRecords(tampered, { keys: [key.publicJwk] });
    expect(report.problems).toEqual([{ kind: 'rewritten', chain: 'gw-1', seq: 4, fromSeq: 2, evidence: 'checkpoint' }]);
    expect(describeProblem(report.problems[0])).toBe(
      'chain gw-1: record 4 is not the record a checkpoint in the log covers: one or more of records 2..4 were rewritten and the later hashes recomputed',
    );
    // Re-signing with a key of one's own does not help.
    const resigned = [...tampered.slice(0, 6), await sign(rewritten[4], otherKey), rewritten[5]];
    expect(verifyRecords(resigned, { keys: [key.publicJwk] }).problems[0]).toMatchObject({ kind: 'checkpoint-forged', seq: 4 });
  });

  it('detects a tail cut after a checkpoint, naming the records removed', async () => {
    const r = chainOf(5);
    const c = await sign(r[4]);
    // The attacker removes records 3 and 4 but the checkpoint after them stays (or any later one of the chain).
    const report = verifyRecords([r[0], r[1], r[2], c], { keys: [key.publicJwk] });
    expect(report.problems).toEqual([{ kind: 'removed', chain: 'gw-1', fromSeq: 3, toSeq: 4, evidence: 'checkpoint' }]);
    expect(report.chains).toMatchObject([{ chain: 'gw-1', intact: false, records: 3, lastSeq: 2 }]);
    expect(describeProblem(report.problems[0])).toBe(
      'chain gw-1: records 3..4 were removed after checkpoint: the chain ends at record 2 but a checkpoint in the log covers record 4 (any records written after it are gone too)',
    );
    // A chain whose records are all gone.
    expect(verifyRecords([c]).problems).toEqual([{ kind: 'removed', chain: 'gw-1', fromSeq: 0, toSeq: 4, evidence: 'checkpoint' }]);
  });

  it('detects a tail cut together with its checkpoints, and a rewrite, against the saved head', async () => {
    const r = chainOf(5);
    const head = await sign(r[4]);
    const cut = [r[0], r[1], await sign(r[1]), r[2]];
    expect(verifyRecords(cut, { keys: [key.publicJwk] }).ok).toBe(true); // what the log alone shows
    const report = verifyRecords(cut, { keys: [key.publicJwk], savedHeads: [head] });
    expect(report.problems).toEqual([{ kind: 'removed', chain: 'gw-1', fromSeq: 3, toSeq: 4, evidence: 'saved head' }]);
    expect(describeProblem(report.problems[0])).toMatch(/records 3\.\.4 were removed after checkpoint: .* the head saved in the gateway's data directory covers record 4/);

    const rewritten = rewriteFrom(r, 2);
    expect(verifyRecords([rewritten[0], rewritten[1], await sign(r[1]), ...rewritten.slice(2)], { keys: [key.publicJwk], savedHeads: [head] }).problems).toEqual([
      { kind: 'rewritten', chain: 'gw-1', seq: 4, fromSeq: 2, evidence: 'saved head' },
    ]);
    expect(verifyRecords(r, { keys: [key.publicJwk], savedHeads: [{ ...head, hash: r[3].hash }] }).problems[0]).toMatchObject({ kind: 'checkpoint-forged', position: null, evidence: 'saved head' });
    expect(verifyRecords(r, { keys: [key.publicJwk], savedHeads: [head] })).toMatchObject({ ok: true, chains: [{ checkpointedSeq: 4, unsigned: 0 }] });
  });

  it('names a checkpoint that does not directly follow its record, which only happens when records were slotted in or it was moved', async () => {
    const r = chainOf(4);
    const report = verifyRecords([r[0], r[1], r[2], await sign(r[1]), r[3]], { keys: [key.publicJwk] });
    expect(report.problems).toEqual([{ kind: 'checkpoint-misplaced', chain: 'gw-1', seq: 1, position: 3, afterSeq: 2 }]);
  });

  it('without keys still compares checkpoints with the chain, and says signatures were not checked', async () => {
    const r = chainOf(3);
    const forged = await sign(r[2], otherKey);
    expect(verifyRecords([...r, forged])).toMatchObject({ ok: true, signatures: 'not-checked', chains: [{ checkpointedSeq: 2 }] });
    expect(verifyRecords([...rewriteFrom(r, 1), await sign(r[2])]).problems[0]).toMatchObject({ kind: 'rewritten', seq: 2, fromSeq: 0 });
  });

  it('reports an entry of an unknown type, and a checkpoint missing fields, as unreadable', async () => {
    const [record] = chainOf(1);
    const { hash: _h, ...unsigned } = { ...record, type: 'summary' };
    const typed = { ...unsigned, hash: recordHash(unsigned as Omit<MessageLogRecord, 'hash'>) };
    const report = verifyRecords([record, typed, { type: 'checkpoint', chain: 'gw-1', seq: 'x' }]);
    expect(report.problems).toEqual([
      { kind: 'unreadable', position: 1, reason: 'unknown entry type "summary"' },
      { kind: 'unreadable', position: 2, reason: 'checkpoint without a hash' },
    ]);
  });

  describe('saved head file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lgsp-head-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('is replaced whole and read back per topic', async () => {
      const r = chainOf(3);
      await writeSavedHead(dir, 'lgsp-a.gateway.message-log', await sign(r[1]));
      await writeSavedHead(dir, 'lgsp-a.gateway.message-log', await sign(r[2]));
      expect(readSavedHead(dir, 'gw-1', 'lgsp-a.gateway.message-log')).toMatchObject({ seq: 2, hash: r[2].hash });
      expect(readSavedHeads(dir, 'lgsp-a.gateway.message-log')).toHaveLength(1);
      // Another instance's topic: not this log's head.
      expect(readSavedHead(dir, 'gw-1', 'lgsp-b.gateway.message-log')).toBeNull();
      expect(readSavedHeads(dir, 'lgsp-b.gateway.message-log')).toEqual([]);
      expect(JSON.parse(readFileSync(savedHeadPath(dir, 'gw-1'), 'utf8')).topic).toBe('lgsp-a.gateway.message-log');
    });

    it('refuses a damaged file rather than ignoring it, and a chain id that is not a file name', () => {
      writeFileSync(savedHeadPath(dir, 'gw-2'), '{"topic":"t","checkpoint":{"type":"checkpoint"');
      expect(() => readSavedHeads(dir, 't')).toThrow(/saved head .*message-log-head\.gw-2\.json is not readable JSON/);
      expect(() => savedHeadPath(dir, '../x')).toThrow(/cannot name a file/);
    });
  });
});
