package dev.meshoperator.packaging;

import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code cert-manager} overlay: cert-manager issues the webhook's serving certificate (a
 * self-signed CA Issuer, a CA Certificate, a CA Issuer, the serving Certificate), the operator runs
 * with {@code certificates.source=external} reading it from the mounted Secret, and cert-manager's
 * cainjector writes the CA into every injector webhook's caBundle (the operator annotates them with
 * {@code cert-manager.io/inject-ca-from}). The operator then neither issues nor patches caBundle.
 */
final class CertManagerOverlay {

  static final String CA_ISSUER = "istio-operator-selfsigned";
  static final String CA_CERTIFICATE = "istio-operator-webhook-ca";
  static final String WEBHOOK_ISSUER = "istio-operator-webhook-ca";
  static final String WEBHOOK_CERTIFICATE = "istio-operator-webhook";
  static final String WEBHOOK_SECRET = "istio-operator-webhook-cert-manager";
  static final String TLS_DIRECTORY = "/etc/istio-operator/webhook-tls";

  private CertManagerOverlay() {}

  static Map<String, String> files(String namespace) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        "overlays/cert-manager/kustomization.yaml",
        KustomizeLayout.kustomization(
            "cert-manager issues the webhook certificate and injects caBundle; needs cert-manager"
                + " installed first. The operator namespace is fixed at "
                + namespace
                + " here (the Certificate's DNS names and inject-ca-from name it).",
            ordered(
                "resources",
                List.of("../../base", "certificates.yaml"),
                "patches",
                List.of(ordered("path", "deployment-patch.yaml")))));
    StringBuilder certs = new StringBuilder(KustomizeLayout.HEADER);
    for (GenericKubernetesResource o : objects(namespace)) {
      certs.append(KustomizeLayout.yaml(o));
    }
    files.put("overlays/cert-manager/certificates.yaml", certs.toString());
    files.put(
        "overlays/cert-manager/deployment-patch.yaml",
        KustomizeLayout.HEADER + KustomizeLayout.yaml(deploymentPatch(namespace)));
    return files;
  }

  static List<GenericKubernetesResource> objects(String namespace) {
    String service = OperatorInstall.WEBHOOK_SERVICE + "." + namespace + ".svc";
    return List.of(
        resource("Issuer", CA_ISSUER, namespace, ordered("selfSigned", ordered())),
        resource(
            "Certificate",
            CA_CERTIFICATE,
            namespace,
            ordered(
                "isCA",
                true,
                "commonName",
                CA_CERTIFICATE,
                "secretName",
                CA_CERTIFICATE,
                "duration",
                "8760h",
                "privateKey",
                ordered("algorithm", "ECDSA", "size", 256),
                "issuerRef",
                ordered("kind", "Issuer", "name", CA_ISSUER))),
        resource(
            "Issuer",
            WEBHOOK_ISSUER,
            namespace,
            ordered("ca", ordered("secretName", CA_CERTIFICATE))),
        resource(
            "Certificate",
            WEBHOOK_CERTIFICATE,
            namespace,
            ordered(
                "secretName", WEBHOOK_SECRET,
                "dnsNames", List.of(service, service + ".cluster.local"),
                "duration", "2160h",
                "renewBefore", "720h",
                "privateKey",
                    ordered("algorithm", "ECDSA", "size", 256, "rotationPolicy", "Always"),
                "usages", List.of("server auth", "digital signature", "key encipherment"),
                "issuerRef", ordered("kind", "Issuer", "name", WEBHOOK_ISSUER))));
  }

  /** A strategic-merge patch: external certificates, read from the mounted Secret. */
  static Map<String, Object> deploymentPatch(String namespace) {
    return ordered(
        "apiVersion",
        "apps/v1",
        "kind",
        "Deployment",
        "metadata",
        ordered("name", OperatorInstall.NAME, "namespace", namespace),
        "spec",
        ordered(
            "template",
            ordered(
                "spec",
                ordered(
                    "containers",
                    List.of(
                        ordered(
                            "name",
                            "operator",
                            "env",
                            List.of(
                                env("MESH_OPERATOR_CERTIFICATES_SOURCE", "external"),
                                env("MESH_OPERATOR_WEBHOOK_TLS_DIRECTORY", TLS_DIRECTORY),
                                env(
                                    "MESH_OPERATOR_CERTIFICATES_CERT_MANAGER_CERTIFICATE",
                                    namespace + "/" + WEBHOOK_CERTIFICATE)),
                            "volumeMounts",
                            List.of(
                                ordered(
                                    "name",
                                    "webhook-tls",
                                    "mountPath",
                                    TLS_DIRECTORY,
                                    "readOnly",
                                    true)))),
                    "volumes",
                    List.of(
                        ordered(
                            "name",
                            "webhook-tls",
                            "secret",
                            ordered("secretName", WEBHOOK_SECRET)))))));
  }

  private static Map<String, String> env(String name, String value) {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("name", name);
    e.put("value", value);
    return e;
  }

  private static GenericKubernetesResource resource(
      String kind, String name, String namespace, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("cert-manager.io/v1")
        .withKind(kind)
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(Map.of(MeshLabels.PART_OF, OperatorInstall.NAME))
        .endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
  }

  /** A map in the given order (Map.of's order changes between runs; generated files must not). */
  static Map<String, Object> ordered(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }
}
