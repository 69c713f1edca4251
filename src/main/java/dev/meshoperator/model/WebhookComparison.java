package dev.meshoperator.model;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Decides whether a served webhook configuration still carries what the operator wants. The
 * apiserver defaults several fields (matchPolicy, namespaceSelector, timeoutSeconds, rule scope)
 * and istiod rewrites caBundle and failurePolicy; only the fields the operator sets are compared,
 * so neither causes a re-apply, while an edit of those fields is still corrected.
 */
public final class WebhookComparison {

  private WebhookComparison() {}

  public static boolean sameAsDesired(
      ValidatingWebhookConfiguration actual, ValidatingWebhookConfiguration desired) {
    Map<String, String> servedLabels = labels(actual);
    if (!labels(desired).entrySet().stream()
        .allMatch(e -> e.getValue().equals(servedLabels.get(e.getKey())))) {
      return false;
    }
    Map<String, ValidatingWebhook> served =
        actual.getWebhooks() == null
            ? Map.of()
            : actual.getWebhooks().stream()
                .collect(
                    Collectors.toMap(ValidatingWebhook::getName, Function.identity(), (a, b) -> a));
    List<ValidatingWebhook> wanted = desired.getWebhooks();
    if (served.size() != wanted.size()) {
      return false;
    }
    for (ValidatingWebhook w : wanted) {
      ValidatingWebhook a = served.get(w.getName());
      if (a == null
          || !Objects.equals(a.getClientConfig().getService(), w.getClientConfig().getService())
          || !Objects.equals(a.getClientConfig().getUrl(), w.getClientConfig().getUrl())
          || !Objects.equals(a.getSideEffects(), w.getSideEffects())
          || !Objects.equals(a.getAdmissionReviewVersions(), w.getAdmissionReviewVersions())
          || !Objects.equals(selector(a.getObjectSelector()), selector(w.getObjectSelector()))
          || !sameRules(a, w)) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameRules(ValidatingWebhook actual, ValidatingWebhook desired) {
    if (actual.getRules() == null || actual.getRules().size() != desired.getRules().size()) {
      return false;
    }
    for (int i = 0; i < desired.getRules().size(); i++) {
      var a = actual.getRules().get(i);
      var d = desired.getRules().get(i);
      if (!Objects.equals(a.getOperations(), d.getOperations())
          || !Objects.equals(a.getApiGroups(), d.getApiGroups())
          || !Objects.equals(a.getApiVersions(), d.getApiVersions())
          || !Objects.equals(a.getResources(), d.getResources())) {
        return false;
      }
    }
    return true;
  }

  /** A selector in a canonical form: absent and empty lists and maps are the same. */
  static List<Object> selector(LabelSelector s) {
    if (s == null) {
      return List.of();
    }
    List<Object> canonical = new java.util.ArrayList<>();
    canonical.add(
        s.getMatchLabels() == null ? Map.of() : new java.util.TreeMap<>(s.getMatchLabels()));
    if (s.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : s.getMatchExpressions()) {
        canonical.add(
            List.of(
                r.getKey(), r.getOperator(), r.getValues() == null ? List.of() : r.getValues()));
      }
    }
    return canonical;
  }

  /** The desired labels as present on the served object (others may add labels of their own). */
  private static Map<String, String> labels(ValidatingWebhookConfiguration c) {
    return c.getMetadata().getLabels() == null ? Map.of() : c.getMetadata().getLabels();
  }
}
