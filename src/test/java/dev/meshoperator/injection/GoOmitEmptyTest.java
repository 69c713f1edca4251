package dev.meshoperator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** kube-inject prints user zero values as istioctl (Go types) does. */
class GoOmitEmptyTest {

  static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: app}
      spec:
        replicas: 0
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            hostNetwork: false
            automountServiceAccountToken: false
            containers:
            - name: web
              image: web:1
              tty: false
              ports: [{containerPort: 8080, hostPort: 0}]
              readinessProbe:
                httpGet: {path: /ready, port: 8080}
                initialDelaySeconds: 0
                periodSeconds: 5
              volumeMounts:
              - {name: config, mountPath: /etc/config, readOnly: false, subPath: ""}
            volumes:
            - name: config
              configMap: {name: web, optional: false, defaultMode: 0}
      """;

  static JsonNode config(JsonNode spec) {
    for (JsonNode v : spec.path("volumes")) {
      if (v.path("name").asText().equals("config")) {
        return v.path("configMap");
      }
    }
    throw new AssertionError("no config volume");
  }

  @Test
  void omitemptyZeroesAreDroppedPointerZeroesKept() {
    JsonNode doc =
        KubeInject.parseDocuments(KubeInject.injectYaml(DEPLOYMENT, InjectionSettings.defaults()))
            .get(0);
    JsonNode spec = doc.path("spec").path("template").path("spec");
    JsonNode web = spec.path("containers").get(0);
    // omitempty, non-pointer: Go does not print them.
    assertThat(spec.has("hostNetwork")).isFalse();
    assertThat(web.has("tty")).isFalse();
    assertThat(web.path("ports").get(0).has("hostPort")).isFalse();
    assertThat(web.path("volumeMounts").get(0).has("readOnly")).isFalse();
    assertThat(web.path("volumeMounts").get(0).has("subPath")).isFalse();
    // Pointers and fields without omitempty keep their zero values, in Go as here.
    assertThat(spec.path("automountServiceAccountToken").isBoolean()).isTrue();
    assertThat(config(spec).path("optional").isBoolean()).isTrue();
    assertThat(config(spec).path("defaultMode").asInt(-1)).isZero();
    assertThat(web.path("ports").get(0).path("containerPort").asInt()).isEqualTo(8080);
    assertThat(doc.path("spec").path("replicas").isNumber()).isTrue();
    // The probe's zero delay is gone; its other values stay (rewritten by the injector).
    assertThat(web.path("readinessProbe").has("initialDelaySeconds")).isFalse();
    assertThat(web.path("readinessProbe").path("periodSeconds").asInt()).isEqualTo(5);
  }
}
