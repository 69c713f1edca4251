package dev.meshoperator.model;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sidecar injector's MutatingWebhookConfiguration for one revision, with Istio's selector
 * semantics: {@code istio-injection=enabled} namespaces go to the default revision, {@code
 * istio.io/rev=<rev>} namespaces (without istio-injection) to that revision, and in unlabeled
 * namespaces pods opt in with {@code sidecar.istio.io/inject=true} (default revision) or the {@code
 * istio.io/rev} label. {@code sidecar.istio.io/inject=false} always opts out. System namespaces and
 * the operator's own namespace are never sent to the webhook: with failurePolicy Fail, a webhook
 * that selected them could block the very pods (the operator's, kube-system's) that bring it back.
 */
public final class MutatingWebhookModel {

  /** cert-manager's cainjector fills caBundle from this Certificate's CA. */
  public static final String CERT_MANAGER_INJECT_CA_FROM = "cert-manager.io/inject-ca-from";

  static final String INJECTION = "istio-injection";
  static final String REV = "istio.io/rev";
  static final String INJECT = "sidecar.istio.io/inject";
  static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";
  static final List<String> SYSTEM_NAMESPACES =
      List.of("kube-system", "kube-public", "kube-node-lease", "local-path-storage");

  private MutatingWebhookModel() {}

  /**
   * Where the apiserver reaches the operator's webhook. {@code serviceNamespace} is the operator's
   * own namespace (its Service lives there), also in URL mode.
   */
  public record Endpoint(
      Optional<String> url,
      String serviceName,
      String serviceNamespace,
      int servicePort,
      String path) {

    WebhookClientConfig clientConfig(String caBundle) {
      var b = new WebhookClientConfigBuilder().withCaBundle(caBundle);
      if (url.isPresent()) {
        b.withUrl(url.get());
      } else {
        b.withNewService()
            .withName(serviceName)
            .withNamespace(serviceNamespace)
            .withPort(servicePort)
            .withPath(path)
            .endService();
      }
      return b.build();
    }
  }

  /**
   * @param caBundle base64 PEM of the CAs that sign the serving certificate, or null when another
   *     party (OLM, cert-manager) injects it
   */
  public static MutatingWebhookConfiguration webhook(
      ControlPlane cp, Endpoint endpoint, String caBundle) {
    return webhook(cp, endpoint, caBundle, Optional.empty());
  }

  /**
   * @param certManagerCertificate {@code <namespace>/<name>} of a cert-manager Certificate whose CA
   *     cert-manager's cainjector injects (then {@code caBundle} is null)
   */
  public static MutatingWebhookConfiguration webhook(
      ControlPlane cp,
      Endpoint endpoint,
      String caBundle,
      Optional<String> certManagerCertificate) {
    List<MutatingWebhook> hooks = new ArrayList<>();
    if (cp.isDefaultRevision()) {
      hooks.add(
          hook(
              cp,
              endpoint,
              caBundle,
              "namespace.sidecar-injector.istio.io",
              namespaces(endpoint, req(INJECTION, "In", "enabled")),
              selector(req(INJECT, "NotIn", "false"))));
      hooks.add(
          hook(
              cp,
              endpoint,
              caBundle,
              "object.sidecar-injector.istio.io",
              namespaces(endpoint, req(INJECTION, "DoesNotExist"), req(REV, "DoesNotExist")),
              selector(req(INJECT, "In", "true"), req(REV, "DoesNotExist"))));
    }
    hooks.add(
        hook(
            cp,
            endpoint,
            caBundle,
            "rev.namespace.sidecar-injector.istio.io",
            namespaces(endpoint, req(REV, "In", cp.revision()), req(INJECTION, "DoesNotExist")),
            selector(req(INJECT, "NotIn", "false"))));
    hooks.add(
        hook(
            cp,
            endpoint,
            caBundle,
            "rev.object.sidecar-injector.istio.io",
            namespaces(endpoint, req(REV, "DoesNotExist"), req(INJECTION, "DoesNotExist")),
            selector(req(INJECT, "NotIn", "false"), req(REV, "In", cp.revision()))));
    var metadata =
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(MeshNames.mutatingWebhook(cp))
            .withLabels(MeshLabels.of(cp, "sidecar-injector"));
    // JOSDK adds its owner annotations to this map: leave it unset, never null-valued.
    certManagerCertificate.ifPresent(
        c -> metadata.addToAnnotations(CERT_MANAGER_INJECT_CA_FROM, c));
    return new MutatingWebhookConfigurationBuilder()
        .withMetadata(metadata.build())
        .withWebhooks(hooks)
        .build();
  }

  private static MutatingWebhook hook(
      ControlPlane cp,
      Endpoint endpoint,
      String caBundle,
      String name,
      LabelSelector namespaceSelector,
      LabelSelector objectSelector) {
    var injection = cp.injection();
    return new MutatingWebhookBuilder()
        .withName(name)
        .withClientConfig(endpoint.clientConfig(caBundle))
        .addNewRule()
        .withOperations("CREATE")
        .withApiGroups("")
        .withApiVersions("v1")
        .withResources("pods")
        .endRule()
        .withNamespaceSelector(namespaceSelector)
        .withObjectSelector(objectSelector)
        .withSideEffects("None")
        .withAdmissionReviewVersions("v1")
        .withFailurePolicy(
            injection.failurePolicy == null ? "Fail" : injection.failurePolicy.name())
        .withTimeoutSeconds(injection.timeoutSeconds == null ? 10 : injection.timeoutSeconds)
        .withReinvocationPolicy("Never")
        .build();
  }

  /** Whether {@code namespace} is one the webhook never sees, whatever the operator's is. */
  public static boolean isSystemNamespace(String namespace) {
    return SYSTEM_NAMESPACES.contains(namespace);
  }

  /** The namespaces a webhook never sees: the system ones and the operator's. */
  static List<String> excludedNamespaces(Endpoint endpoint) {
    var excluded = new ArrayList<>(SYSTEM_NAMESPACES);
    if (endpoint.serviceNamespace() != null && !excluded.contains(endpoint.serviceNamespace())) {
      excluded.add(endpoint.serviceNamespace());
    }
    return excluded;
  }

  private static LabelSelector namespaces(
      Endpoint endpoint, io.fabric8.kubernetes.api.model.LabelSelectorRequirement... requirements) {
    var all = new ArrayList<>(List.of(requirements));
    all.add(
        new io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder()
            .withKey(NAMESPACE_NAME)
            .withOperator("NotIn")
            .withValues(excludedNamespaces(endpoint))
            .build());
    return new LabelSelectorBuilder().withMatchExpressions(all).build();
  }

  private static LabelSelector selector(
      io.fabric8.kubernetes.api.model.LabelSelectorRequirement... requirements) {
    return new LabelSelectorBuilder().withMatchExpressions(requirements).build();
  }

  private static io.fabric8.kubernetes.api.model.LabelSelectorRequirement req(
      String key, String operator, String... values) {
    return new io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder()
        .withKey(key)
        .withOperator(operator)
        .withValues(values.length == 0 ? null : List.of(values))
        .build();
  }
}
