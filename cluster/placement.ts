// Where the `sim` and `namespace` drivers send a sandbox's pods (FL_SANDBOX_PLACEMENT). `sim`: wherever the
// cluster's scheduler puts them (on the sim cluster, kwok's fake nodes: the real node's taint keeps them off it).
// `real`: every pod of the namespace on the real node (infra/real-node), participants' pods included and without
// changing any manifest: the namespace carries the annotations the apiserver's PodNodeSelector and
// PodTolerationRestriction admission plugins read, and the Pod Security label that keeps its pods from reaching
// into the node.

import type { SandboxPlacement } from '../config/config.ts';

export type { SandboxPlacement };

/** The real node's label and taint: pods land there only if they select the one and tolerate the other. */
export const REAL_NODE_LABEL = { key: 'failurelib.dev/node', value: 'real' } as const;
export const REAL_NODE_TAINT = { key: 'failurelib.dev/real-node', value: 'true', effect: 'NoSchedule' } as const;

/** The PodNodeSelector admission plugin's namespace annotation (`key=value,…`). */
export const NODE_SELECTOR_ANNOTATION = 'scheduler.alpha.kubernetes.io/node-selector';
/** The PodTolerationRestriction admission plugin's namespace annotation (a JSON list of tolerations). */
export const DEFAULT_TOLERATIONS_ANNOTATION = 'scheduler.alpha.kubernetes.io/defaultTolerations';

/** What a sandbox namespace carries for its placement: nothing for `sim`. */
export function placementMetadata(placement: SandboxPlacement): { annotations: Record<string, string>; labels: Record<string, string> } {
  if (placement === 'sim') return { annotations: {}, labels: {} };
  return {
    annotations: {
      [NODE_SELECTOR_ANNOTATION]: `${REAL_NODE_LABEL.key}=${REAL_NODE_LABEL.value}`,
      [DEFAULT_TOLERATIONS_ANNOTATION]: JSON.stringify([{ operator: 'Equal', ...REAL_NODE_TAINT }]),
    },
    // Pod Security `baseline` refuses privileged and host-network pods, host paths and added capabilities such as NET_ADMIN.
    labels: { 'pod-security.kubernetes.io/enforce': 'baseline' },
  };
}
