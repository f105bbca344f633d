import { MessageLogRecord } from './message-log-record';
import { HashChain, canonicalJson, recordHash } from './hash-chain';
import { describeProblem, verifyRecords } from './verify';
import { exchangeFields as exchange } from './testing/exchange-fields';


function chainOf(count: number, name = 'gw-1'): MessageLogRecord[] {
  const chain = new HashChain(name);
  return Array.from({ length: count }, (_, i) => chain.append(exchange(i)));
}

describe('message-log hash chain', () => {
  it('serialises canonically: key order does not change the hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    const [r] = chainOf(1);
    const { hash, ...unsigned } = r;
    const reversed = Object.fromEntries(Object.entries(unsigned).reverse()) as typeof unsigned;
    expect(recordHash(reversed)).toBe(hash);
  });

  it('keeps the canonical form stable: chains written by earlier versions must still verify', () => {
    // Values computed by the first implementation; a faster rewrite must give the same bytes.
    const odd = { z: 'Nguyễn Văn A \u2028 "q" \\ \n', a: [undefined, 1.5, -0, 1e21, true, { b: undefined, a: null }], m: { '': 1, é: 2, E: 3, '10': 4, '9': 5 } };
    expect(canonicalJson(odd)).toBe('{"a":[null,1.5,0,1e+21,true,{"a":null}],"m":{"":1,"10":4,"9":5,"E":3,"é":2},"z":"Nguyễn Văn A \u2028 \\"q\\" \\\\ \\n"}');
    const record = new HashChain('gw-1').append(exchange(7, { issue: '000.00.53.H48-220921-0099', requestBody: '{"cccd":"001203004567"}' }));
    expect(record.hash).toBe('zz2oo5xLbsTAaUocAPzdDpkinsMXOeAkz6aPlEdwRag=');
  });

  it('links each record to the one before and numbers them from 0', () => {
    const records = chainOf(3);
    expect(records.map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(records[0].prevHash).toBe('');
    expect(records[1].prevHash).toBe(records[0].hash);
    expect(records[2].prevHash).toBe(records[1].hash);
  });

  it('continues a chain after its tail (a restart)', () => {
    const first = chainOf(2);
    const resumed = new HashChain('gw-1', first[1]).append(exchange(2));
    expect(resumed.seq).toBe(2);
    expect(verifyRecords([...first, resumed]).ok).toBe(true);
  });

  it('verifies an intact log with several chains interleaved', () => {
    const a = chainOf(5, 'gw-a');
    const b = chainOf(4, 'gw-b');
    const interleaved = [a[0], b[0], a[1], a[2], b[1], b[2], a[3], b[3], a[4]];
    const report = verifyRecords(interleaved);
    expect(report).toMatchObject({ ok: true, records: 9, problems: [] });
    expect(report.chains.find((c) => c.chain === 'gw-a')).toMatchObject({ records: 5, lastSeq: 4, lastHash: a[4].hash });
  });

  it('names the first changed record', () => {
    const records = chainOf(5);
    records[2] = { ...records[2], status: 500 };
    const report = verifyRecords(records);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ kind: 'changed', chain: 'gw-1', seq: 2, id: 'rec-2' }]);
    expect(describeProblem(report.problems[0])).toMatch(/record 2 \(id rec-2\) was changed/);
  });

  it('detects a removed record, including the last-but-one', () => {
    const records = chainOf(5);
    const report = verifyRecords([records[0], records[1], records[3], records[4]]);
    expect(report.problems).toEqual([{ kind: 'removed', chain: 'gw-1', expectedSeq: 2, foundSeq: 3 }]);
  });

  it('detects a record slotted in with a sequence number already used, or one that does not link to its predecessor', () => {
    const records = chainOf(3);
    const forged = new HashChain('gw-1', records[1]).append({ ...exchange(99), status: 200 }); // seq 2, links to 1
    // Slot the forgery in as seq 2 and renumber nothing: the genuine seq 2 now duplicates it.
    const report = verifyRecords([records[0], records[1], forged, records[2]]);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'inserted', seq: 2, id: 'rec-2' });

    // A forgery that does not link to the record before it.
    const unlinked = new HashChain('gw-1').append(exchange(50)); // seq 0, prevHash ''
    const shifted = { ...unlinked, seq: 1 };
    const { hash: _h, ...u } = shifted;
    const rehashed = { ...shifted, hash: recordHash(u) };
    expect(verifyRecords([records[0], rehashed]).problems[0]).toMatchObject({ kind: 'inserted', seq: 1 });
  });

  it('reports something that is not a record as unreadable', () => {
    const report = verifyRecords([...chainOf(1), { hello: 'world' }]);
    expect(report.problems).toEqual([{ kind: 'unreadable', position: 1, reason: 'not a message-log record' }]);
  });
});
