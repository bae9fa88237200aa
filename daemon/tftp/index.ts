/**
 * @module The edge daemon's TFTP server (RFC 1350, 2347, 2348, 2349, 7440), read-only, written here
 * rather than taken from the npm `tftp` package: see shared/reference/performance.md §1 (T1–T7).
 * Public surface of `daemon/tftp`; nothing outside this folder imports its other files.
 */
export {
  createTftpServer,
  type TftpServer,
  type TftpServerOptions,
  type TftpServerDeps,
  type TftpProvider,
  type TftpFileRequest,
  type TftpFileAnswer,
  type TftpLogFields,
  type TftpStats,
  type RequestOutcome,
} from './server.js';
export type { TransferOutcome, TransferSummary, Remote } from './transfer.js';
export { normaliseRequestPath, MAX_REQUEST_PATH, type NormalisedPath, type PathRefusal } from './path.js';
export {
  OPCODE,
  TFTP_ERROR,
  decodePacket,
  encodeAck,
  encodeData,
  encodeError,
  encodeOack,
  encodeRequest,
  type Packet,
  type RequestPacket,
  type DecodeResult,
  type MalformedReason,
  type TransferMode,
} from './packet.js';
export { negotiateOptions, MIN_BLKSIZE, MAX_BLKSIZE, DEFAULT_BLKSIZE, MAX_WINDOWSIZE, type Negotiated, type NegotiationLimits } from './options.js';
export { toNetascii } from './netascii.js';
