package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.MeshConfigRoundTripTest;
import dev.meshoperator.testing.LocalClusterExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real apiserver refuses every out-of-bounds spec value with a message naming the field, and
 * keeps a real MeshConfig exactly as written. MeshControlPlanes are cluster-scoped: created without
 * a namespace. Refusals are checked with server-side dry runs, so nothing needs cleaning up.
 */
@ExtendWith(LocalClusterExtension.class)
class MeshControlPlaneBoundsIT {

  private static final String LONG_63 = "a".repeat(63);
  private static final String LONG_64 = "a".repeat(64);

  /** One spec fragment (flow YAML inside {@code spec: {...}}) and the field the refusal names. */
  record Row(String spec, String field) {}

  private static Row row(String spec, String field) {
    return new Row(spec, field);
  }

  private static String affinity(String kind, String term) {
    return "istiod: {affinity: {"
        + kind
        + ": {preferredDuringSchedulingIgnoredDuringExecution: ["
        + term
        + "]}}}";
  }

  private static final String NODE_TERM =
      "preference: {matchExpressions: [{key: zone, operator: Exists}]}";
  private static final String POD_TERM = "podAffinityTerm: {topologyKey: kubernetes.io/hostname}";

  static List<Row> refused() {
    List<Row> rows = new ArrayList<>();
    // every int32: min-1, max+1, and the first value Java's int cannot hold
    for (String v : List.of("-1", "1001", "2147483648")) {
      rows.add(row("istiod: {replicas: " + v + "}", "spec.istiod.replicas"));
    }
    for (String f : List.of("minReplicas", "maxReplicas", "targetCPUUtilizationPercentage")) {
      for (String v : List.of("0", "1001", "2147483648")) {
        rows.add(
            row("istiod: {autoscaling: {" + f + ": " + v + "}}", "spec.istiod.autoscaling." + f));
      }
    }
    for (String v : List.of("0", "31", "2147483648")) {
      rows.add(row("injection: {timeoutSeconds: " + v + "}", "spec.injection.timeoutSeconds"));
    }
    for (String v : List.of("0", "101", "2147483648")) {
      rows.add(
          row(
              affinity("nodeAffinity", "{weight: " + v + ", " + NODE_TERM + "}"),
              "spec.istiod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight"));
      for (String kind : List.of("podAffinity", "podAntiAffinity")) {
        rows.add(
            row(
                affinity(kind, "{weight: " + v + ", " + POD_TERM + "}"),
                "spec.istiod.affinity."
                    + kind
                    + ".preferredDuringSchedulingIgnoredDuringExecution[0].weight"));
      }
    }
    for (String v : List.of("-1", "3153600001", "9223372036854775808")) {
      rows.add(
          row(
              "istiod: {tolerations: [{key: k, operator: Exists, effect: NoExecute, tolerationSeconds: "
                  + v
                  + "}]}",
              "spec.istiod.tolerations[0].tolerationSeconds"));
    }
    for (String v : List.of("-1", "1025", "2147483648")) {
      rows.add(
          row(
              "meshConfig: {defaultConfig: {concurrency: " + v + "}}",
              "spec.meshConfig.defaultConfig.concurrency"));
    }
    // ports
    for (String f : List.of("includeInboundPorts", "excludeInboundPorts", "excludeOutboundPorts")) {
      for (String v : List.of("'99999'", "'0'", "'80,65536'", "'80,,81'", "'http'")) {
        rows.add(row("proxy: {" + f + ": " + v + "}", "spec.proxy." + f));
      }
    }
    // CIDRs
    for (String f : List.of("includeIPRanges", "excludeIPRanges")) {
      for (String v :
          List.of(
              "'999.1.1.1/99'",
              "'10.0.0.0/33'",
              "'10.0.0.0/8,1.2.3/24'",
              "'::ffff:1.2.3.4/128'",
              "'not-a-cidr'")) {
        rows.add(row("proxy: {" + f + ": " + v + "}", "spec.proxy." + f));
      }
    }
    // quantities
    for (String c : List.of("istiod", "proxy")) {
      rows.add(
          row(c + ": {resources: {requests: {cpu: lots}}}", "spec." + c + ".resources.requests"));
      rows.add(
          row(c + ": {resources: {limits: {memory: -1Gi}}}", "spec." + c + ".resources.limits"));
      rows.add(row(c + ": {resources: {limits: {memory: -1}}}", "spec." + c + ".resources.limits"));
      rows.add(
          row(
              c + ": {resources: {requests: {'bad key!': 1}}}",
              "spec." + c + ".resources.requests"));
      rows.add(
          row(
              c + ": {resources: {claims: [{request: x}]}}",
              "spec." + c + ".resources.claims[0].name"));
      rows.add(
          row(
              c
                  + ": {resources: {limits: {"
                  + IntStream.range(0, 9)
                      .mapToObj(i -> "r" + i + ": 1")
                      .collect(Collectors.joining(", "))
                  + "}}}",
              "spec." + c + ".resources.limits"));
    }
    // env
    rows.add(row("istiod: {env: [{value: x}]}", "spec.istiod.env[0].name"));
    rows.add(row("istiod: {env: [{name: ''}]}", "spec.istiod.env[0].name"));
    rows.add(row("istiod: {env: [{name: 'BAD NAME', value: x}]}", "spec.istiod.env[0].name"));
    rows.add(row("istiod: {env: [{name: 'A=B', value: x}]}", "spec.istiod.env[0].name"));
    rows.add(row("istiod: {env: [{name: 1PILOT, value: x}]}", "spec.istiod.env[0].name"));
    rows.add(
        row(
            "istiod: {env: [{name: A, value: x, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]}",
            "spec.istiod.env[0]"));
    rows.add(
        row(
            "istiod: {env: [{name: A, valueFrom: {fieldRef: {fieldPath: metadata.name}, secretKeyRef: {name: s, key: k}}}]}",
            "spec.istiod.env[0].valueFrom"));
    rows.add(row("istiod: {env: [{name: A, valueFrom: {}}]}", "spec.istiod.env[0].valueFrom"));
    rows.add(
        row(
            "istiod: {env: [{name: A, valueFrom: {configMapKeyRef: {name: c}}}]}",
            "spec.istiod.env[0].valueFrom.configMapKeyRef.key"));
    rows.add(
        row(
            "istiod: {env: [{name: A, valueFrom: {secretKeyRef: {name: Not_DNS, key: k}}}]}",
            "spec.istiod.env[0].valueFrom.secretKeyRef.name"));
    // labels and annotations
    rows.add(
        row("istiod: {nodeSelector: {zone: " + LONG_64 + "}}", "spec.istiod.nodeSelector.zone"));
    rows.add(row("istiod: {nodeSelector: {zone: 'a b'}}", "spec.istiod.nodeSelector.zone"));
    rows.add(row("istiod: {nodeSelector: {zone: '-a'}}", "spec.istiod.nodeSelector.zone"));
    rows.add(row("istiod: {nodeSelector: {'-bad': x}}", "spec.istiod.nodeSelector"));
    rows.add(row("istiod: {nodeSelector: {'a/b/c': x}}", "spec.istiod.nodeSelector"));
    rows.add(row("istiod: {nodeSelector: {'" + LONG_64 + "': x}}", "spec.istiod.nodeSelector"));
    rows.add(
        row(
            "istiod: {nodeSelector: {'" + "a".repeat(254) + "/x': x}}",
            "spec.istiod.nodeSelector"));
    rows.add(
        row(
            "istiod: {nodeSelector: {"
                + IntStream.range(0, 65)
                    .mapToObj(i -> "k" + i + ": v")
                    .collect(Collectors.joining(", "))
                + "}}",
            "spec.istiod.nodeSelector"));
    rows.add(row("istiod: {podAnnotations: {'not a key': x}}", "spec.istiod.podAnnotations"));
    rows.add(row("istiod: {podAnnotations: {'example.com/': x}}", "spec.istiod.podAnnotations"));
    // names
    rows.add(
        row(
            "istiod: {priorityClassName: " + "a".repeat(254) + "}",
            "spec.istiod.priorityClassName"));
    rows.add(row("istiod: {priorityClassName: High_Priority}", "spec.istiod.priorityClassName"));
    // images and log levels
    rows.add(row("istiod: {image: 'docker.io/istio/pilot 1.30.3'}", "spec.istiod.image"));
    rows.add(row("istiod: {image: ' docker.io/istio/pilot'}", "spec.istiod.image"));
    rows.add(row("proxy: {image: 'docker.io/istio/proxyv2:1.30.3\\n'}", "spec.proxy.image"));
    rows.add(row("istiod: {image: " + "a".repeat(513) + "}", "spec.istiod.image"));
    rows.add(row("proxy: {componentLogLevel: 'misc:loud'}", "spec.proxy.componentLogLevel"));
    rows.add(row("proxy: {componentLogLevel: 'misc error'}", "spec.proxy.componentLogLevel"));
    // tolerations and affinity
    rows.add(
        row(
            "istiod: {tolerations: [{key: k, operator: Maybe}]}",
            "spec.istiod.tolerations[0].operator"));
    rows.add(
        row(
            "istiod: {tolerations: [{key: k, effect: Sometimes}]}",
            "spec.istiod.tolerations[0].effect"));
    rows.add(
        row(
            "istiod: {tolerations: [{value: " + LONG_64 + "}]}",
            "spec.istiod.tolerations[0].value"));
    rows.add(
        row(
            "istiod: {affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: Like}]}]}}}}",
            "spec.istiod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator"));
    rows.add(
        row(
            "istiod: {affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: istiod}}}]}}}",
            "spec.istiod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey"));
    rows.add(
        row(
            affinity("nodeAffinity", "{" + NODE_TERM + "}"),
            "spec.istiod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight"));
    // injection selectors
    for (String f : List.of("neverInjectSelector", "alwaysInjectSelector")) {
      rows.add(
          row(
              "injection: {"
                  + f
                  + ": [{matchExpressions: [{key: app, operator: Like, values: [a]}]}]}",
              "spec.injection." + f + "[0].matchExpressions[0].operator"));
      rows.add(
          row(
              "injection: {" + f + ": [{matchExpressions: [{key: app, operator: In}]}]}",
              "spec.injection." + f + "[0].matchExpressions[0]"));
      rows.add(
          row(
              "injection: {"
                  + f
                  + ": [{matchExpressions: [{key: app, operator: Exists, values: [a]}]}]}",
              "spec.injection." + f + "[0].matchExpressions[0]"));
      rows.add(
          row(
              "injection: {" + f + ": [{matchLabels: {app: " + LONG_64 + "}}]}",
              "spec.injection." + f + "[0].matchLabels.app"));
      rows.add(
          row(
              "injection: {" + f + ": [{matchLabels: {'bad key': x}}]}",
              "spec.injection." + f + "[0].matchLabels"));
      rows.add(
          row(
              "injection: {"
                  + f
                  + ": ["
                  + IntStream.range(0, 33).mapToObj(i -> "{}").collect(Collectors.joining(", "))
                  + "]}",
              "spec.injection." + f));
    }
    // autoscaling order
    rows.add(
        row("istiod: {autoscaling: {minReplicas: 5, maxReplicas: 2}}", "spec.istiod.autoscaling"));
    // meshConfig: the types the schema knows
    rows.add(row("meshConfig: {enableTracing: 'yes'}", "spec.meshConfig.enableTracing"));
    rows.add(row("meshConfig: {enableAutoMtls: 1}", "spec.meshConfig.enableAutoMtls"));
    rows.add(
        row(
            "meshConfig: {enablePrometheusMerge: 'false'}",
            "spec.meshConfig.enablePrometheusMerge"));
    rows.add(row("meshConfig: {accessLogFile: 42}", "spec.meshConfig.accessLogFile"));
    rows.add(row("meshConfig: {accessLogEncoding: json}", "spec.meshConfig.accessLogEncoding"));
    rows.add(
        row(
            "meshConfig: {outboundTrafficPolicy: {mode: ALLOW}}",
            "spec.meshConfig.outboundTrafficPolicy.mode"));
    rows.add(
        row(
            "meshConfig: {outboundTrafficPolicy: REGISTRY_ONLY}",
            "spec.meshConfig.outboundTrafficPolicy"));
    rows.add(
        row(
            "meshConfig: {inboundTrafficPolicy: {mode: localhost}}",
            "spec.meshConfig.inboundTrafficPolicy.mode"));
    rows.add(
        row(
            "meshConfig: {defaultConfig: {proxyMetadata: {ISTIO_META_DNS_CAPTURE: true}}}",
            "spec.meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE"));
    rows.add(
        row(
            "meshConfig: {defaultConfig: {holdApplicationUntilProxyStarts: 'yes'}}",
            "spec.meshConfig.defaultConfig.holdApplicationUntilProxyStarts"));
    rows.add(row("meshConfig: {defaultConfig: []}", "spec.meshConfig.defaultConfig"));
    rows.add(row("meshConfig: {rootNamespace: Bad_NS}", "spec.meshConfig.rootNamespace"));
    rows.add(row("meshConfig: {trustDomainAliases: a.b}", "spec.meshConfig.trustDomainAliases"));
    rows.add(
        row(
            "meshConfig: {extensionProviders: {name: otel}}",
            "spec.meshConfig.extensionProviders"));
    // gateways
    rows.addAll(gatewayRows());
    rows.add(row("meshConfig: []", "spec.meshConfig"));
    // addons
    for (String v : List.of("15days", "0d", "10000d", "1y", "'6 h'", "''")) {
      rows.add(
          row("addons: {prometheus: {retention: " + v + "}}", "spec.addons.prometheus.retention"));
    }
    for (String v : List.of("lots", "-1Gi", "'1Gi '", "'" + "9".repeat(33) + "'")) {
      rows.add(
          row(
              "addons: {prometheus: {storageSize: " + v + "}}",
              "spec.addons.prometheus.storageSize"));
    }
    for (String v : List.of("0", "10000001", "2147483648")) {
      rows.add(row("addons: {jaeger: {maxTraces: " + v + "}}", "spec.addons.jaeger.maxTraces"));
    }
    for (String a : List.of("prometheus", "grafana", "kiali", "jaeger")) {
      rows.add(
          row("addons: {" + a + ": {image: 'docker.io/x/y 1.0'}}", "spec.addons." + a + ".image"));
      rows.add(
          row(
              "addons: {" + a + ": {resources: {requests: {cpu: lots}}}}",
              "spec.addons." + a + ".resources.requests"));
      rows.add(row("addons: {" + a + ": {enabled: 'yes'}}", "spec.addons." + a + ".enabled"));
    }
    return rows;
  }

  /** spec.gateways: every field of an entry, and the list itself. */
  static List<Row> gatewayRows() {
    List<Row> rows = new ArrayList<>();
    String g0 = "spec.gateways[0]";
    rows.add(
        row(
            "gateways: ["
                + IntStream.range(0, 9)
                    .mapToObj(i -> "{name: g" + i + "}")
                    .collect(Collectors.joining(", "))
                + "]",
            "spec.gateways"));
    rows.add(row("gateways: [{name: a}, {name: a}]", "spec.gateways"));
    rows.add(row("gateways: [{type: ingress}]", g0 + ".name"));
    rows.add(row("gateways: [{name: Bad_Name}]", g0 + ".name"));
    rows.add(row("gateways: [{name: 1gw}]", g0 + ".name"));
    rows.add(row("gateways: [{name: " + LONG_64 + "}]", g0 + ".name"));
    rows.add(row("gateways: [{name: a, type: sideways}]", g0 + ".type"));
    rows.add(row("gateways: [{name: a, namespace: Bad_NS}]", g0 + ".namespace"));
    rows.add(row("gateways: [{name: a, namespace: " + LONG_64 + "}]", g0 + ".namespace"));
    for (String v : List.of("-1", "1001", "2147483648")) {
      rows.add(row("gateways: [{name: a, replicas: " + v + "}]", g0 + ".replicas"));
    }
    for (String f : List.of("minReplicas", "maxReplicas", "targetCPUUtilizationPercentage")) {
      for (String v : List.of("0", "1001", "2147483648")) {
        rows.add(
            row(
                "gateways: [{name: a, autoscaling: {" + f + ": " + v + "}}]",
                g0 + ".autoscaling." + f));
      }
    }
    rows.add(
        row(
            "gateways: [{name: a, autoscaling: {minReplicas: 5, maxReplicas: 2}}]",
            g0 + ".autoscaling"));
    // (invalid quantities of gateways are refused by the reconciler: GatewaysTest)
    rows.add(
        row(
            "gateways: [{name: a, resources: {limits: {"
                + IntStream.range(0, 9)
                    .mapToObj(i -> "r" + i + ": 1")
                    .collect(Collectors.joining(", "))
                + "}}}]",
            g0 + ".resources.limits"));
    rows.add(
        row(
            "gateways: [{name: a, nodeSelector: {zone: " + LONG_64 + "}}]",
            g0 + ".nodeSelector.zone"));
    rows.add(row("gateways: [{name: a, nodeSelector: {'-bad': x}}]", g0 + ".nodeSelector"));
    rows.add(row("gateways: [{name: a, labels: {'not a key': x}}]", g0 + ".labels"));
    rows.add(row("gateways: [{name: a, labels: {istio: 'a b'}}]", g0 + ".labels.istio"));
    rows.add(
        row(
            "gateways: [{name: a, labels: {"
                + IntStream.range(0, 17)
                    .mapToObj(i -> "k" + i + ": v")
                    .collect(Collectors.joining(", "))
                + "}}]",
            g0 + ".labels"));
    rows.add(
        row(
            "gateways: [{name: a, tolerations: [{key: k, operator: Maybe}]}]",
            g0 + ".tolerations[0].operator"));
    rows.add(
        row(
            "gateways: [{name: a, affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 101, "
                + NODE_TERM
                + "}]}}}]",
            g0
                + ".affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight"));
    rows.add(row("gateways: [{name: a, service: {type: External}}]", g0 + ".service.type"));
    rows.add(
        row(
            "gateways: [{name: a, service: {externalTrafficPolicy: Sometimes}}]",
            g0 + ".service.externalTrafficPolicy"));
    rows.add(
        row(
            "gateways: [{name: a, service: {type: ClusterIP, externalTrafficPolicy: Local}}]",
            g0 + ".service"));
    rows.add(
        row(
            "gateways: [{name: a, service: {annotations: {'bad key!': x}}}]",
            g0 + ".service.annotations"));
    String p0 = g0 + ".service.ports[0]";
    for (String v : List.of("0", "65536", "2147483648")) {
      rows.add(
          row(
              "gateways: [{name: a, service: {ports: [{name: p, port: " + v + "}]}}]",
              p0 + ".port"));
      rows.add(
          row(
              "gateways: [{name: a, service: {ports: [{name: p, port: 80, targetPort: "
                  + v
                  + "}]}}]",
              p0 + ".targetPort"));
    }
    for (String v : List.of("80", "32768")) {
      rows.add(
          row(
              "gateways: [{name: a, service: {ports: [{name: p, port: 80, nodePort: " + v + "}]}}]",
              p0 + ".nodePort"));
    }
    rows.add(row("gateways: [{name: a, service: {ports: [{port: 80}]}}]", p0 + ".name"));
    rows.add(row("gateways: [{name: a, service: {ports: [{name: p}]}}]", p0 + ".port"));
    rows.add(
        row(
            "gateways: [{name: a, service: {ports: [{name: a-very-long-name, port: 80}]}}]",
            p0 + ".name"));
    rows.add(
        row(
            "gateways: [{name: a, service: {ports: [{name: p, port: 80, protocol: HTTP}]}}]",
            p0 + ".protocol"));
    rows.add(
        row(
            "gateways: [{name: a, service: {ports: [{name: p, port: 80}, {name: p, port: 81}]}}]",
            g0 + ".service.ports"));
    rows.add(
        row(
            "gateways: [{name: a, service: {ports: [{name: p, port: 80}, {name: q, port: 80}]}}]",
            g0 + ".service.ports"));
    return rows;
  }

  /** Values at the bounds, and common real ones: all accepted. */
  static List<String> accepted() {
    return List.of(
        "istiod: {replicas: 0}",
        "istiod: {replicas: 1000, autoscaling: {enabled: false, minReplicas: 1000, maxReplicas: 1000, targetCPUUtilizationPercentage: 1000}}",
        "istiod: {autoscaling: {minReplicas: 1, maxReplicas: 1, targetCPUUtilizationPercentage: 1}}",
        "injection: {timeoutSeconds: 1}",
        "injection: {timeoutSeconds: 30}",
        "proxy: {includeInboundPorts: '*', excludeInboundPorts: '1,15020,65535', excludeOutboundPorts: ''}",
        "proxy: {includeIPRanges: '*', excludeIPRanges: '10.0.0.0/8,127.0.0.1/24,::/0,fd00::/8,192.168.0.1/32'}",
        "proxy: {includeIPRanges: ''}",
        "proxy: {componentLogLevel: 'misc:error,upstream:debug,http2:warn'}",
        "istiod: {resources: {requests: {cpu: 500m, memory: 2048Mi, ephemeral-storage: 1Gi}, limits: {cpu: 2, memory: 4G, hugepages-2Mi: 0, example.com/gpu: '1'}}}",
        "proxy: {resources: {requests: {cpu: '0.1', memory: '1e9'}, limits: {cpu: '+2'}}}",
        "istiod: {env: [{name: PILOT_TRACE_SAMPLING, value: '100'}, {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}, {name: a.b-c_D}]}",
        "istiod: {env: [{name: X, valueFrom: {secretKeyRef: {name: my-secret, key: k.e-y_1, optional: true}}}, {name: Y, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}}]}",
        "istiod: {nodeSelector: {kubernetes.io/os: linux, topology.kubernetes.io/zone: "
            + LONG_63
            + ", k: ''}}",
        "istiod: {podAnnotations: {sidecar.istio.io/inject: 'false', example.com/big: '"
            + "x".repeat(4096)
            + "'}}",
        "istiod: {priorityClassName: system-cluster-critical}",
        "istiod: {priorityClassName: " + "a".repeat(253) + "}",
        "istiod: {image: 'registry.example.com:5000/istio/pilot:1.30.3-distroless@sha256:0123456789abcdef0123456789abcdef'}",
        "istiod: {tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}, {operator: Exists}, {key: k, operator: Equal, value: v, effect: NoExecute, tolerationSeconds: 0}]}",
        affinity("nodeAffinity", "{weight: 1, " + NODE_TERM + "}"),
        affinity(
            "podAntiAffinity",
            "{weight: 100, podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: istiod}, matchExpressions: [{key: istio.io/rev, operator: In, values: [default]}]}, namespaces: [istio-system], matchLabelKeys: [pod-template-hash]}}"),
        "istiod: {affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: cores, operator: Gt, values: ['4']}], matchFields: [{key: metadata.name, operator: NotIn, values: [n1]}]}]}}}}",
        "injection: {neverInjectSelector: [{matchExpressions: [{key: openshift.io/build.name, operator: Exists}]}], alwaysInjectSelector: [{matchLabels: {inject: 'yes'}}, {}]}",
        "meshConfig: {accessLogFile: /dev/stdout, accessLogEncoding: TEXT, enableTracing: false, outboundTrafficPolicy: {mode: ALLOW_ANY}, rootNamespace: istio-system, defaultConfig: {concurrency: 0}}",
        "meshConfig: {defaultConfig: {concurrency: 1024, proxyMetadata: {}}, extensionProviders: []}",
        "meshConfig: {}",
        "addons: {prometheus: {enabled: true, retention: 15d, storageSize: 10Gi, image: 'docker.io/prom/prometheus:v3.10.0', resources: {requests: {cpu: 100m, memory: 512Mi}, limits: {memory: 2Gi}}}, grafana: {enabled: false}, kiali: {enabled: true, image: 'quay.io/kiali/kiali:v2.26'}, jaeger: {maxTraces: 10000000}}",
        "addons: {prometheus: {retention: 9999w, storageSize: '500M'}, jaeger: {maxTraces: 1, enabled: false}}",
        "addons: {}",
        "gateways: [{name: istio-ingressgateway, replicas: 1000, autoscaling: {enabled: false}, podDisruptionBudget: {enabled: false}, service: {type: NodePort, externalTrafficPolicy: Local, annotations: {service.beta.kubernetes.io/aws-load-balancer-type: nlb}, ports: [{name: status-port, port: 15021}, {name: http2, port: 80, targetPort: 8080, nodePort: 30000}, {name: https, port: 443, targetPort: 65535, nodePort: 32767, protocol: TCP}, {name: dns, port: 53, protocol: UDP}]}}, {name: istio-egressgateway, enabled: false}, {name: internal, type: egress, namespace: egress, labels: {istio: internal-egress, app: internal}, nodeSelector: {kubernetes.io/os: linux}, tolerations: [{operator: Exists}], resources: {requests: {cpu: 10m, memory: 40Mi}, limits: {cpu: 2, memory: 1Gi, ephemeral-storage: '1e9'}}}]",
        "gateways: ["
            + IntStream.range(0, 8)
                .mapToObj(
                    i -> "{name: g" + i + ", autoscaling: {minReplicas: 1, maxReplicas: 1000}}")
                .collect(Collectors.joining(", "))
            + "]",
        "gateways: []");
  }

  private static GenericKubernetesResource mcp(String name, String spec) {
    return Serialization.unmarshal(
        """
        apiVersion: meshoperator.dev/v1alpha1
        kind: MeshControlPlane
        metadata: {name: %s}
        spec: {%s}
        """
            .formatted(name, spec),
        GenericKubernetesResource.class);
  }

  @Test
  void everyOutOfBoundsValueIsRefusedNamingTheField(KubernetesClient admin) {
    List<Row> rows = refused();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      try {
        admin.resource(mcp("bounds-refused-" + i, row.spec())).dryRun().create();
        failures.add("accepted: " + row.spec());
      } catch (KubernetesClientException e) {
        String message = String.valueOf(e.getMessage());
        if (e.getCode() != 422 || !message.contains(row.field())) {
          failures.add(
              "refused with "
                  + e.getCode()
                  + " but not naming "
                  + row.field()
                  + ": "
                  + row.spec()
                  + " -> "
                  + message);
        }
      }
    }
    System.out.printf(
        "MeshControlPlaneBoundsIT: %d/%d rows refused as expected%n",
        rows.size() - failures.size(), rows.size());
    assertThat(failures).isEmpty();
  }

  @Test
  void valuesAtTheBoundsAreAccepted(KubernetesClient admin) {
    List<String> specs = accepted();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      try {
        admin.resource(mcp("bounds-accepted-" + i, specs.get(i))).dryRun().create();
      } catch (KubernetesClientException e) {
        failures.add(specs.get(i) + " -> " + e.getMessage());
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void aRealMeshConfigIsStoredExactlyAsWritten(KubernetesClient admin) throws Exception {
    Map<String, Object> meshConfig = MeshConfigRoundTripTest.fullMeshConfig();
    var resource = mcp("bounds-meshconfig", "");
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("meshConfig", meshConfig);
    resource.setAdditionalProperty("spec", spec);
    admin.resource(resource).create();
    try {
      MeshControlPlane stored =
          admin.resources(MeshControlPlane.class).withName("bounds-meshconfig").get();
      List<String> differences = new ArrayList<>();
      MeshConfigRoundTripTest.compare(
          "meshConfig", meshConfig, stored.getSpec().meshConfig, differences);
      MeshConfigRoundTripTest.compare(
          "stored meshConfig", stored.getSpec().meshConfig, meshConfig, differences);
      assertThat(differences).isEmpty();
    } finally {
      admin.resources(MeshControlPlane.class).withName("bounds-meshconfig").delete();
    }
  }
}
