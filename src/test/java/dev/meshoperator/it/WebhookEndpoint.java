package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * What the endpoint tests share: the webhook URL, a trust store holding only the CA from the
 * operator's webhook Secret (so TLS is verified, hostname included), the default-revision control
 * plane, and AdmissionReviews as the apiserver sends them.
 */
final class WebhookEndpoint {

  /**
   * The URL the apiserver is given (18443 in the test profile; a run beside another worktree's can
   * move it, e.g. {@code -D%test.quarkus.http.test-ssl-port=28443
   * -D%test.mesh-operator.webhook.url=https://127.0.0.1:28443/inject}).
   */
  static final String URL =
      ConfigProvider.getConfig().getValue("mesh-operator.webhook.url", String.class);

  static final String METRICS =
      "http://127.0.0.1:"
          + ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class)
          + "/q/metrics";
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final ObjectMapper JSON = new ObjectMapper();

  private WebhookEndpoint() {}

  /** The CA (PEM) the apiserver trusts for the webhook, from the operator's Secret. */
  static String caBundlePem(KubernetesClient admin) {
    var secret =
        await()
            .atMost(TIMEOUT)
            .until(
                () ->
                    admin
                        .secrets()
                        .inNamespace("istio-operator")
                        .withName("istio-operator-webhook-tls")
                        .get(),
                s -> s != null && s.getData() != null && s.getData().get("ca-bundle.crt") != null);
    return new String(
        Base64.getDecoder().decode(secret.getData().get("ca-bundle.crt")),
        StandardCharsets.US_ASCII);
  }

  static KeyStore trustStore(String caPem) {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)))) {
        ks.setCertificateEntry("webhook-ca-" + i++, c);
      }
      assertThat(i).as("certificates in ca-bundle.crt").isPositive();
      return ks;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the webhook CA bundle", e);
    }
  }

  static SSLContext sslContext(String caPem) {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore(caPem));
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The default-revision control plane (the same object InjectionIT applies), Ready. */
  static void ensureDefaultControlPlane(KubernetesClient admin) {
    namespace(admin, "istio-system", Map.of());
    admin
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: meshoperator.dev/v1alpha1
                kind: MeshControlPlane
                metadata: {name: default}
                spec: {profile: demo, namespace: istio-system}
                """,
                GenericKubernetesResource.class))
        .serverSideApply();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var mcp = admin.resources(MeshControlPlane.class).withName("default").get();
              assertThat(mcp.getStatus()).isNotNull();
              assertThat(mcp.getStatus().condition(MeshControlPlaneStatus.READY))
                  .get()
                  .extracting(StatusCondition::getStatus)
                  .isEqualTo("True");
            });
  }

  static void namespace(KubernetesClient admin, String name, Map<String, String> labels) {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .serverSideApply();
  }

  /** A plain application pod, as the apiserver passes it to a mutating webhook on CREATE. */
  static ObjectNode pod(String namespace, String name) {
    ObjectNode pod = JSON.createObjectNode();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    ObjectNode meta = pod.putObject("metadata");
    meta.put("name", name);
    meta.put("namespace", namespace);
    meta.putObject("labels").put("app", name).put("version", "v1");
    ObjectNode spec = pod.putObject("spec");
    ObjectNode app = spec.putArray("containers").addObject();
    app.put("name", "app");
    app.put("image", "registry.example/app:1");
    app.putArray("ports").addObject().put("containerPort", 8080).put("protocol", "TCP");
    app.putObject("resources").putObject("requests").put("cpu", "100m").put("memory", "64Mi");
    spec.put("restartPolicy", "Always");
    spec.put("serviceAccountName", "default");
    return pod;
  }

  /** An admission.k8s.io/v1 AdmissionReview for creating {@code object} of kind {@code kind}. */
  static ObjectNode review(String uid, String kind, String namespace, ObjectNode object) {
    ObjectNode review = JSON.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1");
    review.put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request");
    request.put("uid", uid);
    request.putObject("kind").put("group", "").put("version", "v1").put("kind", kind);
    String resource = kind.toLowerCase() + "s";
    request.putObject("resource").put("group", "").put("version", "v1").put("resource", resource);
    request.putObject("requestKind").put("group", "").put("version", "v1").put("kind", kind);
    request
        .putObject("requestResource")
        .put("group", "")
        .put("version", "v1")
        .put("resource", resource);
    request.put("name", object.path("metadata").path("name").asText(""));
    request.put("namespace", namespace);
    request.put("operation", "CREATE");
    ObjectNode user = request.putObject("userInfo");
    user.put("username", "system:serviceaccount:kube-system:replicaset-controller");
    user.putArray("groups").add("system:serviceaccounts").add("system:authenticated");
    request.set("object", object);
    request.putNull("oldObject");
    request.put("dryRun", false);
    request.putObject("options").put("apiVersion", "meta.k8s.io/v1").put("kind", "CreateOptions");
    return review;
  }

  static ObjectNode podReview(String namespace, String name) {
    return review(UUID.randomUUID().toString(), "Pod", namespace, pod(namespace, name));
  }
}
