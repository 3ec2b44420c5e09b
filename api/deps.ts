// What the API needs from the outside world; tests build it from the real services.
import type { Client } from '@temporalio/client';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/client.ts';
import type { Library } from '../scenarios/lib/load.ts';
import type { Publications } from './reports/publications.ts';
import type { ScenarioIdentities } from './scenario-ids.ts';

export interface ApiDeps {
  config: Config;
  db: Database;
  pingDb: () => Promise<boolean>;
  temporal: Client;
  /** Resolves when the sandbox cluster (or, for kind and vcluster, the driver's tooling) answers. */
  pingCluster: () => Promise<unknown>;
  library: Library;
  /** What each mode calls a scenario: Challenge codenames are drawn with a server secret. */
  identities: ScenarioIdentities;
  /** The recording kube gateway participants' kubeconfigs point at. */
  gateway: { publicUrl: string; caPem: string };
  /** Tells subscribers about publications (webhooks); absent: nobody is told. */
  publications?: Publications;
}
