export { createSyncClient, backoffDelay, syncUrl, createFailpoints, outboxDbId, mirrorDigest, SYNC_PATH } from './client.js';
export type { SyncClient, SyncClientOptions, SyncClientDeps, SyncClientStatus, AppliedEvent } from './client.js';
