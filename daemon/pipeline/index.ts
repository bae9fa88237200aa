/**
 * @module The edge's request pipeline (DESIGN §5): `resolve → authorize → render → respond →
 * record`, one for HTTP, TFTP and (issue [4/7]) DHCP's lease binding. Public surface of
 * `daemon/pipeline`.
 */
export {
  createPipeline,
  etagMatches,
  DEFAULT_SCAN_THRESHOLD_PER_MIN,
  type Pipeline,
  type PipelineDeps,
  type PipelineOptions,
  type PhoneRequest,
  type PhoneAnswer,
  type Outcome,
  type Protocol,
} from './pipeline.js';
export { createPolicy, type Access, type Decision, type DeviceFileRequest, type Policy } from './policy.js';
export { createRenderer, configHash, DEFAULT_TEMPLATES_DIR, type Renderer, type RenderedFile, type RenderOptions } from './render.js';
export { createScanGuard, type ScanGuard, type ScanGuardOptions, type ScanBlock } from './scan.js';
export { createMetrics, RENDER_BUCKETS, type Metrics, type RequestLabels } from './metrics.js';
