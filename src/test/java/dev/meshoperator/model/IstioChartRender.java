package dev.meshoperator.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshoperator.api.v1alpha1.Profile;
import dev.meshoperator.injection.KubeInject;
import dev.meshoperator.testing.Helm;
import dev.meshoperator.testing.ProjectDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What Istio installs for a profile, rendered from that release's own charts in {@code
 * ../shared/istio-releases/<version>/charts} with {@code helm template}, as Istio's Helm install
 * does it: {@code base}, then {@code istiod} (istio-control/istio-discovery), then the gateways the
 * profile has (istio-ingress; istio-egress in demo), all in {@code istio-system}.
 *
 * <p>A profile is applied the way Istio's charts take one: the {@code profile} value, which each
 * chart's {@code zzz_profile.yaml} resolves to its {@code files/profile-<name>.yaml}. Istio ships
 * such a file only for demo (and non-installation profiles such as ambient); {@code default} and
 * {@code minimal} are the charts' own defaults, and differ only in which charts are installed
 * (minimal: no gateway). {@code empty} installs nothing. The release builder sets the image hub and
 * tag (the source charts carry a dev hub and {@code latest}); they are set here as it does.
 */
final class IstioChartRender {

  static final String NAMESPACE = "istio-system";
  static final String HUB = "docker.io/istio";

  private IstioChartRender() {}

  static Path charts(String version) {
    return ProjectDir.get().resolve("../shared/istio-releases/" + version + "/charts").normalize();
  }

  static boolean available(String version) {
    return Files.isDirectory(charts(version));
  }

  /** Istio's Helm releases for {@code profile}: release name and chart directory. */
  static List<String[]> releases(Profile profile) {
    List<String[]> out = new ArrayList<>();
    if (profile == Profile.EMPTY) {
      return out;
    }
    out.add(new String[] {"base", "base"});
    out.add(new String[] {"istiod", "istio-control/istio-discovery"});
    if (profile == Profile.DEFAULT || profile == Profile.DEMO) {
      out.add(new String[] {"istio-ingress", "gateways/istio-ingress"});
    }
    if (profile == Profile.DEMO) {
      out.add(new String[] {"istio-egress", "gateways/istio-egress"});
    }
    return out;
  }

  /** Every object the profile's charts render, nulls and empty strings dropped. */
  static List<JsonNode> render(String version, Profile profile) {
    List<JsonNode> out = new ArrayList<>();
    for (String[] release : releases(profile)) {
      List<String> args = new ArrayList<>();
      args.add(release[0]);
      args.add(charts(version).resolve(release[1]).toString());
      args.addAll(List.of("--namespace", NAMESPACE, "--kube-version", "1.35.0"));
      args.addAll(List.of("--set", "global.hub=" + HUB, "--set", "global.tag=" + version));
      if (profile == Profile.DEMO) {
        args.addAll(List.of("--set", "profile=demo"));
      }
      String yaml = Helm.template(args.toArray(String[]::new));
      for (JsonNode doc : KubeInject.parseDocuments(yaml)) {
        if (doc != null && doc.isObject() && doc.has("kind")) {
          out.add(GatewayChartComparisonTest.withoutNulls(doc));
        }
      }
    }
    return out;
  }
}
