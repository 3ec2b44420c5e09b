// The words that suggest each taxonomy tag, as PostgreSQL tsqueries (english configuration: words are stemmed
// as the reports' text is). Loaded into the tag_rules table; a report's text is matched against them in SQL.
import type { LAYERS, SYMPTOMS, TRIGGERS } from './report-terms.ts';

type TaxonomyTag = (typeof LAYERS)[number] | (typeof SYMPTOMS)[number] | (typeof TRIGGERS)[number];

export const TAG_RULES: Record<TaxonomyTag, string> = {
  'app-config': 'configmap | config | configuration | environment & variable | setting | flag | nginx',
  'workload-spec': 'liveness | readiness | probe | image | imagepullbackoff | replicas | manifest | prestop | grace',
  'service-routing': 'selector | endpoint | endpoints | targetport | ingress | service & port | loadbalancer | routing',
  network: 'dns | coredns | conntrack | networkpolicy | ndots | packet | mtu | cni | iptables | kube-proxy | network',
  scheduling: 'pending | unschedulable | affinity | taint | preempt | preemption | priority | eviction | evicted | drain',
  capacity: 'oom | oomkilled | memory | cpu | throttling | throttled | quota | hpa | autoscaler | exhausted | exhaustion',
  'control-plane': 'apiserver | api & server | etcd | control & plane | webhook | admission | controller | scheduler',
  'identity-security': 'certificate | cert | tls | secret | password | credential | rbac | iam | token | expired',
  dependency: 'upstream | third & party | external & service | database | downstream | vendor',
  data: 'volume | pvc | persistent | disk | data & loss | backup | corruption',
  errors: 'error | errors | 5xx | 500 | 502 | 503 | 504 | refused | reset',
  latency: 'latency | slow | timeout | timeouts | p99 | delay | delays',
  unavailable: 'outage | unavailable | down | downtime | total',
  crashloop: 'crashloopbackoff | crash | crashing | restart | restarts | oomkilled',
  pending: 'pending | unschedulable',
  partial: 'partial | some & users | subset | fraction',
  intermittent: 'intermittent | sporadic | flaky | occasional | random',
  silent: 'silent | silently | unnoticed | undetected',
  cascading: 'cascade | cascading | domino | storm | retries | retry',
  change: 'deploy | deployment | rollout | change | upgrade | migration | release',
  load: 'load | traffic | spike | surge | peak',
  infrastructure: 'node & ( failure | died | drain ) | hardware | zone | kernel | instance | provider & outage',
  time: 'expiry | expired | expire | clock | leap | cronjob',
  'dependency-change': 'upstream & change | provider & change | dependency & update',
  latent: 'latent | dormant | years | long-standing | never & tested',
};
