import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateThanhHoaDemo, Registry, setSecretHashCost } from '@lgsp/registry';
import { loadCatalogFile } from './catalog-file';
import { ProcedureCatalog } from './procedure-catalog';
import { ProcedureCatalogError } from './procedure-catalog-error';

setSecretHashCost(1024);

const CATALOG_YAML = `# Two procedures, written the way an operator would
procedures:
  - code: 1.000201.000.00.00.H56
    name: Đăng ký khai tử
    field: { code: TP-HT, name: Hộ tịch }
    tier: commune
    onlineMode: Toàn trình
    processingDays: 1
    receivers: { scope: communes }
    steps:
      - { name: Tiếp nhận hồ sơ, handler: receiver, days: 0 }
      - { name: Giải quyết, handler: receiver, days: 1 }
      - { name: Trả kết quả, handler: receiver, days: 0 }
  - code: 1.000202.000.00.00.H56
    name: Cấp phiếu lý lịch tư pháp cho công dân Việt Nam
    field: { code: TP-LLTP, name: Lý lịch tư pháp }
    tier: province
    level: 3
    processingDays: 10
    dayKind: calendar
    receivers:
      scope: agencies
      agencies: [000.00.02.H56]
    steps:
      - name: Tiếp nhận hồ sơ
        handler: receiver
        days: 0
      - name: Phê duyệt
        handler: { agency: 000.00.00.H56 }
        days: 10
      - name: Trả kết quả
        handler: receiver
        days: 0
`;

let directory: string;
let registry: Registry;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'procedure-catalog-'));
  registry = new Registry((await generateThanhHoaDemo({ secrets: 'deterministic' })).config);
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

function refusal(path: string): ProcedureCatalogError {
  try {
    loadCatalogFile(path);
  } catch (error) {
    if (error instanceof ProcedureCatalogError) return error;
    throw error;
  }
  throw new Error(`expected ${path} to be refused`);
}

describe('loadCatalogFile', () => {
  it('reads a YAML catalog, completing each procedure, and the result builds a catalog against the registry', () => {
    const procedures = loadCatalogFile(write('catalog.yaml', CATALOG_YAML));
    expect(procedures).toEqual([
      {
        code: '1.000201.000.00.00.H56',
        name: 'Đăng ký khai tử',
        field: { code: 'TP-HT', name: 'Hộ tịch' },
        tier: 'commune',
        level: 4,
        onlineMode: 'toan-trinh',
        processingDays: 1,
        dayKind: 'working',
        receivers: { scope: 'communes' },
        steps: [
          { name: 'Tiếp nhận hồ sơ', handler: 'receiver', days: 0 },
          { name: 'Giải quyết', handler: 'receiver', days: 1 },
          { name: 'Trả kết quả', handler: 'receiver', days: 0 },
        ],
      },
      {
        code: '1.000202.000.00.00.H56',
        name: 'Cấp phiếu lý lịch tư pháp cho công dân Việt Nam',
        field: { code: 'TP-LLTP', name: 'Lý lịch tư pháp' },
        tier: 'province',
        level: 3,
        onlineMode: 'mot-phan',
        processingDays: 10,
        dayKind: 'calendar',
        receivers: { scope: 'agencies', agencies: ['000.00.02.H56'] },
        steps: [
          { name: 'Tiếp nhận hồ sơ', handler: 'receiver', days: 0 },
          { name: 'Phê duyệt', handler: { agency: '000.00.00.H56' }, days: 10 },
          { name: 'Trả kết quả', handler: 'receiver', days: 0 },
        ],
      },
    ]);
    const catalog = new ProcedureCatalog(procedures, registry);
    expect(catalog.plan(catalog.getOrThrow('1.000202.000.00.00.H56'), '000.00.02.H56').agencies).toEqual(['000.00.02.H56', '000.00.00.H56']);
  });

  it('reads a JSON file holding a bare list', () => {
    const yamlProcedures = loadCatalogFile(write('same.yml', CATALOG_YAML));
    expect(loadCatalogFile(write('catalog.json', JSON.stringify(yamlProcedures)))).toEqual(yamlProcedures);
  });

  it('names the file and each broken field', () => {
    const broken = CATALOG_YAML.replace('      - { name: Giải quyết, handler: receiver, days: 1 }', '      - { name: Giải quyết, handler: receiver, days: 1.5 }').replace(
      '    name: Cấp phiếu lý lịch tư pháp cho công dân Việt Nam\n',
      '',
    );
    const path = write('broken.yaml', broken);
    const error = refusal(path);
    expect(error.code).toBe('INVALID_CATALOG');
    expect(error.issues.map(({ path: at, message }) => `${at}: ${message}`)).toEqual([
      'procedures[0].steps[1].days: must be an integer (got 1.5)',
      'procedures[1].name: is required',
    ]);
    expect(error.message.split('\n')[0]).toBe(`Invalid procedure catalog in ${path} (2 problems):`);
  });

  it('says so when the text is not YAML or JSON at all', () => {
    expect(refusal(write('syntax.yaml', 'procedures:\n  - code: [unclosed\n')).message).toMatch(/^Invalid procedure catalog in .*syntax\.yaml \(1 problem\):\n {2}- not valid YAML: /);
    expect(refusal(write('syntax.json', '{"procedures": [')).message).toContain('not valid JSON: ');
  });

  it('refuses a file it cannot tell the format of, or cannot read', () => {
    expect(refusal(write('catalog.txt', CATALOG_YAML)).message).toContain('use a .yaml, .yml or .json file');
    expect(refusal(join(directory, 'missing.yaml')).message).toContain('cannot read the file: ');
  });
});
