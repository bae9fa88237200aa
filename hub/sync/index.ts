export { createSyncServer, SYNC_PATH } from './server.js';
export type { SyncServer, SyncServerOptions, SyncServerDeps, SessionInfo } from './server.js';
export { startRetentionJob, purgeChangeLog, floorSeq } from './retention.js';
export type { RetentionJob, RetentionOptions, PurgeResult } from './retention.js';
export { siteSyncStatus, requestResync, revokeSiteToken, listSiteTokens, enforceTokenLimit, authenticateSiteToken, ingestEvents, MAX_ACTIVE_TOKENS } from './state.js';
export type { SiteSyncStatus, SiteTokenView } from './state.js';
export { deltaFor, snapshotFor, hubEpoch, hubSeq } from './projection.js';
