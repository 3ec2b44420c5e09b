// What the gateway passes on: never the participant's credentials or an impersonation request.
import { describe, expect, it } from 'vitest';
import { forwardableHeaders } from '../../../gateway/headers.ts';

describe('forwardableHeaders', () => {
  it('drops credentials, impersonation and hop-by-hop headers and keeps the rest', () => {
    const forwarded = forwardableHeaders({
      authorization: 'Bearer gateway-token',
      host: 'gw',
      connection: 'keep-alive',
      'transfer-encoding': 'chunked',
      'impersonate-user': 'system:admin',
      'impersonate-group': 'system:masters',
      'impersonate-extra-scopes': 'x',
      'impersonate-uid': '1',
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
      'content-type': 'application/merge-patch+json',
      'kubectl-command': 'kubectl get',
      'user-agent': 'kubectl/v1.36.3',
    });
    expect(forwarded).toEqual({
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
      'content-type': 'application/merge-patch+json',
      'kubectl-command': 'kubectl get',
      'user-agent': 'kubectl/v1.36.3',
    });
  });
});
