package dev.meshoperator.testing;

import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The credentials of {@link LocalControlPlane}: the admin kubeconfig (kube-api-test's
 * system:masters client certificate) and ServiceAccount configs with a bound token, as a pod of
 * that account would have.
 */
final class Kubeconfigs {

  private Kubeconfigs() {}

  /** The admin kubeconfig for the apiserver on loopback {@code port}, with the files inlined. */
  static String admin(int port, Path ca, Path cert, Path key) throws IOException {
    var b64 = Base64.getEncoder();
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster:
            server: https://127.0.0.1:%d
            certificate-authority-data: %s
        users:
        - name: admin
          user:
            client-certificate-data: %s
            client-key-data: %s
        contexts:
        - name: local
          context: {cluster: local, user: admin}
        current-context: local
        """
        .formatted(
            port,
            b64.encodeToString(Files.readAllBytes(ca)),
            b64.encodeToString(Files.readAllBytes(cert)),
            b64.encodeToString(Files.readAllBytes(key)));
  }

  /**
   * A config authenticated as a ServiceAccount through a bound token (valid a day) from the
   * TokenRequest API, asked for with {@code adminClient}. The account must exist.
   */
  static Config serviceAccount(
      Config admin, KubernetesClient adminClient, String namespace, String name) {
    String token =
        adminClient
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(name)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(24 * 3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(admin.getMasterUrl())
        .withCaCertData(admin.getCaCertData())
        .withCaCertFile(admin.getCaCertFile())
        .withOauthToken(token)
        .withNamespace(namespace)
        .build();
  }

  /** {@code c} (a ServiceAccount config) as a kubeconfig, for processes outside this JVM. */
  static String serviceAccountYaml(Config c, String namespace, String name) {
    String ca = c.getCaCertData();
    if (ca == null && c.getCaCertFile() != null) {
      try {
        ca = Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(c.getCaCertFile())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: local
          context: {cluster: local, user: %s, namespace: %s}
        current-context: local
        """
        .formatted(c.getMasterUrl(), ca, name, c.getOauthToken(), name, namespace);
  }
}
