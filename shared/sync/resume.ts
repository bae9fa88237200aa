/**
 * Where an edge resumes (DESIGN §7): a delta from its cursor, or a snapshot. Pure, so every rule
 * is a table row in the unit tests. The checks follow Kubernetes' 410 Gone (below the retained
 * floor), Syncthing's index ids (another epoch, or a peer claiming more than we have) and xDS'
 * "start over" on a protocol change.
 */
import type { HelloFrame } from './protocol.js';

export type ResumeReason =
  | 'admin resync'
  | 'protocol changed'
  | 'no cursor'
  | 'epoch differs'
  | 'cursor below floor'
  | 'cursor above hub seq'
  | 'in sync'
  | 'behind';

export interface ResumeInput {
  hello: Pick<HelloFrame, 'proto' | 'epoch' | 'cursor'>;
  hubEpoch: string;
  hubSeq: number;
  /** The highest sequence purged from the change log (0: nothing purged). */
  floorSeq: number;
  /** The protocol version this hub speaks. */
  proto: number;
  /** An admin asked for "resync site". */
  forceResync: boolean;
}

export interface ResumePlan {
  mode: 'delta' | 'snapshot';
  reason: ResumeReason;
}

export function planResume(i: ResumeInput): ResumePlan {
  const { hello } = i;
  if (i.forceResync) return { mode: 'snapshot', reason: 'admin resync' };
  if (hello.proto !== i.proto) return { mode: 'snapshot', reason: 'protocol changed' };
  if (hello.epoch === null) return { mode: 'snapshot', reason: 'no cursor' };
  if (hello.epoch !== i.hubEpoch) return { mode: 'snapshot', reason: 'epoch differs' };
  // A purged tombstone at the floor could be one this edge never saw: it cannot catch up by delta.
  if (hello.cursor < i.floorSeq) return { mode: 'snapshot', reason: 'cursor below floor' };
  // The edge saw history this hub does not have (restored from an older backup without a new epoch).
  if (hello.cursor > i.hubSeq) return { mode: 'snapshot', reason: 'cursor above hub seq' };
  return { mode: 'delta', reason: hello.cursor === i.hubSeq ? 'in sync' : 'behind' };
}
