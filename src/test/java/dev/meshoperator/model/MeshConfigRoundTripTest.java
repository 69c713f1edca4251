package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.meshoperator.api.v1alpha1.Profile;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every value of a real MeshConfig reaches istiod's ConfigMap unchanged, type included. */
public class MeshConfigRoundTripTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The MeshConfig of {@code meshconfig/full.yaml}. */
  public static Map<String, Object> fullMeshConfig() throws IOException {
    try (InputStream in =
        MeshConfigRoundTripTest.class.getResourceAsStream("/meshconfig/full.yaml")) {
      return YAML.readValue(in, new TypeReference<>() {});
    }
  }

  private static Map<String, Object> rendered(Profile profile, Map<String, Object> meshConfig)
      throws IOException {
    var cr =
        TestResources.mcp(
            "istio-system",
            "default",
            s -> {
              s.setProfile(profile);
              s.meshConfig = meshConfig;
            });
    String mesh = IstiodModel.meshConfigMap(ControlPlane.of(cr)).getData().get("mesh");
    return YAML.readValue(mesh, new TypeReference<>() {});
  }

  @Test
  void everyValueOfARealMeshConfigReachesTheConfigMapUnchanged() throws IOException {
    for (Profile profile : Profile.values()) {
      Map<String, Object> user = fullMeshConfig();
      List<String> differences = new ArrayList<>();
      compare("meshConfig", user, rendered(profile, user), differences);
      assertThat(differences).as("profile " + profile).isEmpty();
    }
  }

  @Test
  void theOperatorsOwnSettingsStayUnderTheUsersValues() throws IOException {
    Map<String, Object> mesh = rendered(Profile.DEFAULT, fullMeshConfig());
    @SuppressWarnings("unchecked")
    Map<String, Object> proxy = (Map<String, Object>) mesh.get("defaultConfig");
    assertThat(proxy).containsEntry("discoveryAddress", "istiod.istio-system.svc:15012");
    assertThat(mesh).containsEntry("rootNamespace", "istio-system");
    assertThat(mesh).containsEntry("trustDomain", "example.org");
  }

  @Test
  void stringsThatLookLikeOtherTypesStayStrings() throws IOException {
    Map<String, Object> mesh = rendered(Profile.DEFAULT, fullMeshConfig());
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata =
        (Map<String, Object>)
            ((Map<String, Object>) mesh.get("defaultConfig")).get("proxyMetadata");
    assertThat(metadata)
        .containsEntry("ISTIO_META_DNS_CAPTURE", "true")
        .containsEntry("BOOTSTRAP_LOOKS_YES", "yes")
        .containsEntry("LOOKS_LIKE_NUMBER", "15")
        .containsEntry("LOOKS_LIKE_OCTAL", "0755")
        .containsEntry("LOOKS_LIKE_NULL", "null")
        .containsEntry("LOOKS_LIKE_FLOAT", "1e3")
        .containsEntry("LOOKS_LIKE_HEX", "0x1F")
        .containsEntry("LOOKS_LIKE_INFINITY", ".inf")
        .containsEntry("LOOKS_LIKE_DATE", "2001-12-14")
        .containsEntry("LOOKS_LIKE_SEXAGESIMAL", "1:30")
        .containsEntry("LOOKS_LIKE_MERGE", "<<")
        .containsEntry("EMPTY", "");
  }

  /**
   * Records where {@code actual} does not carry {@code expected}: maps must contain every expected
   * key (the operator may add its own), lists and scalars must be equal, with the same JSON type.
   */
  @SuppressWarnings("unchecked")
  public static void compare(
      String path, Object expected, Object actual, List<String> differences) {
    if (expected instanceof Map<?, ?> em) {
      if (!(actual instanceof Map<?, ?> am)) {
        differences.add(path + ": expected an object, got " + actual);
        return;
      }
      em.forEach(
          (k, v) -> {
            if (!am.containsKey(k)) {
              differences.add(path + "." + k + ": missing");
            } else {
              compare(path + "." + k, v, am.get(k), differences);
            }
          });
    } else if (expected instanceof List<?> el) {
      if (!(actual instanceof List<?> al) || al.size() != el.size()) {
        differences.add(path + ": expected " + el + ", got " + actual);
        return;
      }
      for (int i = 0; i < el.size(); i++) {
        compare(path + "[" + i + "]", el.get(i), al.get(i), differences);
      }
    } else if (expected instanceof Number en) {
      if (!(actual instanceof Number an)
          || new BigDecimal(en.toString()).compareTo(new BigDecimal(an.toString())) != 0) {
        differences.add(path + ": expected the number " + en + ", got " + describe(actual));
      }
    } else if (expected == null ? actual != null : !expected.equals(actual)) {
      differences.add(path + ": expected " + describe(expected) + ", got " + describe(actual));
    }
  }

  private static String describe(Object v) {
    return v == null ? "null" : v.getClass().getSimpleName() + " " + v;
  }
}
