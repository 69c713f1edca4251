package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.ArrayList;
import java.util.List;
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
    List<Volume> v = new ArrayList<>();
    // The sockets carry no volume source in Istio's template: the field is present but empty,
    // so a volume source the pod already defines (e.g. a SPIFFE CSI driver) survives the merge.
    v.add(new VolumeBuilder().withName("workload-socket").build());
    if (credentialSocket) {
      v.add(new VolumeBuilder().withName("credential-socket").build());
    }
    v.addAll(workloadCerts(s, false));
    if (ctx.hasAnnotation(IstioAnnotations.BOOTSTRAP_OVERRIDE)) {
      v.add(
          new VolumeBuilder()
              .withName("custom-bootstrap-volume")
              .withNewConfigMap()
              .withName(ctx.annotation(IstioAnnotations.BOOTSTRAP_OVERRIDE, ""))
              .endConfigMap()
              .build());
    }
    v.add(
        new VolumeBuilder()
            .withName(envoyVolume)
            .withNewEmptyDir()
            .withMedium("Memory")
            .endEmptyDir()
            .build());
    v.add(new VolumeBuilder().withName("istio-data").withNewEmptyDir().endEmptyDir().build());
    v.add(
        new VolumeBuilder()
            .withName("istio-podinfo")
            .withNewDownwardAPI()
            .addNewItem()
            .withPath("labels")
            .withNewFieldRef()
            .withFieldPath("metadata.labels")
            .endFieldRef()
            .endItem()
            .addNewItem()
            .withPath("annotations")
            .withNewFieldRef()
            .withFieldPath("metadata.annotations")
            .endFieldRef()
            .endItem()
            .endDownwardAPI()
            .build());
    v.add(
        new VolumeBuilder()
            .withName("istio-token")
            .withNewProjected()
            .addNewSource()
            .withNewServiceAccountToken()
            .withPath("istio-token")
            .withExpirationSeconds(43200L)
            .withAudience(s.sdsTokenAudience())
            .endServiceAccountToken()
            .endSource()
            .endProjected()
            .build());
    if (s.pilotCertProvider().equals("istiod")) {
      v.add(rootCert(s));
    }
    if (crl) {
      v.add(
          new VolumeBuilder()
              .withName("istio-ca-crl")
              .withNewConfigMap()
              .withName(
                  s.crlConfigMapName() == null || !s.release().configurableCrlConfigMap()
                      ? "istio-ca-crl"
                      : s.crlConfigMapName())
              .withOptional(true)
              .endConfigMap()
              .build());
    }
    if (s.mountMtlsCerts()) {
      v.add(mtlsCerts(ctx));
    }
    ArrayNode out = Json.MAPPER.valueToTree(v);
    appendUserVolumes(ctx, out);
    return out;
  }

  static List<Volume> workloadCerts(InjectionSettings s, boolean explicitEmptyDir) {
    if (s.gkeWorkloadCertificates()) {
      return List.of(
          new VolumeBuilder()
              .withName("gke-workload-certificate")
              .withNewCsi()
              .withDriver("workloadcertificates.security.cloud.google.com")
              .endCsi()
              .build());
    }
    VolumeBuilder b = new VolumeBuilder().withName("workload-certs");
    if (explicitEmptyDir) {
      b.withNewEmptyDir().endEmptyDir();
    }
    return List.of(b.build());
  }

  static Volume rootCert(InjectionSettings s) {
    if (s.clusterTrustBundles()) {
      String bundle = s.trustBundleName() == null ? "root-cert" : s.trustBundleName();
      return new VolumeBuilder()
          .withName("istiod-ca-cert")
          .withNewProjected()
          .addNewSource()
          .withNewClusterTrustBundle()
          .withName("istio.io:istiod-ca:" + bundle)
          .withPath("root-cert.pem")
          .endClusterTrustBundle()
          .endSource()
          .endProjected()
          .build();
    }
    return new VolumeBuilder()
        .withName("istiod-ca-cert")
        .withNewConfigMap()
        .withName(s.trustBundleName() == null ? "istio-ca-root-cert" : s.trustBundleName())
        .endConfigMap()
        .build();
  }

  static Volume mtlsCerts(TemplateContext ctx) {
    String sa = ctx.spec().getServiceAccountName();
    return new VolumeBuilder()
        .withName("istio-certs")
        .withNewSecret()
        .withOptional(true)
        .withSecretName(sa == null || sa.isEmpty() ? "istio.default" : "istio." + sa)
        .endSecret()
        .build();
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
