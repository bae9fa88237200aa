/**
 * The edge's counters for `/metrics`, kept in memory and written out in the Prometheus text
 * exposition format (version 0.0.4). No client library: a handful of counters, one histogram and
 * a few gauges read at scrape time.
 */

/** Upper bounds (seconds) of the render-time histogram: a cached render is µs, a 16-line FreeMarker render well under 1 ms. */
export const RENDER_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25] as const;

export interface RequestLabels {
  protocol: string;
  vendor: string;
  kind: string;
  outcome: string;
}

export interface Metrics {
  request(labels: RequestLabels): void;
  /** One render that missed the render cache, in seconds. */
  render(seconds: number): void;
  bootstrapRefused(): void;
  scanBlocked(): void;
  authFailed(): void;
  unknownDevice(): void;
  upload(): void;
  /** Gauges read at scrape time. */
  gauge(name: string, help: string, read: () => number): void;
  /** The exposition text. */
  text(): string;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function num(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

export function createMetrics(): Metrics {
  const requests = new Map<string, { labels: RequestLabels; n: number }>();
  const buckets = RENDER_BUCKETS.map(() => 0);
  let renderCount = 0;
  let renderSum = 0;
  const simple = { bootstrapRefusals: 0, scanBlocks: 0, authFailures: 0, unknownDevices: 0, uploads: 0 };
  const gauges: Array<{ name: string; help: string; read: () => number }> = [];

  return {
    request(l) {
      const key = `${l.protocol}|${l.vendor}|${l.kind}|${l.outcome}`;
      const e = requests.get(key);
      if (e) e.n++;
      else requests.set(key, { labels: { ...l }, n: 1 });
    },
    render(seconds) {
      renderCount++;
      renderSum += seconds;
      for (let i = 0; i < RENDER_BUCKETS.length; i++) if (seconds <= RENDER_BUCKETS[i]!) buckets[i]!++;
    },
    bootstrapRefused: () => void simple.bootstrapRefusals++,
    scanBlocked: () => void simple.scanBlocks++,
    authFailed: () => void simple.authFailures++,
    unknownDevice: () => void simple.unknownDevices++,
    upload: () => void simple.uploads++,
    gauge(name, help, read) {
      gauges.push({ name, help, read });
    },
    text() {
      const out: string[] = [];
      out.push('# HELP edgeprov_requests_total Phone requests answered, by protocol, vendor, file kind and outcome.');
      out.push('# TYPE edgeprov_requests_total counter');
      for (const { labels: l, n } of requests.values()) {
        out.push(
          `edgeprov_requests_total{protocol="${escapeLabel(l.protocol)}",vendor="${escapeLabel(l.vendor)}",kind="${escapeLabel(l.kind)}",outcome="${escapeLabel(l.outcome)}"} ${n}`,
        );
      }
      out.push('# HELP edgeprov_render_seconds Time to render a file that was not in the render cache.');
      out.push('# TYPE edgeprov_render_seconds histogram');
      RENDER_BUCKETS.forEach((b, i) => out.push(`edgeprov_render_seconds_bucket{le="${b}"} ${buckets[i]}`));
      out.push(`edgeprov_render_seconds_bucket{le="+Inf"} ${renderCount}`);
      out.push(`edgeprov_render_seconds_sum ${num(renderSum)}`);
      out.push(`edgeprov_render_seconds_count ${renderCount}`);
      const counter = (name: string, help: string, v: number) => {
        out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${v}`);
      };
      counter('edgeprov_bootstrap_refusals_total', 'Bootstrap sessions refused past the provision limit.', simple.bootstrapRefusals);
      counter('edgeprov_scan_blocks_total', 'Client IPs throttled for asking too many unknown or refused MACs.', simple.scanBlocks);
      counter('edgeprov_auth_failures_total', 'Authenticated-path requests with wrong or stale credentials.', simple.authFailures);
      counter('edgeprov_unknown_device_requests_total', 'Requests naming a MAC this edge does not know.', simple.unknownDevices);
      counter('edgeprov_uploads_total', 'Files phones uploaded (HTTP PUT).', simple.uploads);
      for (const g of gauges) {
        let v: number;
        try {
          v = g.read();
        } catch {
          v = NaN;
        }
        out.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`, `${g.name} ${num(v)}`);
      }
      return out.join('\n') + '\n';
    },
  };
}
