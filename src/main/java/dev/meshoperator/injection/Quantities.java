package dev.meshoperator.injection;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and canonicalizes Kubernetes resource quantities the way the API machinery does ({@code
 * 1000m} becomes {@code 1}, {@code 1024Mi} becomes {@code 1Gi}), because Istio's output went
 * through a typed round trip and users compare against it.
 */
public final class Quantities {

  private static final Pattern QUANTITY =
      Pattern.compile("^([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(.*)$");
  private static final Map<String, Integer> BINARY =
      Map.of("Ki", 1, "Mi", 2, "Gi", 3, "Ti", 4, "Pi", 5, "Ei", 6);
  private static final Map<String, Integer> DECIMAL =
      Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);
  private static final String[] BINARY_SUFFIX = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final BigInteger K1024 = BigInteger.valueOf(1024);

  private enum Format {
    BINARY_SI,
    DECIMAL_SI,
    DECIMAL_EXPONENT
  }

  private Quantities() {}

  /** True when {@code value} is a well-formed quantity. */
  public static boolean isValid(String value) {
    return parse(value).isPresent();
  }

  /** The canonical form of {@code value}, or {@code value} itself when it does not parse. */
  public static String canonical(String value) {
    return parse(value).map(Quantities::format).orElse(value);
  }

  private record Parsed(BigDecimal amount, Format format) {}

  private static Optional<Parsed> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String s = value.trim();
    if (s.isEmpty() || !s.equals(value)) {
      return Optional.empty();
    }
    Matcher m = QUANTITY.matcher(s);
    if (!m.matches()) {
      return Optional.empty();
    }
    BigDecimal number;
    try {
      number = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    String suffix = m.group(2);
    BigDecimal amount;
    Format format;
    if (BINARY.containsKey(suffix)) {
      amount = number.multiply(new BigDecimal(K1024.pow(BINARY.get(suffix))));
      format = Format.BINARY_SI;
    } else if (DECIMAL.containsKey(suffix)) {
      amount = number.scaleByPowerOfTen(DECIMAL.get(suffix));
      format = Format.DECIMAL_SI;
    } else if (suffix.matches("[eE][+-]?[0-9]+")) {
      try {
        amount = number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
      } catch (NumberFormatException | ArithmeticException e) {
        return Optional.empty();
      }
      format = Format.DECIMAL_EXPONENT;
    } else {
      return Optional.empty();
    }
    // The API machinery keeps nano precision and rounds anything smaller away from zero.
    if (amount.scale() > 9) {
      amount = amount.setScale(9, RoundingMode.UP);
    }
    return Optional.of(new Parsed(amount, format));
  }

  private static String format(Parsed p) {
    BigDecimal amount = p.amount();
    if (amount.signum() == 0) {
      return "0";
    }
    Format format = p.format();
    if (format == Format.BINARY_SI) {
      boolean small = amount.abs().compareTo(BigDecimal.valueOf(1024)) < 0;
      boolean integral = amount.stripTrailingZeros().scale() <= 0;
      if (small || !integral) {
        format = Format.DECIMAL_SI;
      }
    }
    if (format == Format.BINARY_SI) {
      BigInteger value = amount.toBigIntegerExact();
      int exp = 0;
      while (exp < 6 && value.mod(K1024).signum() == 0) {
        value = value.divide(K1024);
        exp++;
      }
      return value + BINARY_SUFFIX[exp];
    }
    BigDecimal stripped = amount.stripTrailingZeros();
    int exponent = -stripped.scale();
    int exp3 = Math.floorDiv(exponent, 3) * 3;
    if (format == Format.DECIMAL_SI) {
      exp3 = Math.min(exp3, 18);
    }
    BigInteger mantissa = stripped.scaleByPowerOfTen(-exp3).toBigIntegerExact();
    if (format == Format.DECIMAL_EXPONENT) {
      return exp3 == 0 ? mantissa.toString() : mantissa + "e" + exp3;
    }
    String suffix =
        switch (exp3) {
          case -9 -> "n";
          case -6 -> "u";
          case -3 -> "m";
          case 0 -> "";
          case 3 -> "k";
          case 6 -> "M";
          case 9 -> "G";
          case 12 -> "T";
          case 15 -> "P";
          default -> "E";
        };
    return mantissa + suffix;
  }
}
