/**
 * `npm run bench -- render`: renders/s of the 16-line Yealink FreeMarker sample on one core with
 * our engine, beside a warm Apache FreeMarker 2.3.31 JVM rendering the same template and model
 * in the same run. The two outputs are compared byte for byte first: a fast wrong render counts
 * for nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDataModel, compileTemplate } from '../../shared/templates/index.js';
import type { SipAccount } from '../../shared/domain.js';
import { summarise, printTable, writeResult, type Figure } from './harness.js';

const FREEMARKER_JAR = process.env.FREEMARKER_JAR ?? '/usr/share/java/freemarker.jar';

export function sixteenLineModel() {
  const accounts: SipAccount[] = Array.from({ length: 16 }, (_, i) => ({
    id: i + 1, user_id: 1, username: `${2001 + i}`, auth_username: `auth${2001 + i}`, password: `S3cret-${i}-x9`,
    server: null, port: null, transport: (['udp', 'tcp', 'tls'] as const)[i % 3]!, outbound_proxy: i % 2 ? 'proxy.example.com' : null,
    label: `Line ${i + 1}`,
  }));
  return buildDataModel({
    device: { mac: '001565aabbcc', name: 'Reception', vendor: 'yealink', model: 'T46S', login_password: 'Adm1n-pw', prov_username: '001565aabbcc', prov_password: 'prov-pw-123' },
    site: {
      name: 'Bench Branch', timezone: 'Europe/Berlin', ntp_server: 'pool.ntp.org', provision_mode: 'fqdn', fqdn: 'pbx.example.com',
      public_ip: null, edge_lan_ip: '10.0.0.2', edge_http_port: 80, edge_https_port: null, sip_port: 5060, sip_transport: 'udp',
    },
    extensions: [{ extension: '2001', display_name: 'Reception Desk', accounts }],
  });
}

function timeLoop(fn: () => void, seconds: number): number {
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < end) {
    fn();
    n++;
    if ((n & 63) === 0) now = process.hrtime.bigint();
  }
  now = process.hrtime.bigint();
  return n / (Number(now - start) / 1e9);
}

export async function benchRender(root: string, opts: { seconds: number; reps: number }): Promise<void> {
  const templatePath = join(root, 'templates', 'yealink', 'device.ftl');
  if (!existsSync(templatePath)) throw new Error(`${templatePath} is missing`);
  const source = readFileSync(templatePath, 'utf8');
  const model = sixteenLineModel();
  const compiled = compileTemplate('freemarker', source);
  const ourOutput = compiled.render(model);

  const work = mkdtempSync(join(tmpdir(), 'edgeprov-bench-'));
  let anchor: Figure | undefined;
  let parity = 'not checked (no JVM)';
  try {
    const haveJava = spawnSync('javac', ['-version']).status === 0 && existsSync(FREEMARKER_JAR);
    if (haveJava) {
      const classes = join(work, 'classes');
      const javac = spawnSync('javac', ['-cp', FREEMARKER_JAR, '-d', classes, join(root, 'test', 'bench', 'FreemarkerBench.java')], { encoding: 'utf8' });
      if (javac.status !== 0) throw new Error(`javac failed: ${javac.stderr}`);
      writeFileSync(join(work, 'device.ftl'), source);
      writeFileSync(join(work, 'model.json'), JSON.stringify(model));
      const java = spawnSync(
        'java',
        ['-cp', `${classes}:${FREEMARKER_JAR}`, 'FreemarkerBench', join(work, 'device.ftl'), join(work, 'model.json'), String(opts.seconds), String(opts.reps), join(work, 'out.txt')],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      if (java.status !== 0) throw new Error(`FreeMarker bench failed: ${java.stderr}`);
      anchor = summarise((JSON.parse(java.stdout.trim()) as { rates: number[] }).rates);
      const theirs = readFileSync(join(work, 'out.txt'), 'utf8');
      parity = theirs === ourOutput ? 'identical' : 'DIFFERENT';
      if (theirs !== ourOutput) process.stderr.write('warning: our output differs from Apache FreeMarker for the benchmark template\n');
    } else {
      process.stderr.write(`SKIPPED anchor: javac or ${FREEMARKER_JAR} missing (apt-get install default-jdk-headless libfreemarker-java)\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  timeLoop(() => compiled.render(model), 1); // warm-up for V8's optimiser
  const ours = summarise(Array.from({ length: opts.reps }, () => timeLoop(() => compiled.render(model), opts.seconds)));
  printTable(`render: templates/yealink/device.ftl, 16 lines, ${ourOutput.length} bytes, one core (output vs FreeMarker: ${parity})`, [
    {
      what: 'edgeprov FreeMarker engine', unit: 'renders/s', ours, higherIsBetter: true, goal: '≥ 1.0× the warm JVM',
      ...(anchor
        ? { anchor: { name: 'Apache FreeMarker 2.3.31, warm JVM', figure: anchor } }
        : { skippedAnchor: { name: 'Apache FreeMarker, warm JVM', why: `javac or ${FREEMARKER_JAR} missing (apt-get install default-jdk-headless libfreemarker-java)` } }),
    },
  ]);
  const file = writeResult(root, 'render', { template: 'templates/yealink/device.ftl', lines: 16, bytes: ourOutput.length, parity, ours, anchor: anchor ?? null, ratio: anchor ? ours.median / anchor.median : null });
  process.stdout.write(`  written: ${file}\n`);
}
