package dev.meshoperator.model;

import java.util.Map;
import java.util.Optional;

/** Placeholder until the MeshConfig field validation lands (branch feature/bounds). */
public final class MeshConfigValidation {

  private MeshConfigValidation() {}

  public static Optional<String> problem(Map<String, Object> meshConfig) {
    return Optional.empty();
  }
}
