package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Volumes of the injected proxy: identity sockets, certificates, token, pod info. */
final class SidecarVolumes {

  private SidecarVolumes() {}

  /**
   * The sidecar template's volumes. {@code credentialSocket} is false for templates without the
   * credential socket; {@code envoyVolume} names the proxy's bootstrap volume.
   */
  static ArrayNode build(
      TemplateContext ctx, boolean credentialSocket, String envoyVolume, boolean crl) {
    InjectionSettings s = ctx.settings();
    // Volume's fields and its sources' in fabric8's (alphabetical) order; see ProxyEnv.
    ArrayNode v = Json.MAPPER.createArrayNode();
    // The sockets carry no volume source in Istio's template: the field is present but empty,
    // so a volume source the pod already defines (e.g. a SPIFFE CSI driver) survives the merge.
    v.addObject().put("name", "workload-socket");
    if (credentialSocket) {
      v.addObject().put("name", "credential-socket");
    }
    v.add(workloadCerts(s, false));
    if (ctx.hasAnnotation(IstioAnnotations.BOOTSTRAP_OVERRIDE)) {
      v.add(customBootstrap(ctx));
    }
    v.add(envoy(envoyVolume));
    ObjectNode data = v.addObject();
    data.putObject("emptyDir");
    data.put("name", "istio-data");
    ObjectNode podinfo = v.addObject();
    ArrayNode items = podinfo.putObject("downwardAPI").putArray("items");
    ObjectNode labels = items.addObject();
    labels.putObject("fieldRef").put("fieldPath", "metadata.labels");
    labels.put("path", "labels");
    ObjectNode annotations = items.addObject();
    annotations.putObject("fieldRef").put("fieldPath", "metadata.annotations");
    annotations.put("path", "annotations");
    podinfo.put("name", "istio-podinfo");
    ObjectNode token = v.addObject().put("name", "istio-token");
    ObjectNode sat =
        token
            .putObject("projected")
            .putArray("sources")
            .addObject()
            .putObject("serviceAccountToken");
    if (s.sdsTokenAudience() != null) {
      sat.put("audience", s.sdsTokenAudience());
    }
    sat.put("expirationSeconds", 43200L).put("path", "istio-token");
    if (s.pilotCertProvider().equals("istiod")) {
      v.add(rootCert(s));
    }
    if (crl) {
      ObjectNode crlVolume = v.addObject();
      crlVolume
          .putObject("configMap")
          .put(
              "name",
              s.crlConfigMapName() == null || !s.release().configurableCrlConfigMap()
                  ? "istio-ca-crl"
                  : s.crlConfigMapName())
          .put("optional", true);
      crlVolume.put("name", "istio-ca-crl");
    }
    if (s.mountMtlsCerts()) {
      v.add(mtlsCerts(ctx));
    }
    appendUserVolumes(ctx, v);
    return v;
  }

  static ObjectNode customBootstrap(TemplateContext ctx) {
    ObjectNode v = Json.MAPPER.createObjectNode();
    v.putObject("configMap").put("name", ctx.annotation(IstioAnnotations.BOOTSTRAP_OVERRIDE, ""));
    v.put("name", "custom-bootstrap-volume");
    return v;
  }

  static ObjectNode envoy(String name) {
    ObjectNode v = Json.MAPPER.createObjectNode();
    v.putObject("emptyDir").put("medium", "Memory");
    v.put("name", name);
    return v;
  }

  static ObjectNode workloadCerts(InjectionSettings s, boolean explicitEmptyDir) {
    ObjectNode v = Json.MAPPER.createObjectNode();
    if (s.gkeWorkloadCertificates()) {
      v.putObject("csi").put("driver", "workloadcertificates.security.cloud.google.com");
      v.put("name", "gke-workload-certificate");
      return v;
    }
    if (explicitEmptyDir) {
      v.putObject("emptyDir");
    }
    v.put("name", "workload-certs");
    return v;
  }

  static ObjectNode rootCert(InjectionSettings s) {
    ObjectNode v = Json.MAPPER.createObjectNode();
    if (s.clusterTrustBundles()) {
      String bundle = s.trustBundleName() == null ? "root-cert" : s.trustBundleName();
      v.put("name", "istiod-ca-cert");
      v.putObject("projected")
          .putArray("sources")
          .addObject()
          .putObject("clusterTrustBundle")
          .put("name", "istio.io:istiod-ca:" + bundle)
          .put("path", "root-cert.pem");
      return v;
    }
    v.putObject("configMap")
        .put("name", s.trustBundleName() == null ? "istio-ca-root-cert" : s.trustBundleName());
    v.put("name", "istiod-ca-cert");
    return v;
  }

  static ObjectNode mtlsCerts(TemplateContext ctx) {
    String sa = ctx.spec().getServiceAccountName();
    ObjectNode v = Json.MAPPER.createObjectNode();
    v.put("name", "istio-certs");
    v.putObject("secret")
        .put("optional", true)
        .put("secretName", sa == null || sa.isEmpty() ? "istio.default" : "istio." + sa);
    return v;
  }

  /** The {@code sidecar.istio.io/userVolume} annotation: a JSON map of name to volume source. */
  static void appendUserVolumes(TemplateContext ctx, ArrayNode volumes) {
    String raw = ctx.annotations().get(IstioAnnotations.USER_VOLUME);
    if (raw == null) {
      return;
    }
    for (Map.Entry<String, JsonNode> e :
        ProxyContainerBuilder.jsonMap(raw, IstioAnnotations.USER_VOLUME).entrySet()) {
      ObjectNode volume = Json.MAPPER.createObjectNode();
      volume.put("name", e.getKey());
      if (e.getValue() instanceof ObjectNode fields) {
        volume.setAll(fields.deepCopy());
      }
      volumes.add(volume);
    }
  }
}
