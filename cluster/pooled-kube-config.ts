// A KubeConfig whose API clients keep their connections. client-node 2.x gives every API call a fresh
// undici Agent, so every call opened a new TLS connection: with 200 sessions' SLA reads that was hundreds
// of handshakes a second, which kept the worker and the apiserver busy and starved the API of CPU.
// The first call's dispatcher (built from this config's CA and client credentials) serves all later ones;
// headers (tokens) are still applied per call.
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

export class PooledKubeConfig extends KubeConfig {
  #dispatcher: Dispatcher | undefined;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (!fresh) return; // no TLS settings to carry (plain HTTP): the default dispatcher pools already
    if (this.#dispatcher) context.setDispatcher(this.#dispatcher);
    else this.#dispatcher = fresh;
  }

  /** Closes the kept connections once this config's clients are no longer used (their cluster is gone). */
  close(): void {
    this.#dispatcher?.close().catch(() => {});
    this.#dispatcher = undefined;
  }
}
