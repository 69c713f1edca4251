package dev.meshoperator.config;

import dev.meshoperator.cli.CliMode;
import io.javaoperatorsdk.operator.Operator;
import io.quarkiverse.operatorsdk.runtime.QuarkusConfigurationService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.util.concurrent.ExecutorService;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts and stops the operator with the application, except for a command-line run ({@link
 * CliMode}), where the operator (and with it the Kubernetes client) is never even created.
 *
 * <p>quarkus-operator-sdk 7.7.3 does this itself in its {@code AppEventListener} only when the
 * application has no {@code QuarkusApplication}; this one has ({@code KubeInjectApplication}), so
 * the extension leaves starting to us. This class does what {@code AppEventListener} does (same
 * observer priority, same honouring of {@code start-operator} and {@code async-start}, same log
 * messages), plus the command-line check. Its {@code start-operator} property is fixed at build
 * time, so it cannot serve as that check.
 */
@Singleton
public class OperatorLifecycle {

  private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);

  private final Instance<Operator> operator;
  private final Instance<QuarkusConfigurationService> configuration;
  private final Instance<ExecutorService> executor;
  private final boolean commandLine;

  @Inject
  OperatorLifecycle(
      Instance<Operator> operator,
      Instance<QuarkusConfigurationService> configuration,
      Instance<ExecutorService> executor,
      @ConfigProperty(name = CliMode.PROPERTY, defaultValue = "false") boolean commandLine) {
    this.operator = operator;
    this.configuration = configuration;
    this.executor = executor;
    this.commandLine = commandLine;
  }

  void onStartup(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 123) StartupEvent e) {
    if (commandLine) {
      return;
    }
    if (configuration.get().isAsyncStart()) {
      executor.get().execute(this::startOperator);
    } else {
      startOperator();
    }
  }

  void onShutdown(@Observes ShutdownEvent e) {
    if (commandLine) {
      return;
    }
    if (configuration.get().shouldStartOperator()) {
      LOG.infof(
          "Quarkus Java Operator SDK extension is shutting down. Is standard shutdown: %s",
          e.isStandardShutdown());
      operator.get().stop();
    } else {
      LOG.warn(
          "Operator was configured not to stop automatically, call the stop method to stop it.");
    }
  }

  private void startOperator() {
    if (!configuration.get().shouldStartOperator()) {
      LOG.warn(
          "Operator was configured not to start automatically, call the start method to start it.");
      return;
    }
    Operator op = operator.get();
    if (op.getRegisteredControllersNumber() > 0) {
      LOG.info("Starting operator.");
      op.start();
    } else {
      LOG.warn("No Reconciler implementation was found so the Operator was not started.");
    }
  }
}
