package dev.meshoperator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnnotationValidatorTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "traffic.sidecar.istio.io/excludeInboundPorts|*",
        "traffic.sidecar.istio.io/excludeInboundPorts|80,http",
        "traffic.sidecar.istio.io/includeInboundPorts|bad",
        "traffic.sidecar.istio.io/excludeOutboundPorts|70000",
        "traffic.sidecar.istio.io/includeOutboundIPRanges|bad",
        "traffic.sidecar.istio.io/includeOutboundIPRanges|10.0.0.1",
        "traffic.sidecar.istio.io/excludeOutboundIPRanges|*",
        "traffic.sidecar.istio.io/excludeOutboundIPRanges|10.0.0.0/33",
        "traffic.sidecar.istio.io/excludeInterfaces|eth0,,eth1",
        "traffic.sidecar.istio.io/kubevirtInterfaces|0bad",
        "istio.io/reroute-virtual-interfaces|averyveryverylongname",
        "sidecar.istio.io/interceptionMode|IPTABLES",
        "status.sidecar.istio.io/port|65536",
        "readiness.status.sidecar.istio.io/periodSeconds|-1",
        "readiness.status.sidecar.istio.io/failureThreshold|x",
        "prometheus.istio.io/merge-metrics|maybe",
        "sidecar.istio.io/proxyCPU|lots",
        "sidecar.istio.io/proxyMemoryLimit|1Gb",
        "proxy.istio.io/config|concurrency: -1",
        "proxy.istio.io/config|drainDuration: forever",
        "proxy.istio.io/config|[not, an, object]",
      })
  void invalidValuesAreRefusedNamingTheAnnotation(String annotation, String value) {
    Optional<String> problem = AnnotationValidator.validate(Map.of(annotation, value));
    assertThat(problem).isPresent();
    assertThat(problem.get()).contains("'" + annotation + "'").contains("'" + value + "'");
    InjectionResult result = Injector.inject(pod(annotation, value), InjectionSettings.defaults());
    assertThat(result).isInstanceOf(InjectionResult.Denied.class);
    assertThat(((InjectionResult.Denied) result).message()).contains(annotation);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "traffic.sidecar.istio.io/excludeInboundPorts|''",
        "traffic.sidecar.istio.io/excludeInboundPorts|' 80 , 443 '",
        "traffic.sidecar.istio.io/includeInboundPorts|*",
        "traffic.sidecar.istio.io/includeOutboundIPRanges|*",
        "traffic.sidecar.istio.io/includeOutboundIPRanges|10.0.0.0/8,fd00::/8",
        "traffic.sidecar.istio.io/excludeOutboundIPRanges|''",
        "traffic.sidecar.istio.io/excludeInterfaces|eth0,net1.2",
        "sidecar.istio.io/interceptionMode|TPROXY",
        "sidecar.istio.io/interceptionMode|NONE",
        "status.sidecar.istio.io/port|0",
        "readiness.status.sidecar.istio.io/initialDelaySeconds|10",
        "prometheus.istio.io/merge-metrics|False",
        "sidecar.istio.io/proxyCPU|250m",
        "sidecar.istio.io/proxyMemory|1.5Gi",
        "proxy.istio.io/config|'{\"holdApplicationUntilProxyStarts\": true}'",
        "proxy.istio.io/config|'terminationDrainDuration: 1m30s'",
        "sidecar.istio.io/unknown|anything",
      })
  void validValuesPass(String annotation, String value) {
    assertThat(AnnotationValidator.validate(Map.of(annotation, value))).isEmpty();
    assertThat(Injector.inject(pod(annotation, value), InjectionSettings.defaults()).injected())
        .isTrue();
  }

  static Pod pod(String annotation, String value) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .addToAnnotations(annotation, value)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("app")
        .endContainer()
        .endSpec()
        .build();
  }
}
