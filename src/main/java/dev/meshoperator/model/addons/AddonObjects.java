package dev.meshoperator.model.addons;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.meshoperator.model.AddonSettings;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.MeshLabels;
import dev.meshoperator.model.MeshNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the addons' objects have in common: metadata, labels, pod shape, RBAC, YAML. */
final class AddonObjects {

  /** Pod annotation: a hash of the addon's configuration, so a change rolls its pod. */
  static final String CONFIG_HASH = "meshoperator.dev/config-hash";

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  private AddonObjects() {}

  static String yaml(Object value) {
    try {
      return YAML.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("addon configuration cannot be rendered as YAML", e);
    }
  }

  /** An ordered map from alternating keys and values, for readable configuration builders. */
  static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  static ObjectMeta meta(ControlPlane cp, AddonSettings.Name addon, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(cp.namespace())
        .withLabels(MeshLabels.addon(cp, addon))
        .build();
  }

  /**
   * The pods' selector: the addon and the control plane's instance. Stable, so a Deployment's
   * selector never changes. Not {@code istio.io/rev}: that label would select the pods for
   * injection by the revision's webhook.
   */
  static Map<String, String> selector(ControlPlane cp, AddonSettings.Name addon) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("app", addon.id());
    s.put(MeshLabels.INSTANCE, cp.name());
    return s;
  }

  /** Pod labels: the selector, the addon label, and opted out of the mesh (as Istio's addons). */
  static Map<String, String> podLabels(ControlPlane cp, AddonSettings.Name addon) {
    Map<String, String> l = new LinkedHashMap<>(selector(cp, addon));
    l.put(MeshLabels.NAME, addon.id());
    l.put(MeshLabels.ADDON, addon.id());
    l.put(MeshLabels.MANAGED_BY, MeshLabels.MANAGED_BY_VALUE);
    l.put("sidecar.istio.io/inject", "false");
    return l;
  }

  /** A ServiceAccount; with {@code apiAccess} false its pods get no API token at all. */
  static ServiceAccount serviceAccount(
      ControlPlane cp, AddonSettings.Name addon, boolean apiAccess) {
    return new ServiceAccountBuilder()
        .withMetadata(meta(cp, addon, MeshNames.addon(cp, addon)))
        .withAutomountServiceAccountToken(apiAccess)
        .withImagePullSecrets(pullSecrets(cp))
        .build();
  }

  static List<LocalObjectReference> pullSecrets(ControlPlane cp) {
    return cp.imagePullSecrets().stream().map(LocalObjectReference::new).toList();
  }

  static ConfigMap configMap(
      ControlPlane cp, AddonSettings.Name addon, String name, Map<String, String> data) {
    return new ConfigMapBuilder()
        .withMetadata(meta(cp, addon, name))
        .withData(new TreeMap<>(data))
        .build();
  }

  /** The volume {@code config}: the addon's main ConfigMap ({@link MeshNames#addon}). */
  static Volume configVolume(ControlPlane cp, AddonSettings.Name addon) {
    return new VolumeBuilder()
        .withName("config")
        .withNewConfigMap()
        .withName(MeshNames.addon(cp, addon))
        .endConfigMap()
        .build();
  }

  /**
   * The addon's one-replica Deployment, running as its ServiceAccount, with the hash of {@code
   * configs} on the pod so that a configuration change rolls it (no reloader sidecar needed).
   */
  static Deployment deployment(
      ControlPlane cp,
      AddonSettings.Name addon,
      boolean apiAccess,
      Container container,
      List<Volume> volumes,
      boolean recreate,
      ConfigMap... configs) {
    Map<String, String> annotations = new TreeMap<>();
    annotations.put(CONFIG_HASH, hash(configs));
    return new DeploymentBuilder()
        .withMetadata(meta(cp, addon, MeshNames.addon(cp, addon)))
        .withNewSpec()
        .withReplicas(1)
        .withRevisionHistoryLimit(3)
        .withNewSelector()
        .withMatchLabels(selector(cp, addon))
        .endSelector()
        .withNewStrategy()
        .withType(recreate ? "Recreate" : "RollingUpdate")
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels(cp, addon))
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(MeshNames.addon(cp, addon))
        .withAutomountServiceAccountToken(apiAccess)
        .withImagePullSecrets(pullSecrets(cp))
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withContainers(container)
        .withVolumes(volumes)
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  static ServicePort port(String name, int port, int targetPort) {
    return new ServicePortBuilder()
        .withName(name)
        .withPort(port)
        .withNewTargetPort(targetPort)
        .withProtocol("TCP")
        .build();
  }

  static ClusterRole clusterRole(
      ControlPlane cp, AddonSettings.Name addon, List<PolicyRule> rules) {
    ObjectMeta meta = meta(cp, addon, MeshNames.addonClusterRole(cp, addon));
    meta.setNamespace(null);
    return new ClusterRoleBuilder().withMetadata(meta).withRules(rules).build();
  }

  static ClusterRoleBinding clusterRoleBinding(ControlPlane cp, AddonSettings.Name addon) {
    ObjectMeta meta = meta(cp, addon, MeshNames.addonClusterRole(cp, addon));
    meta.setNamespace(null);
    return new ClusterRoleBindingBuilder()
        .withMetadata(meta)
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("ClusterRole")
        .withName(MeshNames.addonClusterRole(cp, addon))
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(MeshNames.addon(cp, addon))
        .withNamespace(cp.namespace())
        .endSubject()
        .build();
  }

  /** {@code http://<service>.<namespace>:<port><path>}: how pods in the cluster reach it. */
  static String url(ControlPlane cp, String service, int port, String path) {
    return "http://" + service + "." + cp.namespace() + ":" + port + path;
  }

  /** A short content hash of the ConfigMaps' data. */
  static String hash(ConfigMap... configs) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (ConfigMap c : configs) {
        for (var e : new TreeMap<>(c.getData()).entrySet()) {
          digest.update(e.getKey().getBytes(StandardCharsets.UTF_8));
          digest.update((byte) 0);
          digest.update(e.getValue().getBytes(StandardCharsets.UTF_8));
          digest.update((byte) 0);
        }
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
