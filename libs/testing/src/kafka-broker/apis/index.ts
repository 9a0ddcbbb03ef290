import type { Api } from '../context';
import { createApiVersionsApi } from './api-versions';
import { createPartitionsApi } from './create-partitions';
import { createTopicsApi } from './create-topics';
import { deleteTopicsApi } from './delete-topics';
import { describeGroupsApi } from './describe-groups';
import { fetchApi } from './fetch';
import { findCoordinatorApi } from './find-coordinator';
import { heartbeatApi } from './heartbeat';
import { initProducerIdApi } from './init-producer-id';
import { joinGroupApi } from './join-group';
import { leaveGroupApi } from './leave-group';
import { listGroupsApi } from './list-groups';
import { listOffsetsApi } from './list-offsets';
import { metadataApi } from './metadata';
import { offsetCommitApi } from './offset-commit';
import { offsetFetchApi } from './offset-fetch';
import { produceApi } from './produce';
import { syncGroupApi } from './sync-group';

const implemented: Api[] = [
  produceApi,
  fetchApi,
  listOffsetsApi,
  metadataApi,
  offsetCommitApi,
  offsetFetchApi,
  findCoordinatorApi,
  joinGroupApi,
  heartbeatApi,
  leaveGroupApi,
  syncGroupApi,
  describeGroupsApi,
  listGroupsApi,
  createTopicsApi,
  deleteTopicsApi,
  initProducerIdApi,
  createPartitionsApi,
];

/** Every API the broker answers, by API key. ApiVersions advertises exactly this table. */
export const apis: ReadonlyMap<number, Api> = new Map(
  [...implemented, createApiVersionsApi(() => [...apis.values()])].map((api) => [api.key, api]),
);
