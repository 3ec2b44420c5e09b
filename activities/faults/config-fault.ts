// Faults that overwrite a key of a Secret or ConfigMap and roll the Deployment reading it, as a bad
// `helm upgrade` does: the template's `checksum/<name>` annotation changes, so new pods start with it.
import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import { checksumAnnotation, configChecksum } from '../../scenarios/lib/checksum.ts';
import type { FaultOf } from '../../scenarios/lib/schema.ts';
import type { FaultHandler } from './handler.ts';
import { currentPodsFailing, deploymentRef, mutate, readObject, saveOnce, takeSaved, type ObjectRef } from './objects.ts';

type ConfigFaultType = 'secret-credentials-corrupted' | 'configmap-broken';
type ConfigArgs = FaultOf<ConfigFaultType>['args'];
const argsOf = (fault: unknown) => (fault as { args: ConfigArgs }).args;
interface ConfigObject extends KubernetesObject {
  data?: Record<string, string>;
}

interface ConfigAccess {
  ref(args: ConfigArgs): ObjectRef;
  /** Plain-text view of the object's data, and how to write one value back in the object's encoding. */
  read(object: ConfigObject): Record<string, string>;
  encode(value: string): string;
}

const secretAccess: ConfigAccess = {
  ref: (args) => ({ apiVersion: 'v1', kind: 'Secret', name: (args as FaultOf<'secret-credentials-corrupted'>['args']).secret }),
  read: (object) => Object.fromEntries(Object.entries(object.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])),
  encode: (value) => Buffer.from(value).toString('base64'),
};

const configMapAccess: ConfigAccess = {
  ref: (args) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: (args as FaultOf<'configmap-broken'>['args']).configMap }),
  read: (object) => ({ ...object.data }),
  encode: (value) => value,
};

function configFault<T extends ConfigFaultType>(type: T, access: ConfigAccess): FaultHandler<T> {
  const setTemplateChecksum = (deployment: V1Deployment, name: string, value: string | null) => {
    const template = deployment.spec!.template;
    template.metadata ??= {};
    const annotations = { ...template.metadata.annotations };
    if (value === null) delete annotations[checksumAnnotation(name)];
    else annotations[checksumAnnotation(name)] = value;
    template.metadata.annotations = annotations;
  };
  return {
    async apply(context, fault) {
      const args = argsOf(fault);
      const ref = access.ref(args);
      const changed = await mutate<ConfigObject>(context, ref, (object) => {
        saveOnce(object, type, object.data?.[args.key] ?? null);
        object.data = { ...object.data, [args.key]: access.encode(args.value) };
      });
      const checksum = configChecksum(access.read(changed));
      await mutate<V1Deployment>(context, deploymentRef(args.deployment), (deployment) => {
        saveOnce(deployment, type, deployment.spec?.template.metadata?.annotations?.[checksumAnnotation(ref.name)] ?? null);
        setTemplateChecksum(deployment, ref.name, checksum);
      });
      return `${ref.kind.toLowerCase()}/${ref.name} key ${args.key} overwritten; deployment/${args.deployment} rolled`;
    },
    async tookEffect(context, fault) {
      const args = argsOf(fault);
      const object = await readObject<ConfigObject>(context, access.ref(args));
      if (!object?.metadata?.annotations?.[`failurelib.dev/revert.${type}`]) return false;
      return currentPodsFailing(context, args.deployment);
    },
    async revert(context, fault) {
      const args = argsOf(fault);
      const ref = access.ref(args);
      let restored = false;
      await mutate<ConfigObject>(context, ref, (object) => {
        const saved = takeSaved<string | null>(object, type);
        if (saved === undefined) return;
        const data = { ...object.data };
        if (saved === null) delete data[args.key];
        else data[args.key] = saved;
        object.data = data;
        restored = true;
      });
      await mutate<V1Deployment>(context, deploymentRef(args.deployment), (deployment) => {
        const saved = takeSaved<string | null>(deployment, type);
        if (saved !== undefined) setTemplateChecksum(deployment, ref.name, saved);
      });
      return restored
        ? `${ref.kind.toLowerCase()}/${ref.name} restored; deployment/${args.deployment} rolled back`
        : `${ref.kind.toLowerCase()}/${ref.name}: nothing to revert`;
    },
  };
}

export const secretCredentialsCorrupted = configFault('secret-credentials-corrupted', secretAccess);
export const configmapBroken = configFault('configmap-broken', configMapAccess);
