// Whether this machine can start the real node (infra/stack/main.ts starts it by default when it can): root, and
// what infra/real-node/setup.sh provides (the runtime, the kubelet and kube-proxy, crictl, the images).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findTool } from '../lib/tools.ts';
import { IMAGE_ARCHIVES_DIR } from './images.ts';

/** The tools the node runs, and the images it and the systems need (infra/images). */
const NODE_TOOLS = ['containerd', 'runc', 'ctr', 'kubelet', 'kube-proxy', 'crictl', 'iptables', 'nft', 'ipset', 'conntrack'];
const NODE_IMAGES = ['pause', 'coredns', 'kube-router', 'metrics-server', 'node-services', 'postgres', 'redis', 'nginx'];

/**
 * Why the real node cannot start here, or undefined when it can. `uid` and `hasTool`/`hasImage` are this machine's
 * unless given.
 */
export function realNodeUnavailable({
  uid = process.getuid?.(),
  hasTool = (name: string) => findTool(name, ['/usr/sbin', '/sbin']) !== undefined,
  hasImage = (name: string) => existsSync(join(IMAGE_ARCHIVES_DIR, `${name}.tar`)),
}: { uid?: number; hasTool?: (name: string) => boolean; hasImage?: (name: string) => boolean } = {}): string | undefined {
  if (uid !== 0) return 'it needs root (containerd, a network bridge, iptables)';
  const tools = NODE_TOOLS.filter((name) => !hasTool(name));
  const images = NODE_IMAGES.filter((name) => !hasImage(name));
  if (tools.length === 0 && images.length === 0) return undefined;
  const missing = [...(tools.length > 0 ? [tools.join(', ')] : []), ...(images.length > 0 ? [`the images ${images.join(', ')}`] : [])];
  return `infra/real-node/setup.sh has not run to the end (missing: ${missing.join('; ')}); run bash infra/setup.sh as root`;
}
