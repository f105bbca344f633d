import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDocumentPackage } from '@lgsp/edxml';
import { sampleDocument } from '../../libs/edxml/src/testing/sample-packages';
import { TestCa } from '../../libs/edxml/src/testing/test-pki';
import { cliEntry } from '@lgsp/test-support/cli-entry';
import { Spawned } from '@lgsp/test-support/spawned';

jest.setTimeout(60_000);

/** `lgsp edxml`: what an integrator runs on a package before sending it. */
describe('lgsp edxml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lgsp-edxml-'));
  const file = (name: string) => join(dir, name);
  const lgsp = async (...args: string[]) => {
    const p = new Spawned(process.execPath, [cliEntry(), 'edxml', ...args], {});
    const { code } = await p.exit();
    return { code, stdout: p.stdout, stderr: p.stderr };
  };

  beforeAll(async () => {
    const ca = await TestCa.create();
    const agency = await ca.issue('Sở Tư pháp tỉnh Thanh Hóa');
    writeFileSync(file('ca.pem'), ca.certificatePem);
    writeFileSync(file('agency.key'), agency.privateKeyPem);
    writeFileSync(file('agency.pem'), agency.certificatePem);
    writeFileSync(file('package.xml'), buildDocumentPackage(sampleDocument()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('signs a package, and checks it against a trust store as the platform would', async () => {
    const signed = await lgsp('sign', file('package.xml'), '--key', file('agency.key'), '--cert', file('agency.pem'), '-o', file('signed.xml'));
    expect(signed.code).toBe(0);
    const checked = await lgsp('check', file('signed.xml'), '--trust', file('ca.pem'), '--policy', 'required');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain(`${file('signed.xml')}: accepted`);
    expect(checked.stdout).toMatch(/signature {4}verified \(rsa-sha256\) — CN=Sở Tư pháp tỉnh Thanh Hóa/);
    expect(checked.stdout).toContain('attachment   cong-van-1234.pdf (application/pdf, 16 bytes)');

    const json = await lgsp('check', file('signed.xml'), '--trust', file('ca.pem'), '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ accepted: true, package: { kind: 'document', documentId: '000.00.02.H56,2026/11/20,1234/STP-HCTP' }, signature: { status: 'verified' } });
  });

  it('exits 1 with every problem, as codes and sentences, when the platform would refuse the package', async () => {
    writeFileSync(file('tampered.xml'), readFileSync(file('signed.xml'), 'utf8').replace('V/v rà soát', 'V/v bãi bỏ'));
    const tampered = await lgsp('check', file('tampered.xml'), '--trust', file('ca.pem'));
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/refused \(SIGNATURE_INVALID\)\n {2}- SIGNATURE_INVALID: The signature does not verify/);

    const untrusted = await lgsp('check', file('signed.xml'), '--policy', 'required');
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toContain('CERTIFICATE_UNTRUSTED');

    writeFileSync(file('broken.xml'), buildDocumentPackage(sampleDocument({ to: [{ organId: '28.22.H17' }] })).replace(/<edXML:Subject>[^<]*<\/edXML:Subject>/, ''));
    const broken = await lgsp('check', file('broken.xml'), '--json');
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({
      accepted: false,
      code: 'EDXML_INVALID_ORGAN_ID',
      problems: [{ path: 'MessageHeader/To[1]/OrganId' }, { code: 'EDXML_MISSING_PART', path: 'MessageHeader/Subject' }],
    });
  });

  it('says which file it cannot read, with exit 2', async () => {
    const missing = await lgsp('check', file('nope.xml'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`lgsp edxml: cannot read package ${file('nope.xml')}`);
  });
});
