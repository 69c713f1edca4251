package dev.meshoperator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.meshoperator.api.v1alpha1.IstioVersions;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneSpec;
import dev.meshoperator.api.v1alpha1.ProxySpec;
import dev.meshoperator.injection.InjectionException;
import dev.meshoperator.injection.InjectionSettings;
import dev.meshoperator.injection.KubeInject;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.InjectionSettingsModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code kube-inject}: injects the sidecar into Kubernetes manifests offline, like {@code istioctl
 * kube-inject}. Plain Java (no CDI, no cluster): argument parsing, reading the input and the
 * settings files, calling {@link KubeInject}, writing the result.
 *
 * <p>Settings come from {@link InjectionSettings#defaults()} with the images of a default {@code
 * MeshControlPlane} ({@value ControlPlane#DEFAULT_HUB}, tag {@link IstioVersions#DEFAULT}), or from
 * a {@code MeshControlPlane} given with {@code --control-plane}; explicit flags override both.
 */
public final class KubeInjectCommand {

  /** Success. */
  public static final int OK = 0;

  /** Bad input, an unreadable file, or a workload the injector refuses. */
  public static final int FAILED = 1;

  /** Wrong command line. */
  public static final int USAGE = 2;

  public static final String NAME = "kube-inject";

  static final String USAGE_TEXT =
      """
      Usage: kube-inject -f <file|-> [options]

      Injects the istio-proxy sidecar into Kubernetes manifests (Pod, Deployment, StatefulSet,
      DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, List) and prints them; other
      objects pass through unchanged. Offline: no cluster is contacted.

      Options:
        -f, --filename <file|->        manifests to inject, '-' for standard input (required)
        -o, --output <file>            write the result to <file> instead of standard output
            --control-plane <file>     take the settings from this MeshControlPlane (YAML)
            --hub <hub>                image registry, e.g. docker.io/istio
            --tag <tag>                image tag
            --revision <revision>      control plane revision the workloads belong to
            --istio-version <version>  inject as this Istio release does (one of %s;
                                       default %s, or the --control-plane's spec.version)
            --native-sidecars[=true|false]
                                       istio-proxy as a native sidecar (default true)
            --meshconfig <file>        Istio MeshConfig (YAML, or a ConfigMap with data.mesh)
                                       merged over the control plane's meshConfig
        -h, --help                     show this help

      Explicit flags override values from --control-plane. Without --control-plane the settings
      are those of a default MeshControlPlane in istio-system: hub docker.io/istio, tag %s.
      Exit status: 0 success, 1 bad input or refused workload, 2 usage error.
      """
          .formatted(
              String.join(", ", IstioVersions.SUPPORTED),
              IstioVersions.DEFAULT,
              IstioVersions.DEFAULT);

  private static final Pattern REVISION = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

  /**
   * The mappers of --meshconfig and --control-plane, made on first use: most runs need neither, and
   * the first mapper a run makes pays for initialising Jackson (tens of milliseconds), which the
   * injection's own mapper then does on {@link KubeInject#prepareInBackground}'s thread.
   */
  private static final class Mappers {
    static final YAMLMapper YAML = new YAMLMapper();

    /** Strict: a misspelled field of a MeshControlPlane is an error, not silently ignored. */
    static final ObjectMapper CR = new ObjectMapper();
  }

  private final InputStream stdin;
  private final PrintStream stdout;
  private final PrintStream stderr;
  private final Path workDir;

  public KubeInjectCommand(InputStream stdin, PrintStream stdout, PrintStream stderr) {
    this(stdin, stdout, stderr, Path.of(""));
  }

  KubeInjectCommand(InputStream stdin, PrintStream stdout, PrintStream stderr, Path workDir) {
    this.stdin = Objects.requireNonNull(stdin);
    this.stdout = Objects.requireNonNull(stdout);
    this.stderr = Objects.requireNonNull(stderr);
    this.workDir = Objects.requireNonNull(workDir);
  }

  /** The parsed command line. {@code null} means "not given". */
  record Options(
      String filename,
      String output,
      String controlPlane,
      String hub,
      String tag,
      String revision,
      Boolean nativeSidecars,
      String meshConfig,
      String istioVersion,
      boolean help) {}

  /** A command line that cannot be run. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /** A file or setting that cannot be used. */
  static final class InputException extends Exception {
    InputException(String message) {
      super(message);
    }
  }

  /**
   * Runs the command.
   *
   * @param args the arguments after {@code kube-inject}
   * @return the exit status: {@link #OK}, {@link #FAILED} or {@link #USAGE}
   */
  public int run(String... args) {
    Options options;
    try {
      options = parse(args);
    } catch (UsageException e) {
      stderr.println("Error: " + e.getMessage());
      stderr.println("Run 'kube-inject --help' for usage.");
      return USAGE;
    }
    if (options.help()) {
      stdout.print(USAGE_TEXT);
      stdout.flush();
      return OK;
    }
    // What the injection builds whatever the input (Jackson's model of a Pod) is built on another
    // thread while this one reads the settings and the manifests.
    KubeInject.prepareInBackground();
    try {
      InjectionSettings settings = settings(options);
      String input = read(options.filename());
      KubeInject.Result result = KubeInject.inject(input, settings);
      result.warnings().forEach(stderr::println);
      if (options.output() == null) {
        stdout.print(result.yaml());
        stdout.flush();
      } else {
        Files.writeString(resolve(options.output()), result.yaml(), StandardCharsets.UTF_8);
      }
      return OK;
    } catch (InputException | InjectionException e) {
      stderr.println("Error: " + e.getMessage());
      return FAILED;
    } catch (IOException e) {
      stderr.println("Error: " + describe(e));
      return FAILED;
    }
  }

  /** Parses {@code args} (without the command name). */
  static Options parse(String... args) throws UsageException {
    String filename = null;
    String output = null;
    String controlPlane = null;
    String hub = null;
    String tag = null;
    String revision = null;
    Boolean nativeSidecars = null;
    String meshConfig = null;
    String istioVersion = null;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("-") && eq > 0) {
        name = arg.substring(0, eq);
        inline = arg.substring(eq + 1);
      }
      switch (name) {
        case "-h", "--help" -> {
          if (inline != null) {
            throw new UsageException(name + " takes no value");
          }
          help = true;
        }
        case "--native-sidecars" -> {
          String v = inline == null ? "true" : inline;
          if (!v.equals("true") && !v.equals("false")) {
            throw new UsageException(
                "--native-sidecars takes true or false, not '"
                    + v
                    + "' (use --native-sidecars=false)");
          }
          nativeSidecars = Boolean.valueOf(v);
        }
        case "-f",
            "--filename",
            "-o",
            "--output",
            "--control-plane",
            "--hub",
            "--tag",
            "--revision",
            "--istio-version",
            "--meshconfig" -> {
          String value;
          if (inline != null) {
            value = inline;
          } else if (i + 1 < args.length) {
            value = args[++i];
          } else {
            throw new UsageException(name + " needs a value");
          }
          if (value.isEmpty()) {
            throw new UsageException(name + " needs a non-empty value");
          }
          switch (name) {
            case "-f", "--filename" -> filename = once(filename, name, value);
            case "-o", "--output" -> output = once(output, name, value);
            case "--control-plane" -> controlPlane = once(controlPlane, name, value);
            case "--hub" -> hub = once(hub, name, value);
            case "--tag" -> tag = once(tag, name, value);
            case "--revision" -> revision = once(revision, name, value);
            case "--istio-version" -> istioVersion = once(istioVersion, name, value);
            default -> meshConfig = once(meshConfig, name, value);
          }
        }
        default -> {
          if (arg.startsWith("-") && !arg.equals("-")) {
            throw new UsageException("unknown flag: " + name);
          }
          throw new UsageException("unexpected argument: " + arg);
        }
      }
    }
    if (revision != null && !REVISION.matcher(revision).matches()) {
      throw new UsageException(
          "--revision must be a DNS label (lowercase letters, digits, '-'), not '"
              + revision
              + "'");
    }
    if (istioVersion != null && !IstioVersions.isSupported(istioVersion)) {
      // Only the releases whose injector this project reproduces (and checks against that
      // release's own corpus) are accepted; a near miss would be a hybrid no Istio release made.
      throw new UsageException(
          "--istio-version "
              + istioVersion
              + " is not supported; supported versions: "
              + String.join(", ", IstioVersions.SUPPORTED));
    }
    if ("-".equals(controlPlane) || "-".equals(meshConfig)) {
      throw new UsageException("only -f/--filename can read standard input ('-')");
    }
    if (!help && filename == null) {
      throw new UsageException("-f/--filename is required");
    }
    return new Options(
        filename,
        output,
        controlPlane,
        hub,
        tag,
        revision,
        nativeSidecars,
        meshConfig,
        istioVersion,
        help);
  }

  private static String once(String previous, String flag, String value) throws UsageException {
    if (previous != null) {
      throw new UsageException(flag + " given more than once");
    }
    return value;
  }

  /** The injection settings the options describe. */
  InjectionSettings settings(Options o) throws IOException, InputException {
    Map<String, Object> mesh = o.meshConfig() == null ? null : meshConfig(o.meshConfig());
    if (o.controlPlane() != null) {
      MeshControlPlane cr = controlPlane(o.controlPlane());
      MeshControlPlaneSpec spec = cr.getSpec();
      // Flags override the CR: they are laid over its spec so that everything derived from them
      // (istiod's address for a revision, the image of a tag) follows.
      if (o.hub() != null) {
        spec.hub = o.hub();
      }
      if (o.tag() != null) {
        spec.tag = o.tag();
      }
      if (o.istioVersion() != null) {
        spec.version = o.istioVersion();
      }
      if (o.revision() != null) {
        // The revision is the control plane's name.
        cr.getMetadata().setName(o.revision());
      }
      if (o.nativeSidecars() != null) {
        if (spec.proxy == null) {
          spec.proxy = new ProxySpec();
        }
        spec.proxy.nativeSidecars =
            o.nativeSidecars() ? ProxySpec.NativeSidecars.ON : ProxySpec.NativeSidecars.OFF;
      }
      if (mesh != null) {
        spec.meshConfig = ControlPlane.deepMerge(spec.meshConfig, mesh);
      }
      ControlPlane cp;
      try {
        cp = ControlPlane.of(cr);
      } catch (RuntimeException e) {
        throw new InputException(o.controlPlane() + ": " + e.getMessage());
      }
      if (!IstioVersions.isSupported(cp.version())) {
        throw new InputException(
            o.controlPlane()
                + ": spec.version "
                + cp.version()
                + " is not supported; supported versions: "
                + String.join(", ", IstioVersions.SUPPORTED));
      }
      // The nodes are unknown offline: "auto" follows --native-sidecars (default on).
      return InjectionSettingsModel.settings(cp, !Boolean.FALSE.equals(o.nativeSidecars()));
    }
    // The release's injector behaviour and, unless --tag says otherwise, its image tag.
    String version = o.istioVersion() == null ? IstioVersions.DEFAULT : o.istioVersion();
    InjectionSettings.Builder b =
        InjectionSettings.defaults().toBuilder()
            .hub(ControlPlane.DEFAULT_HUB)
            .tag(version)
            .istioVersion(version);
    if (o.hub() != null) {
      b.hub(o.hub());
    }
    if (o.tag() != null) {
      b.tag(o.tag());
    }
    ObjectNode defaultConfig = InjectionSettings.defaults().meshDefaultConfig();
    if (o.revision() != null && !o.revision().equals("default")) {
      String istiod = "istiod-" + o.revision() + ".istio-system.svc:15012";
      b.revision(o.revision()).caAddress(istiod);
      defaultConfig.put("discoveryAddress", istiod);
    }
    if (o.nativeSidecars() != null) {
      b.nativeSidecars(o.nativeSidecars());
    }
    if (mesh != null) {
      applyMeshConfig(b, defaultConfig, mesh);
    }
    return b.meshDefaultConfig(defaultConfig).build();
  }

  /**
   * The MeshConfig fields the injector reads, as {@code InjectionSettingsModel} reads them from a
   * control plane's merged meshConfig.
   */
  private static void applyMeshConfig(
      InjectionSettings.Builder b, ObjectNode defaultConfig, Map<String, Object> mesh)
      throws InputException {
    Object dc = mesh.get("defaultConfig");
    if (dc != null) {
      if (!(dc instanceof Map<?, ?>)) {
        throw new InputException("--meshconfig: defaultConfig must be a mapping");
      }
      merge(defaultConfig, Mappers.YAML.valueToTree(dc));
    }
    if (mesh.get("enablePrometheusMerge") instanceof Boolean merge) {
      b.enablePrometheusMerge(merge);
    }
    if (mesh.get("meshId") instanceof String meshId && !meshId.isBlank()) {
      b.meshId(meshId);
    }
    if (mesh.get("trustDomain") instanceof String td && !td.isBlank()) {
      b.trustDomain(td);
    }
    if (mesh.containsKey("inboundTrafficPolicy")) {
      b.inboundTrafficPolicyLocalhost(InjectionSettingsModel.inboundTrafficPolicyLocalhost(mesh));
    }
  }

  private static void merge(ObjectNode base, JsonNode override) {
    override
        .fields()
        .forEachRemaining(
            e -> {
              if (base.get(e.getKey()) instanceof ObjectNode existing
                  && e.getValue() instanceof ObjectNode value) {
                merge(existing, value);
              } else {
                base.set(e.getKey(), e.getValue().deepCopy());
              }
            });
  }

  /** The one MeshControlPlane in {@code file}; its control plane defaults to istio-system. */
  private MeshControlPlane controlPlane(String file) throws IOException, InputException {
    List<JsonNode> found = new ArrayList<>();
    try {
      for (JsonNode doc : KubeInject.parseDocuments(read(file))) {
        if ("MeshControlPlane".equals(doc.path("kind").asText())) {
          found.add(doc);
        }
      }
    } catch (InjectionException e) {
      throw new InputException(file + ": " + e.getMessage());
    }
    if (found.size() != 1) {
      throw new InputException(
          file
              + ": expected one MeshControlPlane ("
              + MeshControlPlane.GROUP
              + "/"
              + MeshControlPlane.VERSION
              + "), found "
              + found.size());
    }
    JsonNode doc = found.get(0);
    String apiVersion = doc.path("apiVersion").asText();
    String expected = MeshControlPlane.GROUP + "/" + MeshControlPlane.VERSION;
    if (!expected.equals(apiVersion)) {
      throw new InputException(
          file + ": apiVersion must be " + expected + ", not '" + apiVersion + "'");
    }
    MeshControlPlane cr;
    try {
      cr = Mappers.CR.treeToValue(doc, MeshControlPlane.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new InputException(file + ": not a valid MeshControlPlane: " + firstLine(e));
    }
    if (cr.getSpec() != null && cr.getSpec().invalid() != null) {
      throw new InputException(file + ": not a valid MeshControlPlane: " + cr.getSpec().invalid());
    }
    if (cr.getMetadata().getName() == null) {
      cr.getMetadata().setName("default");
    }
    if (cr.getSpec() == null) {
      cr.setSpec(new MeshControlPlaneSpec());
    }
    return cr;
  }

  /** An Istio MeshConfig, or the {@code mesh} key of an istio ConfigMap. */
  private Map<String, Object> meshConfig(String file) throws IOException, InputException {
    String text = read(file);
    try {
      JsonNode node = Mappers.YAML.readTree(text);
      if (node == null || node.isMissingNode() || node.isNull()) {
        return new LinkedHashMap<>();
      }
      if ("ConfigMap".equals(node.path("kind").asText())) {
        JsonNode mesh = node.path("data").path("mesh");
        if (!mesh.isTextual()) {
          throw new InputException(file + ": ConfigMap has no data.mesh");
        }
        node = Mappers.YAML.readTree(mesh.asText());
      }
      if (!(node instanceof ObjectNode)) {
        throw new InputException(file + ": MeshConfig must be a YAML mapping");
      }
      return Mappers.YAML.convertValue(node, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new InputException(file + ": invalid YAML: " + firstLine(e));
    }
  }

  private String read(String file) throws IOException {
    if (file.equals("-")) {
      return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
    }
    return Files.readString(resolve(file), StandardCharsets.UTF_8);
  }

  private Path resolve(String file) {
    return workDir.resolve(file);
  }

  private static String firstLine(Exception e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }

  private static String describe(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException n) {
      return n.getFile() + ": no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException a) {
      return a.getFile() + ": permission denied";
    }
    return e.toString();
  }
}
