package dev.meshoperator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Operator-level settings, in one place. Environment: MESH_OPERATOR_*. */
@ConfigMapping(prefix = "mesh-operator")
public interface OperatorConfig {

  /** The namespace the operator runs in (its webhook Secret and Service live there). */
  @WithDefault("istio-operator")
  String namespace();

  Webhook webhook();

  Certificates certificates();

  LeaderElection leaderElection();

  Health health();

  /**
   * The health report (status.health): pods of the namespaces enabled for each revision, from one
   * pod informer whose cache keeps only the few fields the report reads.
   */
  interface Health {
    /** Off: no pod informer, no status.health. */
    @WithDefault("true")
    boolean enabled();

    /**
     * How often the report is recomputed from the cache; a revision is reconciled only when its
     * report changed, so 10,000 pod events cost at most one reconcile per revision per interval.
     */
    @WithDefault("PT10S")
    Duration interval();
  }

  /**
   * Only the lease holder reconciles; every replica serves the webhook regardless (its informers
   * and certificate do not depend on the lease). Active in the prod profile (QOSDK's
   * quarkus.operator-sdk.activate-leader-election-for-profiles).
   */
  interface LeaderElection {
    /** The Lease in the operator's namespace. */
    @WithDefault("istio-operator-leader")
    String leaseName();

    /** A dead leader's lease is taken over after this long. */
    @WithDefault("PT15S")
    Duration leaseDuration();

    /** The leader gives up (and the process exits) when it could not renew for this long. */
    @WithDefault("PT10S")
    Duration renewDeadline();

    @WithDefault("PT2S")
    Duration retryPeriod();

    /**
     * This replica's name in the Lease. Default: the pod name (POD_NAME, from the downward API),
     * else the host name, followed by the process id so two processes on one host differ.
     */
    Optional<String> identity();
  }

  /** How the apiserver reaches the injection webhook. */
  interface Webhook {
    /**
     * A full https URL the apiserver calls (local control plane, no kube-proxy), e.g.
     * https://127.0.0.1:8443/inject. When absent the Service reference is used.
     */
    Optional<String> url();

    /** The Service in front of the operator's pods. */
    @WithDefault("istio-operator-webhook")
    String serviceName();

    @WithDefault("443")
    int servicePort();

    @WithDefault("/inject")
    String path();

    /**
     * Where certificates.source=external finds tls.crt and tls.key (the mounted Secret). Unused
     * with the built-in issuer, whose certificate is served from memory and never written to disk;
     * there is deliberately no machine-wide default.
     */
    Optional<String> tlsDirectory();

    /**
     * Largest AdmissionReview body accepted (4 MiB; Istio's injector refuses over 6 MiB, etcd
     * stores objects of at most 1.5 MiB); larger ones get HTTP 413 before they are buffered.
     */
    @WithDefault("4194304")
    int maxBodyBytes();

    /** A request whose body has not fully arrived by then gets 408 and its connection closed. */
    @WithDefault("PT10S")
    Duration bodyTimeout();

    /** Admission requests read or processed at once; more get 503 with Retry-After. */
    @WithDefault("512")
    int maxInFlight();

    /** Heap shared by the parts of bodies beyond their first 64 KiB (see BodyBudget). */
    @WithDefault("33554432")
    long largeBodyBudgetBytes();

    /**
     * Reviews of at most this many bytes are answered on the event loop that read them, larger ones
     * on a worker thread (0: always a worker). Handing a review to a worker and back costs CPU of
     * its own (0.05-0.3 ms per request, measured); a large review on the event loop would hold up
     * every other connection on that loop for its whole injection.
     */
    @WithDefault("32768")
    int eventLoopMaxBytes();
  }

  /** Who issues the webhook's serving certificate. */
  interface Certificates {
    /**
     * self-signed: the operator's own CA in a Secret, rotated by the operator and patched into
     * caBundle. external: certificates mounted by OLM or cert-manager into tls-directory; the
     * operator neither generates nor patches caBundle.
     */
    @WithDefault("self-signed")
    String source();

    @WithDefault("istio-operator-webhook-tls")
    String secretName();

    /**
     * With source=external and cert-manager: the Certificate ({@code <namespace>/<name>}) whose CA
     * cert-manager's cainjector writes into each injector webhook's caBundle.
     */
    Optional<String> certManagerCertificate();

    @WithDefault("365d")
    String caValidity();

    @WithDefault("90d")
    String leafValidity();

    /** Renew once this fraction of a certificate's life has passed. */
    @WithDefault("0.6667")
    double renewAtFraction();

    /** Renew at the latest when this much validity remains. */
    @WithDefault("7d")
    String renewBefore();

    /** How often the Secret is re-read and the serving certificate checked. */
    @WithDefault("PT1M")
    Duration checkInterval();
  }

  /** Parses durations written as 90d, 12h, 30m or ISO-8601. */
  static Duration duration(String value) {
    String v = value.trim();
    if (v.startsWith("P") || v.startsWith("p")) {
      return Duration.parse(v);
    }
    long n = Long.parseLong(v.substring(0, v.length() - 1));
    return switch (v.charAt(v.length() - 1)) {
      case 'd' -> Duration.ofDays(n);
      case 'h' -> Duration.ofHours(n);
      case 'm' -> Duration.ofMinutes(n);
      case 's' -> Duration.ofSeconds(n);
      default -> throw new IllegalArgumentException("not a duration: " + value);
    };
  }
}
