package dev.meshoperator.model.addons;

import static dev.meshoperator.model.addons.AddonObjects.map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshoperator.model.ControlPlane;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This project's own Grafana dashboards, as JSON built from data: a mesh overview, a workload
 * dashboard and the control plane. Small on purpose (a handful of panels each, Istio's standard
 * metrics), so they stay readable and well under a ConfigMap's size limit.
 */
public final class GrafanaDashboards {

  /** The Prometheus datasource's uid, which every panel names. */
  public static final String PROMETHEUS_UID = "prometheus";

  public static final String MESH = "istio-mesh-overview.json";
  public static final String WORKLOAD = "istio-workload.json";
  public static final String CONTROL_PLANE = "istio-control-plane.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private GrafanaDashboards() {}

  /** File name → dashboard JSON. */
  public static Map<String, String> all(ControlPlane cp) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(MESH, json(mesh()));
    out.put(WORKLOAD, json(workload()));
    out.put(CONTROL_PLANE, json(controlPlane()));
    return out;
  }

  private static Map<String, Object> mesh() {
    String all = "istio_requests_total{reporter=\"source\"}";
    return dashboard(
        "istio-mesh-overview",
        "Istio Mesh Overview",
        List.of(),
        List.of(
            stat("Request rate", "round(sum(rate(" + all + "[1m])), 0.01)", "reqps", 0, 0),
            stat(
                "Success rate (non-5xx)",
                "sum(rate(istio_requests_total{reporter=\"source\",response_code!~\"5..\"}[1m]))"
                    + " / sum(rate("
                    + all
                    + "[1m]))",
                "percentunit",
                6,
                0),
            stat(
                "4xx rate",
                "sum(rate(istio_requests_total{reporter=\"source\",response_code=~\"4..\"}[1m]))"
                    + " or vector(0)",
                "reqps",
                12,
                0),
            stat(
                "5xx rate",
                "sum(rate(istio_requests_total{reporter=\"source\",response_code=~\"5..\"}[1m]))"
                    + " or vector(0)",
                "reqps",
                18,
                0),
            series(
                "Requests by destination service",
                "sum by (destination_service) (rate(" + all + "[1m]))",
                "{{destination_service}}",
                "reqps",
                0,
                4),
            series(
                "P99 latency by destination service",
                "histogram_quantile(0.99, sum by (le, destination_service)"
                    + " (rate(istio_request_duration_milliseconds_bucket{reporter=\"source\"}[1m])))",
                "{{destination_service}}",
                "ms",
                12,
                4)));
  }

  private static Map<String, Object> workload() {
    String sel =
        "reporter=\"destination\",destination_workload_namespace=~\"$namespace\","
            + "destination_workload=~\"$workload\"";
    return dashboard(
        "istio-workload",
        "Istio Workload",
        List.of(
            variable(
                "namespace",
                "label_values(istio_requests_total{reporter=\"destination\"},"
                    + " destination_workload_namespace)"),
            variable(
                "workload",
                "label_values(istio_requests_total{reporter=\"destination\","
                    + "destination_workload_namespace=~\"$namespace\"}, destination_workload)")),
        List.of(
            series(
                "Incoming requests by source workload",
                "sum by (source_workload) (rate(istio_requests_total{" + sel + "}[1m]))",
                "{{source_workload}}",
                "reqps",
                0,
                0),
            series(
                "Incoming success rate (non-5xx)",
                "sum(rate(istio_requests_total{"
                    + sel
                    + ",response_code!~\"5..\"}[1m])) / sum(rate(istio_requests_total{"
                    + sel
                    + "}[1m]))",
                "success",
                "percentunit",
                12,
                0),
            series(
                "Request duration (P50, P90, P99)",
                List.of(quantile("0.50", sel), quantile("0.90", sel), quantile("0.99", sel)),
                List.of("P50", "P90", "P99"),
                "ms",
                0,
                8),
            series(
                "TCP bytes received",
                "sum by (source_workload) (rate(istio_tcp_received_bytes_total{" + sel + "}[1m]))",
                "{{source_workload}}",
                "Bps",
                12,
                8)));
  }

  private static Map<String, Object> controlPlane() {
    String job = "job=\"istiod\"";
    return dashboard(
        "istio-control-plane",
        "Istio Control Plane",
        List.of(),
        List.of(
            series(
                "Connected proxies",
                "sum by (pod) (pilot_xds{" + job + "})",
                "{{pod}}",
                "short",
                0,
                0),
            series(
                "xDS pushes by type",
                "sum by (type) (rate(pilot_xds_pushes{" + job + "}[1m]))",
                "{{type}}",
                "ops",
                12,
                0),
            series(
                "Proxy convergence time (P99)",
                "histogram_quantile(0.99, sum by (le)"
                    + " (rate(pilot_proxy_convergence_time_bucket{"
                    + job
                    + "}[1m])))",
                "P99",
                "s",
                0,
                8),
            series(
                "Rejected configuration",
                "sum by (type) (pilot_total_xds_rejects{" + job + "}) or vector(0)",
                "{{type}}",
                "short",
                12,
                8),
            series(
                "istiod memory",
                "process_resident_memory_bytes{" + job + "}",
                "{{pod}}",
                "bytes",
                0,
                16),
            series(
                "istiod CPU",
                "rate(process_cpu_seconds_total{" + job + "}[1m])",
                "{{pod}}",
                "short",
                12,
                16)));
  }

  private static String quantile(String q, String sel) {
    return "histogram_quantile("
        + q
        + ", sum by (le) (rate(istio_request_duration_milliseconds_bucket{"
        + sel
        + "}[1m])))";
  }

  private static Map<String, Object> dashboard(
      String uid, String title, List<Object> variables, List<Map<String, Object>> panels) {
    List<Object> numbered = new ArrayList<>();
    for (int i = 0; i < panels.size(); i++) {
      Map<String, Object> p = new LinkedHashMap<>(panels.get(i));
      p.put("id", i + 1);
      numbered.add(p);
    }
    return map(
        "uid",
        uid,
        "title",
        title,
        "tags",
        List.of("istio", "meshoperator"),
        "editable",
        false,
        "schemaVersion",
        39,
        "refresh",
        "30s",
        "time",
        map("from", "now-30m", "to", "now"),
        "templating",
        map("list", variables),
        "panels",
        numbered);
  }

  private static Map<String, Object> variable(String name, String query) {
    return map(
        "name",
        name,
        "type",
        "query",
        "datasource",
        datasource(),
        "query",
        query,
        "refresh",
        2,
        "includeAll",
        true,
        "allValue",
        ".*",
        "current",
        map());
  }

  private static Map<String, Object> stat(String title, String expr, String unit, int x, int y) {
    return panel("stat", title, List.of(target(expr, "", "A")), unit, x, y, 6, 4);
  }

  private static Map<String, Object> series(
      String title, String expr, String legend, String unit, int x, int y) {
    return series(title, List.of(expr), List.of(legend), unit, x, y);
  }

  private static Map<String, Object> series(
      String title, List<String> exprs, List<String> legends, String unit, int x, int y) {
    List<Object> targets = new ArrayList<>();
    for (int i = 0; i < exprs.size(); i++) {
      targets.add(target(exprs.get(i), legends.get(i), String.valueOf((char) ('A' + i))));
    }
    return panel("timeseries", title, targets, unit, x, y, 12, 8);
  }

  private static Map<String, Object> panel(
      String type, String title, List<Object> targets, String unit, int x, int y, int w, int h) {
    return map(
        "type",
        type,
        "title",
        title,
        "datasource",
        datasource(),
        "gridPos",
        map("x", x, "y", y, "w", w, "h", h),
        "fieldConfig",
        map("defaults", map("unit", unit), "overrides", List.of()),
        "targets",
        targets);
  }

  private static Map<String, Object> target(String expr, String legend, String refId) {
    return map("datasource", datasource(), "expr", expr, "legendFormat", legend, "refId", refId);
  }

  private static Map<String, Object> datasource() {
    return map("type", "prometheus", "uid", PROMETHEUS_UID);
  }

  private static String json(Object dashboard) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(dashboard);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("dashboard cannot be rendered", e);
    }
  }
}
