package dev.meshoperator.injection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/** The one Jackson mapper of the engine and small tree helpers. */
final class Json {

  /**
   * A private mapper: the engine must not depend on how an application configured its own mapper
   * (the trees it produces feed JSON patches, so their shape has to be stable). Blackbird calls the
   * fabric8 beans' accessors through generated lambdas, not core reflection, which the operator's
   * JVM runs without generated accessor classes (BlackbirdCustomizer says why); the output is the
   * same. A one-shot command (hack/kube-inject) sets {@value #NO_LAMBDAS}: it would spend more
   * generating the lambdas than they save it.
   */
  static final ObjectMapper MAPPER = mapper(!Boolean.getBoolean(Json.NO_LAMBDAS));

  // Not under mesh-operator.: Quarkus refuses unknown properties of the operator's configuration.
  static final String NO_LAMBDAS = "dev.meshoperator.json.no-lambdas";

  private static ObjectMapper mapper(boolean lambdas) {
    ObjectMapper m =
        new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    return lambdas ? m.registerModule(new BlackbirdModule()) : m;
  }

  private Json() {}

  static ObjectNode toTree(Object value) {
    if (value != null) {
      TreeGenerator tree = new TreeGenerator(MAPPER);
      try {
        MAPPER.writeValue(tree, value);
        if (tree.root() instanceof ObjectNode object) {
          return object;
        }
      } catch (IOException | RuntimeException e) {
        // A token the generator leaves to Jackson (or a failure Jackson's conversion reports).
      }
    }
    return MAPPER.valueToTree(value);
  }

  static Pod toPod(JsonNode tree) {
    try {
      return MAPPER.treeToValue(tree, Pod.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new InjectionException("cannot convert injected pod: " + e.getMessage(), e);
    }
  }

  static Pod copy(Pod pod) {
    return toPod(toTree(pod));
  }

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new InjectionException("cannot serialize " + value, e);
    }
  }

  static JsonNode read(String json) throws JsonProcessingException {
    return MAPPER.readTree(json);
  }

  /** Whether {@code node} is or holds a null anywhere. */
  static boolean containsNull(JsonNode node) {
    if (node.isNull()) {
      return true;
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        if (containsNull(child)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A deep copy without null members: nulls in a merge patch mean "absent". */
  static JsonNode withoutNulls(JsonNode node) {
    if (node instanceof ObjectNode object) {
      ObjectNode out = MAPPER.createObjectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNull()) {
          out.set(e.getKey(), withoutNulls(e.getValue()));
        }
      }
      return out;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode out = MAPPER.createArrayNode();
      for (JsonNode item : array) {
        if (!item.isNull()) {
          out.add(withoutNulls(item));
        }
      }
      return out;
    }
    return node.deepCopy();
  }
}
