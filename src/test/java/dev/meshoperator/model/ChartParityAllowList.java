package dev.meshoperator.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The intentional differences between the operator's objects and Istio's charts, each with its
 * reason. {@link ChartParityTest} fails on any difference not listed here.
 */
final class ChartParityAllowList {

  private ChartParityAllowList() {}

  enum Side {
    /** The chart renders the object; the operator does not. */
    CHART_ONLY,
    /** The operator creates the object; the chart has none. */
    OPERATOR_ONLY,
    /** Both have the object; a field differs. */
    FIELD
  }

  /**
   * @param kind an object kind, or {@code *}
   * @param name a regular expression over the object's name
   * @param path for {@link Side#FIELD}: a leaf path or a prefix of leaf paths
   */
  record Entry(String id, Side side, String kind, Pattern name, String path, String reason) {

    boolean matches(String kind, String name, Side side, String path) {
      if (side != this.side
          || !(this.kind.equals("*") || this.kind.equals(kind))
          || !this.name.matcher(name).matches()) {
        return false;
      }
      return side != Side.FIELD
          || path.equals(this.path)
          || path.startsWith(this.path + ".")
          || path.startsWith(this.path + "[");
    }

    @Override
    public String toString() {
      String what =
          switch (side) {
            case CHART_ONLY -> "chart only: " + kind + " " + name;
            case OPERATOR_ONLY -> "operator only: " + kind + " " + name;
            case FIELD -> kind + " " + name + " " + path;
          };
      return what + " -- " + reason;
    }
  }

  /** Chart names whose object the operator names otherwise: chart {@code Kind/name} to name. */
  static final Map<String, String> RENAMED = Map.of();

  static final List<Entry> ENTRIES = new ArrayList<>();

  private static void field(String kind, String name, String path, String reason) {
    ENTRIES.add(
        new Entry("F" + ENTRIES.size(), Side.FIELD, kind, Pattern.compile(name), path, reason));
  }

  private static void only(Side side, String kind, String name, String reason) {
    ENTRIES.add(new Entry("O" + ENTRIES.size(), side, kind, Pattern.compile(name), null, reason));
  }
}
