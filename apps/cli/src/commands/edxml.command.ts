import { Command, Option } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  checkSignature,
  EdxmlError,
  EdxmlPackage,
  parseEdxml,
  PRIORITY_MEANINGS,
  SignatureAlgorithmName,
  SignatureCheck,
  SignaturePolicy,
  signPackage,
  STATUS_CODES,
  TrustStore,
} from '@lgsp/edxml';

interface CheckOptions {
  trust: string[];
  policy: SignaturePolicy;
  json?: boolean;
}

interface SignOptions {
  key: string;
  cert: string;
  algorithm: SignatureAlgorithmName;
  out?: string;
}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    process.stderr.write(`lgsp edxml: cannot read ${what} ${path}: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

const BUSINESS = ['new', 'revoke', 'update', 'replace'];

/** What a clerk or an integrator wants to see of a package: who, to whom, which document, what it does. */
function describe(pkg: EdxmlPackage, signature: SignatureCheck): string[] {
  const lines: string[] = [];
  if (pkg.kind === 'status') {
    lines.push(`status package ${pkg.statusCode} — ${STATUS_CODES[pkg.statusCode].meaning}`);
    lines.push(`  from         ${pkg.from.organId}${pkg.from.organName ? ` (${pkg.from.organName})` : ''}`);
    lines.push(`  about        ${pkg.responseFor.documentId} (to ${pkg.responseFor.organId})`);
    lines.push(`  at           ${pkg.timestamp}`);
  } else {
    lines.push(`document package, BussinessDocType ${pkg.business.docType} (${BUSINESS[pkg.business.docType]})`);
    lines.push(`  from         ${pkg.from.organId}${pkg.from.organName ? ` (${pkg.from.organName})` : ''}`);
    for (const to of pkg.to) lines.push(`  to           ${to.organId}${to.organName ? ` (${to.organName})` : ''}`);
    lines.push(`  document id  ${pkg.documentId}`);
    lines.push(`  code         ${pkg.code.codeNumber}/${pkg.code.codeNotation}, ${pkg.promulgationInfo.date}`);
    lines.push(`  subject      ${pkg.subject}`);
    lines.push(`  priority     ${pkg.otherInfo.priority} (${PRIORITY_MEANINGS[pkg.otherInfo.priority]})`);
    for (const a of pkg.attachments) lines.push(`  attachment   ${a.name} (${a.contentType}, ${a.content.length} bytes)`);
  }
  for (const t of pkg.traces) lines.push(`  hop          ${t.organId} at ${t.timestamp}`);
  lines.push(
    `  signature    ${
      signature.status === 'verified'
        ? `verified (${signature.algorithm}) — ${signature.signer.subject}, issued by ${signature.signer.issuer}${signature.hopsAfterSigning ? `; ${signature.hopsAfterSigning} hop(s) after signing` : ''}`
        : signature.status === 'unsigned'
          ? 'none (accepted: policy verify-if-present)'
          : 'not checked (policy off)'
    }`,
  );
  return lines;
}

function runCheck(file: string, opts: CheckOptions): void {
  const trustStore = new TrustStore(opts.trust.map((path) => read(path, 'trusted certificate file').toString('utf8')));
  try {
    const parsed = parseEdxml(read(file, 'package'));
    const signature = checkSignature(parsed, parsed.package.signature, { policy: opts.policy, trustStore });
    if (opts.json) {
      const attachments = parsed.package.kind === 'document' ? parsed.package.attachments.map(({ content, ...a }) => ({ ...a, bytes: content.length })) : undefined;
      process.stdout.write(`${JSON.stringify({ accepted: true, sha256: parsed.sha256, package: { ...parsed.package, ...(attachments ? { attachments } : {}) }, signature })}\n`);
    } else {
      process.stdout.write(`${file}: accepted\n${describe(parsed.package, signature).join('\n')}\n  sha256       ${parsed.sha256}\n`);
    }
  } catch (err) {
    if (!(err instanceof EdxmlError)) throw err;
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ accepted: false, code: err.code, message: err.message, problems: err.problems })}\n`);
    } else {
      process.stdout.write(`${file}: refused (${err.code})\n${err.problems.map((p) => `  - ${p.code}: ${p.message}`).join('\n')}\n`);
    }
    process.exitCode = 1;
  }
}

function runSign(file: string, opts: SignOptions): void {
  try {
    const signed = signPackage(read(file, 'package').toString('utf8'), {
      privateKeyPem: read(opts.key, 'private key').toString('utf8'),
      certificatePem: read(opts.cert, 'certificate').toString('utf8'),
      algorithm: opts.algorithm,
    });
    if (opts.out) writeFileSync(opts.out, signed);
    else process.stdout.write(signed.endsWith('\n') ? signed : `${signed}\n`);
  } catch (err) {
    process.stderr.write(`lgsp edxml sign: ${(err as Error).message.split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}

/** `lgsp edxml check|sign`: what the platform would say of a package, before an integrator sends it. */
export function edxmlCommand(): Command {
  const edxml = new Command('edxml').description('edXML packages (QCVN 102): check one as the platform would, or sign one with a test key');
  edxml
    .command('check')
    .description('parse, validate and verify the signature of an edXML package; exits 1 with every problem when the platform would refuse it')
    .argument('<file>', 'the package')
    .option('--trust <pem>', 'a PEM file of certificates to trust (CA or agency); repeatable', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .addOption(new Option('--policy <policy>', 'signature policy').choices(['required', 'verify-if-present', 'off']).default('verify-if-present'))
    .option('--json', 'one JSON object on stdout')
    .action((file: string, opts: CheckOptions) => runCheck(file, opts));
  edxml
    .command('sign')
    .description('add an enveloped XML-DSig signature (as agency signing software does), for test agencies and tools')
    .argument('<file>', 'the package')
    .requiredOption('--key <pem>', 'the signer\'s private key (PKCS#8 PEM)')
    .requiredOption('--cert <pem>', 'the signer\'s certificate (PEM)')
    .addOption(new Option('--algorithm <name>', 'signature algorithm').choices(['rsa-sha256', 'rsa-sha1']).default('rsa-sha256'))
    .option('-o, --out <file>', 'write the signed package here instead of stdout')
    .action((file: string, opts: SignOptions) => runSign(file, opts));
  return edxml;
}
