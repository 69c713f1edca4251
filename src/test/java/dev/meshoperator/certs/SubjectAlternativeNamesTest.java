package dev.meshoperator.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectAlternativeNamesTest {

  @Test
  void serviceNamesCoverEveryWayAPodAddressesTheService() {
    SubjectAlternativeNames sans =
        SubjectAlternativeNames.forService("webhook", "mesh").withLoopback();

    assertThat(sans.dnsNames())
        .containsExactly(
            "webhook",
            "webhook.mesh",
            "webhook.mesh.svc",
            "webhook.mesh.svc.cluster.local",
            "localhost");
    assertThat(sans.ipAddresses()).containsExactly("127.0.0.1");
    assertThat(sans.primaryName()).isEqualTo("webhook");
    assertThat(SubjectAlternativeNames.forService("a", "b", "corp.example").dnsNames())
        .contains("a.b.svc.corp.example");
  }

  @Test
  void equalityIgnoresOrderCaseAndDuplicates() {
    SubjectAlternativeNames a =
        SubjectAlternativeNames.of(List.of("A.example", "b"), List.of("::1"));
    SubjectAlternativeNames b =
        SubjectAlternativeNames.of(List.of("b", "a.example", "B"), List.of("0:0:0:0:0:0:0:1"));

    assertThat(a).isEqualTo(b);
    assertThat(a.ipAddresses()).containsExactly("0:0:0:0:0:0:0:1");
    assertThat(a).isNotEqualTo(a.plus(List.of("c"), List.of(), List.of()));
  }

  @Test
  void ipSansMustBeLiteralsSoNoDnsLookupHappens() {
    assertThatThrownBy(() -> SubjectAlternativeNames.of(List.of(), List.of("localhost")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SubjectAlternativeNames.of(List.of("bad name"), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void longPrimaryNamesAreCutForTheCommonNameOnly() {
    String longName = "a".repeat(60) + ".mesh-system.svc";
    SubjectAlternativeNames sans = SubjectAlternativeNames.of(List.of(longName), List.of());

    ServingSpec spec = ServingSpec.of(sans, java.time.Duration.ofDays(1));

    assertThat(spec.commonName()).hasSize(64);
    assertThat(spec.subjectAlternativeNames().dnsNames()).containsExactly(longName);
  }
}
