package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Istio's installation profiles; a profile only supplies defaults that the spec overrides. */
public enum Profile {
  /** istiod and an ingress gateway. */
  @JsonProperty("default")
  DEFAULT,
  /** default plus an egress gateway, access logs, full trace sampling, small requests, addons. */
  @JsonProperty("demo")
  DEMO,
  /** istiod only. */
  @JsonProperty("minimal")
  MINIMAL,
  /** nothing until components are enabled explicitly. */
  @JsonProperty("empty")
  EMPTY;

  public String value() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
