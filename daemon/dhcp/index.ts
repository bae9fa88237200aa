/**
 * @module The edge daemon's DHCP server (RFC 2131/2132, Kea's behaviour as the anchor), written here
 * rather than taken from the npm `dhcp` package: see shared/reference/performance.md §2 (D1–D7).
 * Leases live in the edge cache's SQLite file and survive restarts; options 66/150/160/43/42/2 go
 * out per vendor profile. Public surface of `daemon/dhcp`; nothing outside this folder imports its
 * other files.
 */
export {
  createDhcpServer,
  type DhcpServer,
  type DhcpServerOptions,
  type DhcpServerDeps,
  type DhcpListenOptions,
  type DhcpListenState,
  type DhcpStats,
} from './server.js';
export {
  createDhcpLogic,
  type DhcpLogic,
  type DhcpLogicOptions,
  type DhcpLogicDeps,
  type Decision,
  type Inbound,
  type LeaseInfo,
  type Outcome,
  type PoolUse,
  type ReplyTarget,
} from './logic.js';
export { buildPlan, poolFor, type DhcpPlan, type DhcpPool } from './config.js';
export { replyOptions, timeOffsetSeconds } from './options.js';
export {
  BOOTREPLY,
  BOOTREQUEST,
  BROADCAST_FLAG,
  DHCP_MESSAGE,
  MAGIC_COOKIE,
  MESSAGE_NAMES,
  OPT,
  decodePacket,
  encodePacket,
  maxMessageSize,
  optionIp,
  optionText,
  packetMac,
  parameterList,
  type DecodeResult,
  type DhcpMessage,
  type DhcpPacket,
  type EncodeOptions,
  type MalformedReason,
} from './packet.js';
export { intToIp, ipToInt } from './ip.js';
export { readUdpRcvbufErrors, readUdpSocketDrops } from './snmp.js';
