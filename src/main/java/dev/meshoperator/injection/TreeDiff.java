package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * An RFC 6902 JSON patch between two JSON trees, with add, remove and replace operations only.
 *
 * <p>Written for the webhook's patches, where most of the pod is unchanged and often the very same
 * subtree on both sides (see {@link SlimPod}): identical subtrees are recognized by reference
 * before any deep comparison, pointers are built only for the operations emitted, and values are
 * the after tree's own nodes (the patch is read, never modified). Lists of named objects
 * (containers, volumes, env) are matched by name, so an injected container or volume is one {@code
 * add}, not a cascade of replacements of the items after it; other lists are compared after their
 * common head and tail, position by position.
 */
final class TreeDiff {

  private TreeDiff() {}

  /** The operations turning {@code before} into {@code after}. */
  static ArrayNode diff(JsonNode before, JsonNode after) {
    ArrayNode ops = Json.MAPPER.createArrayNode();
    diff(before, after, new StringBuilder(), ops);
    return ops;
  }

  private static void diff(JsonNode a, JsonNode b, StringBuilder path, ArrayNode ops) {
    if (a == b) {
      return;
    }
    if (a instanceof ObjectNode ao && b instanceof ObjectNode bo) {
      diffObjects(ao, bo, path, ops);
    } else if (a instanceof ArrayNode aa && b instanceof ArrayNode ba) {
      diffArrays(aa, ba, path, ops);
    } else if (!a.equals(b)) {
      op(ops, "replace", path, b);
    }
  }

  private static void diffObjects(ObjectNode a, ObjectNode b, StringBuilder path, ArrayNode ops) {
    int at = path.length();
    for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode other = b.get(e.getKey());
      appendKey(path, e.getKey());
      if (other == null) {
        op(ops, "remove", path, null);
      } else {
        diff(e.getValue(), other, path, ops);
      }
      path.setLength(at);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!a.has(e.getKey())) {
        appendKey(path, e.getKey());
        op(ops, "add", path, e.getValue());
        path.setLength(at);
      }
    }
  }

  private static void diffArrays(ArrayNode a, ArrayNode b, StringBuilder path, ArrayNode ops) {
    int n = a.size();
    int m = b.size();
    int head = 0;
    while (head < n && head < m && same(a.get(head), b.get(head))) {
      head++;
    }
    int tail = 0;
    while (tail < n - head && tail < m - head && same(a.get(n - 1 - tail), b.get(m - 1 - tail))) {
      tail++;
    }
    if (head + tail == n && head + tail == m) {
      return;
    }
    if (!byName(a, b, head, n - tail, m - tail, path, ops)) {
      byPosition(a, b, head, n - tail, m - tail, path, ops);
    }
  }

  private static boolean same(JsonNode x, JsonNode y) {
    return x == y || x.equals(y);
  }

  /** Items {@code [from, aEnd)} of a and {@code [from, bEnd)} of b, pairwise, then the rest. */
  private static void byPosition(
      ArrayNode a, ArrayNode b, int from, int aEnd, int bEnd, StringBuilder path, ArrayNode ops) {
    int at = path.length();
    int common = Math.min(aEnd, bEnd);
    for (int i = from; i < common; i++) {
      appendIndex(path, i);
      diff(a.get(i), b.get(i), path, ops);
      path.setLength(at);
    }
    for (int i = aEnd - 1; i >= common; i--) {
      appendIndex(path, i);
      op(ops, "remove", path, null);
      path.setLength(at);
    }
    for (int i = common; i < bEnd; i++) {
      appendIndex(path, i);
      op(ops, "add", path, b.get(i));
      path.setLength(at);
    }
  }

  /**
   * When every item in both ranges is an object with a name unique in its range and the names both
   * sides share come in the same order: removes the items only a has, diffs the shared ones and
   * adds the items only b has where they go. Otherwise does nothing and says so.
   */
  private static boolean byName(
      ArrayNode a, ArrayNode b, int from, int aEnd, int bEnd, StringBuilder path, ArrayNode ops) {
    Map<String, Integer> inA = names(a, from, aEnd);
    Map<String, Integer> inB = inA == null ? null : names(b, from, bEnd);
    if (inB == null) {
      return false;
    }
    // The shared names must come in the same order on both sides (no reordering).
    int last = -1;
    for (int j = from; j < bEnd; j++) {
      Integer i = inA.get(b.get(j).get("name").asText());
      if (i != null) {
        if (i < last) {
          return false;
        }
        last = i;
      }
    }
    int at = path.length();
    for (int i = aEnd - 1; i >= from; i--) {
      if (!inB.containsKey(a.get(i).get("name").asText())) {
        appendIndex(path, i);
        op(ops, "remove", path, null);
        path.setLength(at);
      }
    }
    // Now a's range holds only shared items, in b's order; walk b, index in the patched array.
    int index = from;
    for (int j = from; j < bEnd; j++) {
      JsonNode item = b.get(j);
      Integer i = inA.get(item.get("name").asText());
      appendIndex(path, index);
      if (i == null) {
        op(ops, "add", path, item);
      } else {
        diff(a.get(i), item, path, ops);
      }
      path.setLength(at);
      index++;
    }
    return true;
  }

  /** Index of each item's name in {@code [from, end)}, or null when not all named and unique. */
  private static Map<String, Integer> names(ArrayNode list, int from, int end) {
    Map<String, Integer> out = new HashMap<>();
    for (int i = from; i < end; i++) {
      JsonNode name = list.get(i).get("name");
      if (name == null || !name.isTextual() || out.put(name.asText(), i) != null) {
        return null;
      }
    }
    return out;
  }

  private static void op(ArrayNode ops, String op, StringBuilder path, JsonNode value) {
    ObjectNode o = ops.addObject();
    o.put("op", op);
    o.put("path", path.toString());
    if (value != null) {
      o.set("value", value);
    }
  }

  private static void appendIndex(StringBuilder path, int index) {
    path.append('/').append(index);
  }

  /** RFC 6901: {@code ~} as {@code ~0} and {@code /} as {@code ~1}. */
  private static void appendKey(StringBuilder path, String key) {
    path.append('/');
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '~') {
        path.append("~0");
      } else if (c == '/') {
        path.append("~1");
      } else {
        path.append(c);
      }
    }
  }
}
