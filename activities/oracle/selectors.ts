// Label selector matching as Kubernetes does it, for predicates that reason about which pods an object selects.
import type { V1LabelSelector } from '@kubernetes/client-node';

export function matchesLabels(labels: Record<string, string> | undefined, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/** An empty selector selects everything; a missing one (undefined) nothing is decided here. */
export function matchesSelector(labels: Record<string, string> | undefined, selector: V1LabelSelector): boolean {
  if (!matchesLabels(labels, selector.matchLabels ?? {})) return false;
  return (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels?.[key];
    switch (operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
}

export function labelSelectorString(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}
