package dev.meshoperator.model.addons;

import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/** Container settings shared by the addons. */
final class Containers {

  private Containers() {}

  /**
   * No privilege escalation, no capabilities; a read-only root filesystem where the addon writes
   * only to its mounted volumes.
   */
  static SecurityContext restricted(boolean readOnlyRoot) {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withPrivileged(false)
        .withReadOnlyRootFilesystem(readOnlyRoot)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .build();
  }
}
