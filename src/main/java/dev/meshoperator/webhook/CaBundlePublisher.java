package dev.meshoperator.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.meshoperator.certs.Pem;
import dev.meshoperator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Keeps the caBundle of every injector webhook that calls this operator equal to the webhook
 * Secret's CA bundle, whatever happens to the control plane that owns it. The reconciler's
 * dependent sets the same value, but only for control planes whose spec it accepts; a refused one
 * would otherwise keep the old CA forever and hold back every CA rotation. Only the caBundle fields
 * are patched (JSON patch, guarded by a test of the webhook's name at that index), so nothing else
 * of the object is touched and nothing fights the dependent.
 */
final class CaBundlePublisher {

  private static final Logger LOG = Logger.getLogger(CaBundlePublisher.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String OPERATOR = "istio-operator";

  private final KubernetesClient client;
  private final OperatorConfig config;

  CaBundlePublisher(KubernetesClient client, OperatorConfig config) {
    this.client = client;
    this.config = config;
  }

  /** Patches every stale caBundle to {@code bundleBase64}; returns how many webhooks changed. */
  int publish(String bundleBase64) {
    int changed = 0;
    for (var configuration : configurations()) {
      ArrayNode patch = JSON.createArrayNode();
      List<MutatingWebhook> hooks = configuration.getWebhooks();
      for (int i = 0; i < hooks.size(); i++) {
        MutatingWebhook hook = hooks.get(i);
        if (!callsThisOperator(hook) || bundleBase64.equals(hook.getClientConfig().getCaBundle())) {
          continue;
        }
        patch
            .addObject()
            .put("op", "test")
            .put("path", "/webhooks/" + i + "/name")
            .put("value", hook.getName());
        patch
            .addObject()
            .put("op", "add")
            .put("path", "/webhooks/" + i + "/clientConfig/caBundle")
            .put("value", bundleBase64);
      }
      if (patch.isEmpty()) {
        continue;
      }
      String name = configuration.getMetadata().getName();
      try {
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(name)
            .patch(PatchContext.of(PatchType.JSON), patch.toString());
        changed += patch.size() / 2;
        LOG.infof("Published the webhook CA bundle to %s (%d webhooks)", name, patch.size() / 2);
      } catch (KubernetesClientException e) {
        // Changed or deleted meanwhile: the next check starts from what is there then.
        LOG.warnf("Cannot publish the webhook CA bundle to %s: %s", name, e.getMessage());
      }
    }
    return changed;
  }

  /** Whether every webhook calling this operator lists {@code ca} in its caBundle. */
  boolean trustedByEveryWebhook(X509Certificate ca) {
    for (var configuration : configurations()) {
      for (var hook : configuration.getWebhooks()) {
        if (!callsThisOperator(hook)) {
          continue;
        }
        String bundle = hook.getClientConfig().getCaBundle();
        if (bundle == null || bundle.isEmpty()) {
          return false;
        }
        String pem = new String(Base64.getDecoder().decode(bundle), StandardCharsets.US_ASCII);
        if (Pem.decodeCertificates(pem).stream().noneMatch(ca::equals)) {
          return false;
        }
      }
    }
    return true;
  }

  private List<MutatingWebhookConfiguration> configurations() {
    return client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withLabel(MANAGED_BY, OPERATOR)
        .list()
        .getItems();
  }

  /** Only webhooks this operator serves: its URL, or its Service in its namespace. */
  private boolean callsThisOperator(MutatingWebhook hook) {
    var cc = hook.getClientConfig();
    if (cc == null) {
      return false;
    }
    var webhook = config.webhook();
    if (cc.getUrl() != null) {
      return webhook.url().map(cc.getUrl()::equals).orElse(false);
    }
    return cc.getService() != null
        && webhook.serviceName().equals(cc.getService().getName())
        && config.namespace().equals(cc.getService().getNamespace());
  }
}
