package dev.meshoperator.injection;

/**
 * Whether a pod gets injected, and why (for "why was my pod not injected?").
 *
 * @param inject true when the pod is to be injected
 * @param revision the control plane revision selected for the pod, or empty when none is
 * @param reason human-readable reason for the decision
 */
public record InjectionDecision(boolean inject, String revision, String reason) {

  static InjectionDecision yes(String revision, String reason) {
    return new InjectionDecision(true, revision, reason);
  }

  static InjectionDecision no(String revision, String reason) {
    return new InjectionDecision(false, revision, reason);
  }
}
