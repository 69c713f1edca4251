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

  /**
   * The same test for the injector's MutatingWebhookConfiguration; caBundle counts only when the
   * operator sets it ({@code desired} has one).
   */
  public static boolean sameAsDesired(
      io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration actual,
      io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration
          desired) {
    Map<String, String> servedAnnotations = labels(actual.getMetadata().getAnnotations());
    if (!labels(desired.getMetadata().getAnnotations()).entrySet().stream()
        .allMatch(e -> e.getValue().equals(servedAnnotations.get(e.getKey())))) {
      return false;
    }
    Map<String, String> servedLabels = labels(actual.getMetadata().getLabels());
    if (!labels(desired.getMetadata().getLabels()).entrySet().stream()
        .allMatch(e -> e.getValue().equals(servedLabels.get(e.getKey())))) {
      return false;
    }
    var served =
        actual.getWebhooks() == null
            ? Map
                .<String, io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook>
                    of()
            : actual.getWebhooks().stream()
                .collect(
                    Collectors.toMap(
                        io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook
                            ::getName,
                        Function.identity(),
                        (a, b) -> a));
    if (served.size() != desired.getWebhooks().size()) {
      return false;
    }
    for (var w : desired.getWebhooks()) {
      var a = served.get(w.getName());
      if (a == null
          || !Objects.equals(a.getClientConfig().getService(), w.getClientConfig().getService())
          || !Objects.equals(a.getClientConfig().getUrl(), w.getClientConfig().getUrl())
          || (w.getClientConfig().getCaBundle() != null
              && !Objects.equals(
                  a.getClientConfig().getCaBundle(), w.getClientConfig().getCaBundle()))
          || !Objects.equals(a.getSideEffects(), w.getSideEffects())
          || !Objects.equals(a.getFailurePolicy(), w.getFailurePolicy())
          || !Objects.equals(a.getTimeoutSeconds(), w.getTimeoutSeconds())
          || !Objects.equals(a.getAdmissionReviewVersions(), w.getAdmissionReviewVersions())
          || !Objects.equals(selector(a.getObjectSelector()), selector(w.getObjectSelector()))
          || !Objects.equals(selector(a.getNamespaceSelector()), selector(w.getNamespaceSelector()))
          || a.getRules() == null
          || a.getRules().size() != w.getRules().size()) {
        return false;
      }
      for (int i = 0; i < w.getRules().size(); i++) {
        var ar = a.getRules().get(i);
        var dr = w.getRules().get(i);
        if (!Objects.equals(ar.getOperations(), dr.getOperations())
            || !Objects.equals(ar.getApiGroups(), dr.getApiGroups())
            || !Objects.equals(ar.getApiVersions(), dr.getApiVersions())
            || !Objects.equals(ar.getResources(), dr.getResources())) {
          return false;
        }
      }
    }
    return true;
  }

  private static Map<String, String> labels(Map<String, String> labels) {
    return labels == null ? Map.of() : labels;
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
