package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The form a pod's JSON tree takes when read into a fabric8 {@link Pod} and written back ({@code
 * Json.toTree(Json.toPod(tree))}), computed on the tree: the webhook's output must be exactly what
 * that round trip gives (field order, omitted nulls and empty lists, number node types), and the
 * round trip, Jackson binding beans by reflection, costs more than the whole injection.
 *
 * <p>The shapes ({@link PodShapes}) come from Jackson's own serializers for the fabric8 classes
 * (property order, defaults of a new instance), computed once per class. Anything this class does
 * not model exactly (unknown fields, which fabric8 keeps in its additional properties; nulls; empty
 * lists and maps; values of another JSON type than the property's; Quantity) is handed to the real
 * round trip for the object holding it, so the result is the round trip's in every case.
 */
final class PodForm {

  private static final JsonNodeFactory NODES = Json.MAPPER.getNodeFactory();

  /** Thrown inside the walk when a node is not modelled: caught by the object that holds it. */
  private static final class Unmodelled extends RuntimeException {
    Unmodelled() {
      super(null, null, false, false);
    }
  }

  private static final Unmodelled UNMODELLED = new Unmodelled();

  /**
   * How often each class took the round trip: tests check that the common objects of real pods do
   * not (else this class would be correct but no faster).
   */
  static final Map<Class<?>, java.util.concurrent.atomic.LongAdder> ROUND_TRIPS =
      new ConcurrentHashMap<>();

  private PodForm() {}

  /** {@code Json.toTree(Json.toPod(pod))}, without binding the pod. */
  static ObjectNode of(ObjectNode pod) {
    return of(pod, false);
  }

  /**
   * As {@link #of}, but the result shares the subtrees of {@code pod} already in fabric8's form
   * (most of a pod the engine built), so that only what differs is allocated: for trees the caller
   * owns and modifies neither while the other is used.
   */
  static ObjectNode ofOwned(ObjectNode pod) {
    return of(pod, true);
  }

  private static ObjectNode of(ObjectNode pod, boolean reuse) {
    try {
      return object(pod, Pod.class, reuse);
    } catch (InjectionException e) {
      // A part fabric8 cannot read: the whole pod's conversion gives the error it always gave.
      return Json.toTree(Json.toPod(pod));
    }
  }

  private static ObjectNode object(ObjectNode node, Class<?> type, boolean reuse) {
    PodShapes.Shape shape = PodShapes.shape(type);
    if (shape != null) {
      try {
        return formed(node, shape, reuse);
      } catch (Unmodelled e) {
        // Falls through to the round trip of this object.
      }
    }
    return roundTrip(node, type);
  }

  private static ObjectNode roundTrip(ObjectNode node, Class<?> type) {
    ROUND_TRIPS.computeIfAbsent(type, t -> new java.util.concurrent.atomic.LongAdder()).increment();
    try {
      return Json.toTree(Json.MAPPER.treeToValue(node, type));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new InjectionException("cannot convert injected pod: " + e.getMessage(), e);
    }
  }

  private static ObjectNode formed(ObjectNode node, PodShapes.Shape shape, boolean reuse) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      if (!shape.properties().containsKey(names.next())) {
        // fabric8 keeps it among its additional properties.
        throw UNMODELLED;
      }
    }
    // With reuse, the node itself is the answer as long as its fields come in the shape's order
    // with formed values; it is copied from the first difference on.
    Iterator<Map.Entry<String, JsonNode>> in = node.fields();
    Map.Entry<String, JsonNode> next = in.hasNext() ? in.next() : null;
    int same = 0;
    ObjectNode out = reuse ? null : NODES.objectNode();
    for (PodShapes.Property p : shape.properties().values()) {
      JsonNode value = node.get(p.name());
      JsonNode formed;
      if (value == null) {
        JsonNode dflt = shape.defaults().get(p.name());
        if (dflt == null) {
          continue;
        }
        formed = dflt.deepCopy();
      } else {
        formed = value(value, p, reuse);
      }
      if (out == null) {
        if (formed != null && formed == value && next != null && next.getKey().equals(p.name())) {
          same++;
          next = in.hasNext() ? in.next() : null;
          continue;
        }
        out = prefix(node, same);
      }
      if (formed != null) {
        out.set(p.name(), formed);
      }
    }
    if (out == null) {
      if (next != null) {
        // Not reachable (every field is a property, visited in order); the round trip if it were.
        throw UNMODELLED;
      }
      return node;
    }
    return out;
  }

  /** A new object with the first {@code count} fields of {@code node}. */
  private static ObjectNode prefix(ObjectNode node, int count) {
    ObjectNode out = NODES.objectNode();
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    for (int i = 0; i < count; i++) {
      Map.Entry<String, JsonNode> e = it.next();
      out.set(e.getKey(), e.getValue());
    }
    return out;
  }

  /** The formed value, or null when the round trip omits it. */
  private static JsonNode value(JsonNode v, PodShapes.Property p, boolean reuse) {
    if (v.isNull()) {
      // Jackson sets the property to null (over any default), and fabric8 does not write nulls.
      return null;
    }
    if (v.isContainerNode() && v.isEmpty() && p.kind() != PodShapes.Kind.BEAN) {
      if (!(v.isArray() ? p.kind().list : p.kind().map)) {
        throw UNMODELLED;
      }
      return !p.emptyKept() ? null : reuse ? v : v.deepCopy();
    }
    switch (p.kind()) {
      case STRING:
        return text(v);
      case INT:
        if (v.isIntegralNumber() && v.canConvertToInt()) {
          return v instanceof IntNode ? v : IntNode.valueOf(v.intValue());
        }
        throw UNMODELLED;
      case LONG:
        if (v.isIntegralNumber() && v.canConvertToLong()) {
          return v instanceof LongNode ? v : LongNode.valueOf(v.longValue());
        }
        throw UNMODELLED;
      case BOOLEAN:
        if (v.isBoolean()) {
          return v;
        }
        throw UNMODELLED;
      case INT_OR_STRING:
        if (v instanceof IntNode || v.isTextual()) {
          return v;
        }
        throw UNMODELLED;
      case STRING_LIST:
        {
          ArrayNode list = nonEmptyArray(v);
          for (JsonNode item : list) {
            text(item);
          }
          return reuse ? list : list.deepCopy();
        }
      case STRING_MAP:
        {
          if (!(v instanceof ObjectNode map) || map.isEmpty()) {
            throw UNMODELLED;
          }
          for (JsonNode item : map) {
            text(item);
          }
          return reuse ? map : map.deepCopy();
        }
      case QUANTITY:
        return quantity(v);
      case QUANTITY_MAP:
        {
          if (!(v instanceof ObjectNode map)) {
            throw UNMODELLED;
          }
          ObjectNode out = null;
          int same = 0;
          for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode q = quantity(e.getValue());
            if (out == null && reuse && q == e.getValue()) {
              same++;
              continue;
            }
            if (out == null) {
              out = prefix(map, same);
            }
            out.set(e.getKey(), q);
          }
          return out == null ? (reuse ? map : prefix(map, same)) : out;
        }
      case BEAN:
        if (v instanceof ObjectNode o) {
          return object(o, p.bean(), reuse);
        }
        throw UNMODELLED;
      case BEAN_LIST:
        {
          ArrayNode list = nonEmptyArray(v);
          ArrayNode out = reuse ? null : NODES.arrayNode(list.size());
          for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof ObjectNode o)) {
              throw UNMODELLED;
            }
            ObjectNode item = object(o, p.bean(), reuse);
            if (out == null) {
              if (item == o) {
                continue;
              }
              out = NODES.arrayNode(list.size());
              for (int j = 0; j < i; j++) {
                out.add(list.get(j));
              }
            }
            out.add(item);
          }
          return out == null ? list : out;
        }
      default:
        throw UNMODELLED;
    }
  }

  /** Quantities seen, as fabric8 writes them: few distinct values recur in every pod. */
  private static final Map<String, String> QUANTITIES = new ConcurrentHashMap<>();

  /** A quantity as fabric8 reads it (its own parser) and writes it (amount, then format). */
  private static JsonNode quantity(JsonNode v) {
    if (!v.isTextual() && !v.isIntegralNumber()) {
      throw UNMODELLED;
    }
    String key = v.isTextual() ? v.textValue() : null;
    String written = key == null ? null : QUANTITIES.get(key);
    if (written == null) {
      Quantity q;
      try {
        q = Json.MAPPER.treeToValue(v, Quantity.class);
      } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
        throw UNMODELLED;
      }
      if (q == null) {
        throw UNMODELLED;
      }
      String amount = q.getAmount() == null ? "" : q.getAmount();
      written = q.getFormat() == null ? amount : amount + q.getFormat();
      if (key != null && QUANTITIES.size() < 4096) {
        QUANTITIES.put(key, written);
      }
    }
    return written.equals(key) ? v : NODES.textNode(written);
  }

  private static JsonNode text(JsonNode v) {
    if (v.isTextual()) {
      return v;
    }
    throw UNMODELLED;
  }

  private static ArrayNode nonEmptyArray(JsonNode v) {
    // Empty lists: whether fabric8 writes them depends on the property's inclusion rule.
    if (v instanceof ArrayNode a && !a.isEmpty()) {
      return a;
    }
    throw UNMODELLED;
  }
}
