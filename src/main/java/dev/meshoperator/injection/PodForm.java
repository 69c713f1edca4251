package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.BeanSerializer;
import com.fasterxml.jackson.databind.ser.PropertyWriter;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The form a pod's JSON tree takes when read into a fabric8 {@link Pod} and written back ({@code
 * Json.toTree(Json.toPod(tree))}), computed on the tree: the webhook's output must be exactly what
 * that round trip gives (field order, omitted nulls and empty lists, number node types), and the
 * round trip, Jackson binding beans by reflection, costs more than the whole injection.
 *
 * <p>The shapes come from Jackson's own serializers for the fabric8 classes (property order,
 * defaults of a new instance), computed once per class. Anything this class does not model exactly
 * (unknown fields, which fabric8 keeps in its additional properties; nulls; empty lists and maps;
 * values of another JSON type than the property's; Quantity) is handed to the real round trip for
 * the object holding it, so the result is the round trip's in every case.
 */
final class PodForm {

  private static final JsonNodeFactory NODES = Json.MAPPER.getNodeFactory();

  /** A bean property: its JSON name and how its value is formed. */
  private record Property(String name, Kind kind, Class<?> bean, boolean emptyKept) {}

  private enum Kind {
    STRING,
    INT,
    LONG,
    BOOLEAN,
    INT_OR_STRING,
    STRING_LIST(true, false),
    STRING_MAP(false, true),
    QUANTITY,
    QUANTITY_MAP(false, true),
    BEAN,
    BEAN_LIST(true, false),
    /** Anything else: the object holding it takes the round trip. */
    OTHER;

    final boolean list;
    final boolean map;

    Kind() {
      this(false, false);
    }

    Kind(boolean list, boolean map) {
      this.list = list;
      this.map = map;
    }
  }

  /** A fabric8 class: its properties in serialization order, and a new instance's JSON form. */
  private record Shape(Class<?> type, Map<String, Property> properties, ObjectNode defaults) {}

  private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();

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
    try {
      return object(pod, Pod.class);
    } catch (InjectionException e) {
      // A part fabric8 cannot read: the whole pod's conversion gives the error it always gave.
      return Json.toTree(Json.toPod(pod));
    }
  }

  private static ObjectNode object(ObjectNode node, Class<?> type) {
    Shape shape = shape(type);
    if (shape != null) {
      try {
        return formed(node, shape);
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

  private static ObjectNode formed(ObjectNode node, Shape shape) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      if (!shape.properties().containsKey(names.next())) {
        // fabric8 keeps it among its additional properties.
        throw UNMODELLED;
      }
    }
    ObjectNode out = NODES.objectNode();
    for (Property p : shape.properties().values()) {
      JsonNode value = node.get(p.name());
      if (value == null) {
        JsonNode dflt = shape.defaults().get(p.name());
        if (dflt != null) {
          out.set(p.name(), dflt.deepCopy());
        }
        continue;
      }
      JsonNode formed = value(value, p);
      if (formed != null) {
        out.set(p.name(), formed);
      }
    }
    return out;
  }

  /** The formed value, or null when the round trip omits it. */
  private static JsonNode value(JsonNode v, Property p) {
    if (v.isNull()) {
      // Jackson sets the property to null (over any default), and fabric8 does not write nulls.
      return null;
    }
    if (v.isContainerNode() && v.isEmpty() && p.kind() != Kind.BEAN) {
      if (!(v.isArray() ? p.kind().list : p.kind().map)) {
        throw UNMODELLED;
      }
      return p.emptyKept() ? v.deepCopy() : null;
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
          ArrayNode out = NODES.arrayNode(list.size());
          for (JsonNode item : list) {
            out.add(text(item));
          }
          return out;
        }
      case STRING_MAP:
        {
          if (!(v instanceof ObjectNode map) || map.isEmpty()) {
            throw UNMODELLED;
          }
          ObjectNode out = NODES.objectNode();
          for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.set(e.getKey(), text(e.getValue()));
          }
          return out;
        }
      case QUANTITY:
        return quantity(v);
      case QUANTITY_MAP:
        {
          if (!(v instanceof ObjectNode)) {
            throw UNMODELLED;
          }
          ObjectNode out = NODES.objectNode();
          for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.set(e.getKey(), quantity(e.getValue()));
          }
          return out;
        }
      case BEAN:
        if (v instanceof ObjectNode o) {
          return object(o, p.bean());
        }
        throw UNMODELLED;
      case BEAN_LIST:
        {
          ArrayNode list = nonEmptyArray(v);
          ArrayNode out = NODES.arrayNode(list.size());
          for (JsonNode item : list) {
            if (!(item instanceof ObjectNode o)) {
              throw UNMODELLED;
            }
            out.add(object(o, p.bean()));
          }
          return out;
        }
      default:
        throw UNMODELLED;
    }
  }

  /** A quantity as fabric8 reads it (its own parser) and writes it (amount, then format). */
  private static JsonNode quantity(JsonNode v) {
    if (!v.isTextual() && !v.isIntegralNumber()) {
      throw UNMODELLED;
    }
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
    return NODES.textNode(q.getFormat() == null ? amount : amount + q.getFormat());
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

  /** The shape of a fabric8 model class, or null when it is not a plain bean. */
  private static Shape shape(Class<?> type) {
    Shape s = SHAPES.get(type);
    if (s == null) {
      s = computeShape(type);
      SHAPES.put(type, s);
    }
    return s.properties() == null ? null : s;
  }

  private static Shape computeShape(Class<?> type) {
    Shape none = new Shape(type, null, null);
    JsonDeserialize custom = type.getAnnotation(JsonDeserialize.class);
    if (!type.getName().startsWith("io.fabric8.kubernetes.api.model.")
        || (custom != null
            && custom.using() != com.fasterxml.jackson.databind.JsonDeserializer.None.class)) {
      return none;
    }
    JsonSerializer<Object> serializer;
    ObjectNode defaults;
    try {
      serializer = Json.MAPPER.getSerializerProviderInstance().findValueSerializer(type);
      defaults = Json.toTree(type.getDeclaredConstructor().newInstance());
    } catch (JsonMappingException | ReflectiveOperationException | RuntimeException e) {
      return none;
    }
    if (serializer.getClass() != BeanSerializer.class) {
      return none;
    }
    Map<String, Property> properties = new LinkedHashMap<>();
    for (Iterator<PropertyWriter> it = serializer.properties(); it.hasNext(); ) {
      PropertyWriter w = it.next();
      properties.put(w.getName(), property(type, w.getName(), w.getType()));
    }
    return new Shape(type, properties, defaults);
  }

  private static Property property(Class<?> owner, String name, JavaType t) {
    Class<?> raw = t.getRawClass();
    Kind kind = Kind.OTHER;
    Class<?> bean = null;
    if (raw == String.class) {
      kind = Kind.STRING;
    } else if (raw == Integer.class) {
      kind = Kind.INT;
    } else if (raw == Long.class) {
      kind = Kind.LONG;
    } else if (raw == Boolean.class) {
      kind = Kind.BOOLEAN;
    } else if (raw == Quantity.class) {
      kind = Kind.QUANTITY;
    } else if (raw == IntOrString.class) {
      kind = Kind.INT_OR_STRING;
    } else if (raw == List.class && t.getContentType().getRawClass() == String.class) {
      kind = Kind.STRING_LIST;
    } else if (raw == Map.class
        && t.getKeyType().getRawClass() == String.class
        && t.getContentType().getRawClass() == String.class) {
      kind = Kind.STRING_MAP;
    } else if (raw == Map.class
        && t.getKeyType().getRawClass() == String.class
        && t.getContentType().getRawClass() == Quantity.class) {
      kind = Kind.QUANTITY_MAP;
    } else if (raw == List.class && isModel(t.getContentType().getRawClass())) {
      kind = Kind.BEAN_LIST;
      bean = t.getContentType().getRawClass();
    } else if (isModel(raw)) {
      kind = Kind.BEAN;
      bean = raw;
    }
    Boolean emptyKept = kind.list || kind.map ? emptyKept(owner, name, kind) : Boolean.FALSE;
    if (emptyKept == null) {
      return new Property(name, Kind.OTHER, null, false);
    }
    return new Property(name, kind, bean, emptyKept);
  }

  /**
   * Whether fabric8 writes the property when it is an empty list or map: asked of Jackson itself,
   * once per property, as inclusion rules differ between properties.
   */
  private static Boolean emptyKept(Class<?> owner, String name, Kind kind) {
    ObjectNode probe = NODES.objectNode();
    probe.set(name, kind.list ? NODES.arrayNode() : NODES.objectNode());
    try {
      return Json.toTree(Json.MAPPER.treeToValue(probe, owner)).has(name);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
      return null;
    }
  }

  private static boolean isModel(Class<?> c) {
    return c.getName().startsWith("io.fabric8.kubernetes.api.model.") && !c.isInterface();
  }
}
