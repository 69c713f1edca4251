package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** Image references of the injected containers: hub/name:tag with an optional variant. */
final class Images {

  private static final List<String> KNOWN_TYPES = List.of("distroless", "debug");

  private Images() {}

  static String proxy(InjectionSettings s, ObjectNode proxyConfig, Map<String, String> ann) {
    String name = s.proxyImageName().isEmpty() ? "proxyv2" : s.proxyImageName();
    String type = proxyConfig.path("image").path("imageType").asText("");
    return url(s, name, type, ann);
  }

  /**
   * The init container's image. Up to 1.30 Istio's template gives it the proxy's image ({@code
   * .ProxyImage}, from {@code global.proxy.image}); master resolves {@code global.proxy_init.image}
   * on its own.
   */
  static String proxyInit(InjectionSettings s, ObjectNode proxyConfig, Map<String, String> ann) {
    if (!s.release().separateInitImage()) {
      return proxy(s, proxyConfig, ann);
    }
    String name = s.proxyInitImageName().isEmpty() ? "proxyv2" : s.proxyInitImageName();
    return url(s, name, "", ann);
  }

  private static String url(
      InjectionSettings s, String name, String type, Map<String, String> ann) {
    if (type.isEmpty()) {
      type = s.variant();
    }
    String annotated = ann.get(IstioAnnotations.PROXY_IMAGE_TYPE);
    if (annotated != null) {
      type = annotated;
    }
    return s.hub() + "/" + name + ":" + tag(s.tag(), type);
  }

  /** Replaces a variant suffix already in the tag; {@code default} means no suffix. */
  static String tag(String tag, String type) {
    if (type.isEmpty()) {
      return tag;
    }
    for (String known : KNOWN_TYPES) {
      if (tag.endsWith("-" + known)) {
        tag = tag.substring(0, tag.length() - known.length() - 1);
        break;
      }
    }
    return type.equals("default") ? tag : tag + "-" + type;
  }
}
