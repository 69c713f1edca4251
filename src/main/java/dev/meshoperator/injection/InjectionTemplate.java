package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * One injection template: renders a partial Pod that is strategically merged onto the pod (like the
 * Go templates in Istio's injector config, but written in Java). Built-in templates are {@code
 * sidecar}, {@code gateway}, {@code grpc-simple} and {@code grpc-agent}; custom ones are registered
 * through {@link InjectionSettings.Builder#template(String, InjectionTemplate)} and selected with
 * the {@code inject.istio.io/templates} annotation.
 */
@FunctionalInterface
public interface InjectionTemplate {

  /**
   * Renders the overlay for one pod. The result is a Pod in its JSON form; a {@code null} member
   * removes the field from the pod, lists of containers, volumes, env etc. merge by name.
   */
  ObjectNode render(TemplateContext context);

  /**
   * A template that is the same for every pod, given as YAML (a partial Pod). Templates that need
   * per-pod values must be written as code.
   */
  static InjectionTemplate ofStaticYaml(String yaml) {
    ObjectNode overlay;
    try {
      JsonNode node = new YAMLMapper().readTree(yaml);
      if (!(node instanceof ObjectNode object)) {
        throw new IllegalArgumentException("a template must be a YAML object");
      }
      overlay = object;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("invalid template YAML: " + e.getOriginalMessage(), e);
    }
    return context -> overlay.deepCopy();
  }
}
