package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneSpec;
import dev.meshoperator.certs.MeshCa;
import dev.meshoperator.config.OperatorConfig;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The operator-managed mesh CA: a root kept in the operator's namespace (istiod never sees its key)
 * and the {@code cacerts} Secret istiod reads as a plug-in CA in the control plane's namespace.
 * Keys are random, so this is not a dependent with a pure desired state: the Secrets are the source
 * of truth and are written only when {@link MeshCa} says something is due.
 */
@ApplicationScoped
public class MeshCaSecrets {

  private static final Logger LOG = Logger.getLogger(MeshCaSecrets.class);
  public static final String CACERTS = "cacerts";

  private final KubernetesClient client;
  private final OperatorConfig config;
  private final Clock clock;

  public MeshCaSecrets(KubernetesClient client, OperatorConfig config, Clock clock) {
    this.client = client;
    this.config = config;
    this.clock = clock;
  }

  public static boolean wanted(MeshControlPlane cr) {
    return cr.getSpec() != null
        && cr.getSpec().certificateAuthority == MeshControlPlaneSpec.CertificateAuthority.OPERATOR;
  }

  /** The root Secret's name: one root per mesh namespace. */
  public static String rootSecretName(String meshNamespace) {
    return "mesh-root-ca-" + meshNamespace;
  }

  /** Brings both Secrets up to date; returns when to check again. */
  public Duration reconcile(MeshControlPlane cr) {
    String ns = dev.meshoperator.model.MeshNames.namespace(cr);
    var rootSecrets = client.secrets().inNamespace(config.namespace());
    var meshSecrets = client.secrets().inNamespace(ns);
    for (int attempt = 0; attempt < 5; attempt++) {
      Secret root = rootSecrets.withName(rootSecretName(ns)).get();
      Secret cacerts = meshSecrets.withName(CACERTS).get();
      var result =
          new MeshCa(MeshCa.Settings.defaults("istio-operator"), clock)
              .reconcile(data(root), data(cacerts));
      try {
        if (result.rootChanged()) {
          write(
              rootSecrets,
              root,
              secret(config.namespace(), rootSecretName(ns), result.rootBase64Data(), root, null));
        }
        if (result.cacertsChanged()) {
          write(meshSecrets, cacerts, secret(ns, CACERTS, result.cacertsBase64Data(), cacerts, cr));
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          continue;
        }
        throw e;
      }
      if (result.changed()) {
        LOG.infof("Mesh CA for namespace %s updated: %s", ns, result.reasons());
      }
      Duration next = Duration.between(clock.instant(), result.nextCheck());
      return next.isNegative() ? Duration.ofMinutes(1) : next;
    }
    throw new IllegalStateException("the mesh CA Secrets kept changing under us");
  }

  /** Removes the root when no control plane in {@code cr}'s namespace uses it any more. */
  public void cleanup(MeshControlPlane cr, boolean othersInNamespaceUseIt) {
    if (!othersInNamespaceUseIt) {
      client
          .secrets()
          .inNamespace(config.namespace())
          .withName(rootSecretName(dev.meshoperator.model.MeshNames.namespace(cr)))
          .delete();
    }
  }

  private static Map<String, byte[]> data(Secret s) {
    return s == null || s.getData() == null
        ? Map.of()
        : dev.meshoperator.certs.SecretData.fromBase64(s.getData());
  }

  private static void write(
      io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
              Secret,
              io.fabric8.kubernetes.api.model.SecretList,
              io.fabric8.kubernetes.client.dsl.Resource<Secret>>
          ops,
      Secret current,
      Secret desired) {
    if (current == null) {
      ops.resource(desired).create();
    } else {
      ops.resource(desired).update();
    }
  }

  private static Secret secret(
      String namespace,
      String name,
      Map<String, String> data,
      Secret current,
      MeshControlPlane owner) {
    var b =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(
                Map.of(
                    MeshLabels.MANAGED_BY,
                    MeshLabels.MANAGED_BY_VALUE,
                    MeshLabels.COMPONENT,
                    "mesh-ca"))
            .withResourceVersion(
                Optional.ofNullable(current)
                    .map(c -> c.getMetadata().getResourceVersion())
                    .orElse(null))
            .endMetadata()
            .withType("Opaque")
            .withData(data);
    if (owner != null) {
      b.editMetadata()
          .withOwnerReferences(
              new OwnerReferenceBuilder()
                  .withApiVersion(owner.getApiVersion())
                  .withKind(owner.getKind())
                  .withName(owner.getMetadata().getName())
                  .withUid(owner.getMetadata().getUid())
                  .build())
          .endMetadata();
    }
    return b.build();
  }
}
