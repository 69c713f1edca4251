package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MeshConfigValidationTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static Map<String, Object> yaml(String yaml) {
    try {
      return YAML.readValue(yaml, new TypeReference<>() {});
    } catch (Exception e) {
      throw new IllegalArgumentException(yaml, e);
    }
  }

  @Test
  void aRealMeshConfigHasNoProblem() throws Exception {
    assertThat(MeshConfigValidation.problem(MeshConfigRoundTripTest.fullMeshConfig())).isEmpty();
  }

  @Test
  void nothingAndEmptyAndNullsHaveNoProblem() {
    assertThat(MeshConfigValidation.problem(null)).isEmpty();
    assertThat(MeshConfigValidation.problem(Map.of())).isEmpty();
    assertThat(MeshConfigValidation.problem(yaml("{enableTracing: null, defaultConfig: ~}")))
        .isEmpty();
  }

  @Test
  void unknownFieldsPassThroughWhateverTheirType() {
    assertThat(
            MeshConfigValidation.problem(
                yaml(
                    "{futureFlag: 'yes', futureObject: {a: [1, {b: c}]}, defaultConfig:"
                        + " {futureProxyField: 3}, outboundTrafficPolicy: {egressProxy: {}}}")))
        .isEmpty();
  }

  @Test
  void protoJsonSpellingsThatIstioAcceptsPass() {
    assertThat(
            MeshConfigValidation.problem(
                yaml(
                    "{defaultConfig: {concurrency: '4', statusPort: 15020.0,"
                        + " tracing: {sampling: '1.5'}}, connectTimeout: 1.000340012s,"
                        + " proxyListenPort: 15001}")))
        .isEmpty();
  }

  static Stream<Arguments> badMeshConfigs() {
    return Stream.of(
        Arguments.of(
            "enableTracing: 'yes'",
            "spec.meshConfig.enableTracing must be a boolean, not the string \"yes\""),
        Arguments.of(
            "enableAutoMtls: 1",
            "spec.meshConfig.enableAutoMtls must be a boolean, not the number 1"),
        Arguments.of(
            "enablePrometheusMerge: 'false'",
            "spec.meshConfig.enablePrometheusMerge must be a boolean"),
        Arguments.of("accessLogFile: 42", "spec.meshConfig.accessLogFile must be a string"),
        Arguments.of(
            "accessLogFile: [a]", "spec.meshConfig.accessLogFile must be a string, not a list"),
        Arguments.of(
            "accessLogEncoding: json",
            "spec.meshConfig.accessLogEncoding must be one of TEXT, JSON, not the string \"json\""),
        Arguments.of(
            "accessLogFormat: {a: b}",
            "spec.meshConfig.accessLogFormat must be a string, not an object"),
        Arguments.of(
            "outboundTrafficPolicy: {mode: ALLOW}",
            "spec.meshConfig.outboundTrafficPolicy.mode must be one of REGISTRY_ONLY, ALLOW_ANY"),
        Arguments.of(
            "outboundTrafficPolicy: REGISTRY_ONLY",
            "spec.meshConfig.outboundTrafficPolicy must be an object, not the string"),
        Arguments.of(
            "inboundTrafficPolicy: {mode: localhost}",
            "spec.meshConfig.inboundTrafficPolicy.mode must be one of PASSTHROUGH, LOCALHOST"),
        Arguments.of(
            "defaultConfig: []", "spec.meshConfig.defaultConfig must be an object, not a list"),
        Arguments.of(
            "defaultConfig: {proxyMetadata: {ISTIO_META_DNS_CAPTURE: true}}",
            "spec.meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE must be a string,"
                + " not the boolean true"),
        Arguments.of(
            "defaultConfig: {proxyMetadata: {'a.b/c': 1}}",
            "spec.meshConfig.defaultConfig.proxyMetadata[\"a.b/c\"] must be a string"),
        Arguments.of(
            "defaultConfig: {proxyMetadata: [A]}",
            "spec.meshConfig.defaultConfig.proxyMetadata must be an object"),
        Arguments.of(
            "defaultConfig: {concurrency: two}",
            "spec.meshConfig.defaultConfig.concurrency must be an integer from 0 to 2147483647"),
        Arguments.of(
            "defaultConfig: {concurrency: 2147483648}",
            "spec.meshConfig.defaultConfig.concurrency must be an integer from 0 to 2147483647,"
                + " not 2147483648"),
        Arguments.of(
            "defaultConfig: {concurrency: 1.5}",
            "spec.meshConfig.defaultConfig.concurrency must be an integer"),
        Arguments.of(
            "defaultConfig: {holdApplicationUntilProxyStarts: 'true'}",
            "spec.meshConfig.defaultConfig.holdApplicationUntilProxyStarts must be a boolean"),
        Arguments.of(
            "defaultConfig: {discoveryAddress: 15012}",
            "spec.meshConfig.defaultConfig.discoveryAddress must be a string"),
        Arguments.of(
            "defaultConfig: {tracing: {sampling: lots}}",
            "spec.meshConfig.defaultConfig.tracing.sampling must be a number"),
        Arguments.of(
            "defaultConfig: {tracing: []}",
            "spec.meshConfig.defaultConfig.tracing must be an object"),
        Arguments.of(
            "defaultConfig: {drainDuration: 1m}",
            "spec.meshConfig.defaultConfig.drainDuration must be a duration in seconds"),
        Arguments.of(
            "defaultConfig: {statusPort: 99999}",
            "spec.meshConfig.defaultConfig.statusPort must be an integer from 0 to 65535"),
        Arguments.of(
            "defaultConfig: {interceptionMode: redirect}",
            "spec.meshConfig.defaultConfig.interceptionMode must be one of REDIRECT, TPROXY, NONE"),
        Arguments.of(
            "extensionProviders: {name: otel}",
            "spec.meshConfig.extensionProviders must be a list, not an object"),
        Arguments.of(
            "extensionProviders: [otel]",
            "spec.meshConfig.extensionProviders[0] must be an object, not the string \"otel\""),
        Arguments.of(
            "extensionProviders: [{name: a, envoyOtelAls: {}}, {opentelemetry: {port: 4317}}]",
            "spec.meshConfig.extensionProviders[1].name is required: a non-empty string, not missing"),
        Arguments.of(
            "extensionProviders: [{name: 7}]",
            "spec.meshConfig.extensionProviders[0].name must be a string"),
        Arguments.of("trustDomain: [a]", "spec.meshConfig.trustDomain must be a string"),
        Arguments.of(
            "trustDomainAliases: a.b", "spec.meshConfig.trustDomainAliases must be a list"),
        Arguments.of(
            "trustDomainAliases: [a, 3]",
            "spec.meshConfig.trustDomainAliases[1] must be a string, not the number 3"),
        Arguments.of("rootNamespace: true", "spec.meshConfig.rootNamespace must be a string"),
        Arguments.of("ingressClass: 1", "spec.meshConfig.ingressClass must be a string"),
        Arguments.of("ingressService: {}", "spec.meshConfig.ingressService must be a string"),
        Arguments.of(
            "ingressControllerMode: strict",
            "spec.meshConfig.ingressControllerMode must be one of UNSPECIFIED, OFF, DEFAULT, STRICT"),
        Arguments.of(
            "defaultProviders: {tracing: otel}",
            "spec.meshConfig.defaultProviders.tracing must be a list"),
        Arguments.of(
            "localityLbSetting: {enabled: 'yes'}",
            "spec.meshConfig.localityLbSetting.enabled must be a boolean"),
        Arguments.of(
            "connectTimeout: 10", "spec.meshConfig.connectTimeout must be a duration in seconds"),
        Arguments.of(
            "connectTimeout: 10ms", "spec.meshConfig.connectTimeout must be a duration in seconds"),
        Arguments.of(
            "protocolDetectionTimeout: 1m",
            "spec.meshConfig.protocolDetectionTimeout must be a duration in seconds such as 10s"),
        Arguments.of(
            "dnsRefreshRate: fast", "spec.meshConfig.dnsRefreshRate must be a duration in seconds"),
        Arguments.of(
            "meshMTLS: {minProtocolVersion: TLSv1_3}",
            "spec.meshConfig.meshMTLS.minProtocolVersion must be one of TLS_AUTO, TLSV1_2, TLSV1_3"),
        Arguments.of("tlsDefaults: TLSV1_3", "spec.meshConfig.tlsDefaults must be an object"),
        Arguments.of(
            "proxyListenPort: -1",
            "spec.meshConfig.proxyListenPort must be an integer from 0 to 65535, not -1"),
        Arguments.of(
            "tcpKeepalive: {probes: -1}",
            "spec.meshConfig.tcpKeepalive.probes must be an integer from 0 to 4294967295"),
        Arguments.of("h2UpgradePolicy: upgrade", "spec.meshConfig.h2UpgradePolicy must be one of"),
        Arguments.of(
            "discoverySelectors: [{matchLabels: {a: b}}, x]",
            "spec.meshConfig.discoverySelectors[1] must be an object"),
        Arguments.of(
            "defaultHttpRetryPolicy: {attempts: three}",
            "spec.meshConfig.defaultHttpRetryPolicy.attempts must be an integer"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badMeshConfigs")
  void wrongTypesOfKnownFieldsAreNamed(String yaml, String expected) {
    assertThat(MeshConfigValidation.problem(yaml("{" + yaml + "}")))
        .hasValueSatisfying(
            m -> assertThat(m).startsWith(expected).hasSizeLessThan(300).doesNotContain("\n"));
  }

  @Test
  void messagesStayShortWhateverTheInput() {
    String huge = "x".repeat(100_000);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put(huge + "\nkey", List.of(huge));
    var problem =
        MeshConfigValidation.problem(
            Map.of("defaultConfig", Map.of("proxyMetadata", metadata), "accessLogFile", 1));
    assertThat(problem).hasValueSatisfying(m -> assertThat(m).hasSizeLessThan(300));
    assertThat(MeshConfigValidation.problem(Map.of("enableTracing", huge)))
        .hasValueSatisfying(
            m -> assertThat(m).hasSizeLessThan(300).startsWith("spec.meshConfig.enableTracing"));
  }

  @Test
  void theFirstProblemInFieldOrderIsReported() {
    assertThat(
            MeshConfigValidation.problem(
                yaml("{trustDomain: 1, enableTracing: 2, accessLogFile: 3}")))
        .hasValueSatisfying(m -> assertThat(m).startsWith("spec.meshConfig.enableTracing"));
  }
}
