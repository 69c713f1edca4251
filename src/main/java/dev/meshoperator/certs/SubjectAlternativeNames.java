package dev.meshoperator.certs;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.bouncycastle.util.IPAddress;

/**
 * The subject alternative names of a certificate, normalised so that two sets compare equal
 * whenever a TLS client would treat them the same: DNS names lower-cased, IP addresses in the JDK's
 * canonical textual form, duplicates dropped. Order is kept (for the certificate) but {@link
 * #equals} is order-insensitive because the fields are sets.
 *
 * @param dnsNames DNS names
 * @param ipAddresses IPv4/IPv6 literals, never host names
 * @param uris URIs, e.g. SPIFFE IDs
 */
public record SubjectAlternativeNames(
    Set<String> dnsNames, Set<String> ipAddresses, Set<String> uris) {

  /** Normalises and copies the given names. */
  public SubjectAlternativeNames {
    dnsNames = normalise(dnsNames, SubjectAlternativeNames::dns);
    ipAddresses = normalise(ipAddresses, SubjectAlternativeNames::ip);
    uris = normalise(uris, SubjectAlternativeNames::uri);
  }

  /** DNS names and IP addresses, no URIs. */
  public static SubjectAlternativeNames of(Collection<String> dnsNames, Collection<String> ips) {
    return new SubjectAlternativeNames(
        new LinkedHashSet<>(dnsNames), new LinkedHashSet<>(ips), Set.of());
  }

  /**
   * The names a client may use for Service {@code service} in {@code namespace}: {@code <svc>},
   * {@code <svc>.<ns>}, {@code <svc>.<ns>.svc} and {@code <svc>.<ns>.svc.<clusterDomain>}.
   */
  public static SubjectAlternativeNames forService(
      String service, String namespace, String clusterDomain) {
    String svc = service + "." + namespace + ".svc";
    return of(
        List.of(service, service + "." + namespace, svc, svc + "." + clusterDomain), List.of());
  }

  /** {@link #forService(String, String, String)} for the default {@code cluster.local} domain. */
  public static SubjectAlternativeNames forService(String service, String namespace) {
    return forService(service, namespace, "cluster.local");
  }

  /** These names plus {@code localhost} and {@code 127.0.0.1}, for local and in-pod probes. */
  public SubjectAlternativeNames withLoopback() {
    return plus(List.of("localhost"), List.of("127.0.0.1"), List.of());
  }

  /** These names plus the given ones, appended in order. */
  public SubjectAlternativeNames plus(
      Collection<String> moreDns, Collection<String> moreIps, Collection<String> moreUris) {
    return new SubjectAlternativeNames(
        concat(dnsNames, moreDns), concat(ipAddresses, moreIps), concat(uris, moreUris));
  }

  /** {@code true} if there is no name at all. */
  public boolean isEmpty() {
    return dnsNames.isEmpty() && ipAddresses.isEmpty() && uris.isEmpty();
  }

  /** The first DNS name, else the first IP, else the first URI: a sensible subject CN. */
  public String primaryName() {
    return dnsNames.stream()
        .findFirst()
        .or(() -> ipAddresses.stream().findFirst())
        .or(() -> uris.stream().findFirst())
        .orElseThrow(() -> new IllegalStateException("No subject alternative names"));
  }

  /** Canonical form of an IP literal; rejects host names so that no DNS lookup ever happens. */
  static String ip(String literal) {
    String trimmed = literal.trim();
    if (!IPAddress.isValid(trimmed)) {
      throw new IllegalArgumentException("Not an IP address literal: " + literal);
    }
    try {
      return InetAddress.getByName(trimmed).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("Not an IP address literal: " + literal, e);
    }
  }

  private static String dns(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.isEmpty() || n.contains(" ")) {
      throw new IllegalArgumentException("Not a DNS name: '" + name + "'");
    }
    return n;
  }

  private static String uri(String value) {
    return URI.create(value.trim()).toString();
  }

  private static Set<String> concat(Set<String> first, Collection<String> second) {
    LinkedHashSet<String> out = new LinkedHashSet<>(first);
    out.addAll(second);
    return out;
  }

  private static Set<String> normalise(Set<String> values, UnaryOperator<String> normaliser) {
    List<String> out = new ArrayList<>();
    if (values != null) {
      for (String v : values) {
        String n = normaliser.apply(v);
        if (!out.contains(n)) {
          out.add(n);
        }
      }
    }
    return Collections.unmodifiableSet(new LinkedHashSet<>(out));
  }
}
